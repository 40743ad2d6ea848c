"""Reading responses for staff: a table of answers, labelled by the revision each answered."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from wagtail.models import Revision

from .models import Answer, Response, SurveyPage
from .question_types import AnswerValue, question_type
from .questionnaire import (
    Question,
    Questionnaire,
    build_questionnaire,
    questionnaires_for_revisions,
    questions_across_revisions,
)
from .release import shown_responses


def responses_of(survey: SurveyPage) -> QuerySet[Response]:
    """The released responses to `survey` and its translations, newest day first."""
    return shown_responses(survey).select_related("neighborhood").order_by("-submitted_on", "id")


def with_response_counts(surveys: QuerySet[SurveyPage]) -> QuerySet[SurveyPage]:
    """`surveys` with their numbers of released responses."""
    return surveys.annotate(response_count=Count("responses", filter=Q(responses__released=True)))


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    removed: bool = False


@dataclass(frozen=True)
class ResponseRow:
    response: Response
    cells: list[str]


@dataclass(frozen=True)
class ResponseTable:
    columns: list[Column]
    rows: list[ResponseRow]


def question_columns(current: Questionnaire, older: Sequence[Questionnaire]) -> list[Column]:
    """One column per question key: today's questions in order, then removed ones.

    The neighborhood question is left out: it has its own column on every response.
    """
    today = set(current.keys)
    return [
        Column(q.key, q.label, removed=q.key not in today)
        for q in questions_across_revisions(current, older)
        if q.type != "neighborhood"
    ]


def response_table(survey: SurveyPage, responses: Sequence[Response]) -> ResponseTable:
    """Answers of `responses` (one page of a listing) as rows of display strings."""
    original = survey.responses_survey
    revision_ids = {response.revision_id for response in responses}
    questionnaires = questionnaires_for_revisions(
        Revision.objects.filter(pk__in=revision_ids).order_by("-pk")
    )
    current = build_questionnaire(original)
    columns = question_columns(current, list(questionnaires.values()))
    answers: dict[object, dict[str, list[AnswerValue]]] = defaultdict(lambda: defaultdict(list))
    for answer in _answers_of(responses):
        answers[answer.response_id][answer.key].append(
            AnswerValue(code=answer.code, number=answer.number, text=answer.text)
        )
    rows = []
    for response in responses:
        questionnaire = questionnaires[response.revision_id]
        cells = [
            _display(questionnaire.question(column.key), answers[response.pk].get(column.key, []))
            for column in columns
        ]
        rows.append(ResponseRow(response=response, cells=cells))
    return ResponseTable(columns=columns, rows=rows)


def _answers_of(responses: Sequence[Response]) -> QuerySet[Answer]:
    return Answer.objects.filter(response__in=[r.pk for r in responses]).order_by("id")


def _display(question: Question | None, values: list[AnswerValue]) -> str:
    if question is None or not values:
        return ""
    return question_type(question.type).display(question, values)
