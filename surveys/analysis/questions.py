"""Which questions a report covers: every key ever asked, pooled across revisions."""

from __future__ import annotations

from wagtail.models import Revision

from ..models import Response, SurveyPage
from ..question_types import question_type
from ..questionnaire import (
    IndexDefinition,
    Question,
    build_questionnaire,
    questionnaire_for_analysis,
    questions_across_revisions,
)

ANALYSED_MEASURES = frozenset({"nominal", "ordinal", "numeric"})


def analysable_questions(survey: SurveyPage) -> tuple[list[Question], list[IndexDefinition]]:
    """Questions with answers to count (not free text, not the neighborhood), today's
    first and then those removed since, labelled in the survey's original language; and
    the survey's indices."""
    current = build_questionnaire(survey, revision_id=survey.live_revision_id)
    # Revisions of this page (not of its translations, whose keys are the same) that
    # released responses answered: an unreleased one must not show by a removed
    # question appearing.
    revision_ids = (
        Response.objects.filter(survey=survey, released=True).values("revision_id").distinct()
    )
    answered = Revision.objects.filter(
        pk__in=list(revision_ids.values_list("revision_id", flat=True)),
        object_id=str(survey.pk),
    ).order_by("-pk")
    older = [questionnaire_for_analysis(revision) for revision in answered]
    questions = [
        q
        for q in questions_across_revisions(current, older)
        if question_type(q.type).measure in ANALYSED_MEASURES
    ]
    return questions, list(current.indices)


def unknown_keys(survey: SurveyPage, keys: list[str]) -> list[str]:
    """The `keys` that name no analysable question or index of `survey`: neither in its
    edited (in-memory) content nor among the questions its responses answered."""
    edited = build_questionnaire(survey)
    known = {q.key for q in edited.questions if question_type(q.type).measure in ANALYSED_MEASURES}
    known |= {index.key for index in edited.indices}
    if survey.pk:
        questions, indices = analysable_questions(survey.responses_survey)
        known |= {q.key for q in questions} | {i.key for i in indices}
    return [key for key in keys if key not in known]
