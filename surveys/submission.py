"""The only place responses are written: whole or not at all.

What is stored is decided here and nowhere else: the survey, the questionnaire revision
answered (one that does not date the response within its day: revision_pinning.py), the
neighborhood, the language, the channel, the status, the *day* of submission, and the
answers by key and code. Never an IP address, a user agent, an exact time or anything
from a cookie: callers do not even pass the request.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from cms.models import Neighborhood

from . import codes
from .answer_insert import insert_answers
from .models import Answer, Response, SurveyPage
from .question_types import AnswerValue, question_type
from .questionnaire import Questionnaire
from .response_version import responses_changed
from .resume import RESUME_CODE_LENGTH, ResumeCode, expiry_for
from .revision_pinning import recorded_revision_id
from .wide import wide_cells

BULK_BATCH_SIZE = 2000


@dataclass(frozen=True)
class ResponseData:
    """One response to write in bulk (imports, demo data)."""

    answers: Mapping[str, Any]
    submitted_on: datetime.date
    language: str
    channel: str = Response.Channel.WEB
    status: str = Response.Status.COMPLETE
    # A neighborhood code, for questionnaires without a neighborhood question (paper).
    neighborhood: str | None = None


def answer_values(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> list[tuple[str, AnswerValue]]:
    """The rows to store for cleaned `answers` (keyed by question key).

    A "please specify" text (under `other_field_name(key)`) is stored on the row of the
    choice that asked for it.
    """
    from .forms import other_field_name  # forms imports cms.protection; keep this import light

    others = {other_field_name(key): key for key in questionnaire.keys}
    unknown = set(answers) - set(questionnaire.keys) - set(others)
    if unknown:
        raise ValueError(f"Answers to questions not in this questionnaire: {sorted(unknown)}")
    rows = []
    for question in questionnaire.questions:
        if question.key not in answers:
            continue
        values = question_type(question.type).answer_values(question, answers[question.key])
        other_text = answers.get(other_field_name(question.key))
        if other_text and question.other_choice:
            values = [
                replace(value, text=other_text)
                if value.code == question.other_choice.code
                else value
                for value in values
            ]
        rows.extend((question.key, value) for value in values)
    return rows


class InvalidAnswers(ValueError):
    """Answers that the resident's form would have refused; `errors` says why, by key."""

    def __init__(self, errors: dict[str, list[str]], index: int | None = None):
        self.errors, self.index = errors, index
        where = f"response {index + 1}: " if index is not None else ""
        super().__init__(where + "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def cleaned_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict:
    """Validate raw `answers` (by key) exactly as the resident's form does."""
    # Imported here: forms imports cms.protection, which must not load at submission import.
    from .forms import ResponseForm

    data = MultiValueDict()
    for key, value in answers.items():
        values = value if isinstance(value, list | tuple) else [value]
        data.setlist(f"q-{key}", [str(v) for v in values])
    form = ResponseForm(questionnaire, data)
    if not form.is_valid():
        raise InvalidAnswers({key: list(messages) for key, messages in form.errors.items()})
    return {key: value for key, value in form.cleaned_data.items() if value not in ("", None, [])}


def neighborhood_code(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str | None:
    question = questionnaire.neighborhood_question
    return (answers.get(question.key) or None) if question else None


def record_response(
    *,
    survey: SurveyPage,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    channel: str = Response.Channel.WEB,
    status: str = Response.Status.COMPLETE,
    submitted_on: datetime.date | None = None,
    invitation: str = "",
    completing: Response | None = None,
    neighborhood: Neighborhood | None = None,
) -> Response:
    """Store one complete response and all its answers in one transaction.

    `survey` is the page that was answered (a translation pools under its original);
    `questionnaire` is the revision it answered, `answers` its cleaned answers by key.
    `invitation` is a code the resident entered: it is redeemed in the same
    transaction (a used code raises `InvitationError` and nothing is stored) and its
    neighborhood, if it has one, is the response's. `neighborhood` is one a code gave
    earlier (a partial response it admitted). `completing` is the resident's own
    partial response (save and resume): it is deleted with its resume code, and the
    complete response is written under a new id, so nothing that pointed at the
    partial one (its id) leads to it.
    """
    if questionnaire.revision_id is None:
        raise ValueError("A response must record the revision it answered.")
    rows = answer_values(questionnaire, answers)
    code = neighborhood_code(questionnaire, answers)
    with transaction.atomic():
        if code and neighborhood is None:
            neighborhood = Neighborhood.by_code(code)
        if invitation:
            neighborhood = _redeem(survey, invitation) or neighborhood
        if completing is not None:
            Response.objects.filter(pk=completing.pk).delete()
        response = _write(
            survey=survey,
            questionnaire=questionnaire,
            revision_id=recorded_revision_id(questionnaire),
            rows=rows,
            neighborhood=neighborhood,
            channel=channel,
            status=status,
            submitted_on=submitted_on or timezone.localdate(),
        )
    return response


def save_partial(
    *,
    survey: SurveyPage,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    neighborhood: Neighborhood | None = None,
    invitation: str = "",
    replacing: Response | None = None,
) -> tuple[Response, str]:
    """Store answers so far as a partial response; return it and a new resume code.

    The code itself is returned once and never stored (only its digest). Saving again
    (`replacing` the resident's partial response) replaces the answers and the code and
    gives the response a new id. Expired partial responses of the survey are deleted on
    the way. `invitation`, a code the resident entered, is used up here, in the same
    transaction (a used one raises `InvitationError` and nothing is stored): a saved
    response keeps no code beside it, and resuming it needs none. A response admitted
    so before stays admitted when saved again.
    """
    if questionnaire.revision_id is None:
        raise ValueError("A response must record the revision it answered.")
    rows = answer_values(questionnaire, answers)
    code = codes.new_code(RESUME_CODE_LENGTH)
    with transaction.atomic():
        delete_expired_partials(survey)
        area = neighborhood_code(questionnaire, answers)
        admitted = bool(invitation)
        if invitation:
            neighborhood = _redeem(survey, invitation) or neighborhood
        if replacing is not None:
            admitted = (
                admitted or ResumeCode.objects.filter(response=replacing, admitted=True).exists()
            )
            Response.objects.filter(pk=replacing.pk).delete()
        response = _write(
            survey=survey,
            questionnaire=questionnaire,
            revision_id=recorded_revision_id(questionnaire),
            rows=rows,
            neighborhood=neighborhood or (Neighborhood.objects.get(code=area) if area else None),
            channel=Response.Channel.WEB,
            status=Response.Status.PARTIAL,
            submitted_on=timezone.localdate(),
        )
        ResumeCode.objects.create(
            response=response,
            digest=codes.digest(code),
            expires_on=expiry_for(survey),
            admitted=admitted,
        )
    return response, code


def _redeem(survey: SurveyPage, invitation: str) -> Neighborhood | None:
    from .invitations import redeem  # invitations imports the models

    return redeem(survey, invitation)


def delete_expired_partials(survey: SurveyPage | None = None) -> int:
    """Delete partial responses whose resume code has expired; return how many."""
    expired = Response.objects.filter(
        status=Response.Status.PARTIAL, resume_code__expires_on__lt=timezone.localdate()
    )
    if survey is not None:
        expired = expired.filter(survey=survey.responses_survey)
    if survey is not None:
        responses_changed(survey.responses_survey.pk)
    with transaction.atomic():
        _, deleted = Response.objects.filter(
            pk__in=list(expired.values_list("pk", flat=True))
        ).delete()
    return deleted.get(Response._meta.label, 0)


def _write(
    *,
    survey: SurveyPage,
    questionnaire: Questionnaire,
    revision_id: int,
    rows: list[tuple[str, AnswerValue]],
    neighborhood: Neighborhood | None,
    channel: str,
    status: str,
    submitted_on: datetime.date,
) -> Response:
    """Insert a new response (released later: surveys/release.py) with exactly `rows`."""
    response = Response(
        survey=survey.responses_survey,
        revision_id=revision_id,
        neighborhood=neighborhood,
        language=questionnaire.language,
        channel=channel,
        status=status,
        submitted_on=submitted_on,
        cells=wide_cells(questionnaire, rows),
    )
    response.save(force_insert=True)
    insert_answers(response, rows)
    return response


def record_responses(
    *,
    survey: SurveyPage,
    questionnaire: Questionnaire,
    responses: Iterable[ResponseData],
) -> int:
    """Validate, then store many responses to one revision in one transaction.

    Every response is checked as the resident's form checks it; if any is invalid,
    `InvalidAnswers` names it and nothing is stored. Returns how many were stored.
    These are entered by staff (paper forms, imports, the demo): they are released at
    once, since whoever entered them holds them already (surveys/release.py).
    """
    if questionnaire.revision_id is None:
        raise ValueError("Responses must record the revision they answered.")
    neighborhoods = dict(Neighborhood.objects.values_list("code", "pk"))
    original = survey.responses_survey
    count = 0
    with transaction.atomic():
        pending_responses: list[Response] = []
        pending_answers: list[Answer] = []
        for index, data in enumerate(responses):
            try:
                answers = cleaned_answers(questionnaire, data.answers)
            except InvalidAnswers as invalid:
                raise InvalidAnswers(invalid.errors, index) from None
            code = neighborhood_code(questionnaire, answers) or data.neighborhood
            rows = answer_values(questionnaire, answers)
            response = Response(
                survey=original,
                revision_id=questionnaire.revision_id,
                neighborhood_id=neighborhoods[code] if code else None,
                language=data.language,
                channel=data.channel,
                status=data.status,
                submitted_on=data.submitted_on,
                cells=wide_cells(questionnaire, rows),
                released=True,
            )
            pending_responses.append(response)
            pending_answers.extend(_answer_rows(response, rows))
            count += 1
            if len(pending_answers) >= BULK_BATCH_SIZE:
                _flush(pending_responses, pending_answers)
        _flush(pending_responses, pending_answers)
        responses_changed(original.pk)
    return count


def _answer_rows(response: Response, rows: list[tuple[str, AnswerValue]]) -> list[Answer]:
    return [
        Answer(
            response=response,
            key=key,
            code=value.code,
            number=value.number,
            text=value.text,
            # Copied so that analysis needs no join (see Answer).
            survey_id=response.survey_id,
            neighborhood_id=response.neighborhood_id,
            status=response.status,
            submitted_on=response.submitted_on,
            released=response.released,
        )
        for key, value in rows
    ]


def _flush(responses: list[Response], answers: list[Answer]) -> None:
    Response.objects.bulk_create(responses, batch_size=BULK_BATCH_SIZE)
    Answer.objects.bulk_create(answers, batch_size=BULK_BATCH_SIZE)
    responses.clear()
    answers.clear()
