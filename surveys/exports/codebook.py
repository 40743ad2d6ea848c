"""The codebook: what every column means, in every language the survey speaks.

One row per question, then one row per choice under it, then one row per value of the
Responses sheet's `revision` column saying what it is. Revision ranges name the
first and last questionnaire revision (as stored in the `revision` column) in which the
question was asked, among the revisions the exported responses answered and today's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..questionnaire import Questionnaire, build_questionnaire
from ..xlsform.expressions import condition_to_expression
from .plan import ColumnPlan


@dataclass
class Languages:
    codes: list[str]
    questionnaires: list[Questionnaire]

    def label(self, key: str, code: str | None = None) -> list[str]:
        labels = []
        for questionnaire in self.questionnaires:
            question = questionnaire.question(key)
            if question is None:
                labels.append("")
            elif code is None:
                labels.append(question.label)
            else:
                choice = question.choice(code)
                labels.append(choice.label if choice else "")
        return labels


def survey_languages(survey) -> Languages:
    original = survey.responses_survey
    pages = [original, *original.get_translations().specific().order_by("locale__language_code")]
    questionnaires = [build_questionnaire(page) for page in pages]
    return Languages([q.language for q in questionnaires], questionnaires)


def codebook_header(languages: Languages) -> list[str]:
    return [
        "column",
        "key",
        "row",
        "code",
        "type",
        *(f"label::{code}" for code in languages.codes),
        "non_substantive",
        "first_revision",
        "last_revision",
        "in_current_form",
        "required",
        "shown_if",
    ]


def codebook_rows(plan: ColumnPlan, languages: Languages) -> Iterator[list]:
    current = languages.questionnaires[0]
    blank_labels = [""] * len(languages.codes)
    for key, columns in plan.questions.items():
        question = columns.question
        revisions = plan.asked.get(key, [])
        labels = languages.label(key)
        if not any(labels):
            labels = [question.label, *blank_labels[1:]]
        yield [
            key,
            key,
            "question",
            None,
            question.type,
            *labels,
            None,
            revisions[0] if revisions else None,
            revisions[-1] if revisions else None,
            "yes" if current.question(key) else "no",
            "yes" if question.required else "no",
            condition_to_expression(question.condition),
        ]
        for choice in columns.choices:
            column = columns.choice_columns.get(choice.code)
            choice_labels = languages.label(key, choice.code)
            if not any(choice_labels):
                choice_labels = [choice.label, *blank_labels[1:]]
            yield [
                f"{key}/{choice.code}" if column is not None else key,
                key,
                "choice",
                choice.code,
                "other" if choice.other else "",
                *choice_labels,
                "yes" if choice.non_substantive else "no",
                None,
                None,
                None,
                None,
                None,
            ]
        if columns.other is not None:
            yield [
                plan.headers[columns.other],
                key,
                "other text",
                None,
                "text",
                *blank_labels,
                None,
                None,
                None,
                None,
                None,
                "The resident's words for the choice that asks to specify.",
            ]
    yield from _revision_rows(plan, len(languages.codes))


def _revision_rows(plan: ColumnPlan, languages: int) -> Iterator[list]:
    """What each value of the Responses sheet's `revision` column means."""
    for revision_id, questionnaire in sorted(plan.revisions.items()):
        note = (
            f"The questionnaire as saved in revision {revision_id}, in "
            f"'{questionnaire.language}'. Each language's page has revisions of its own: "
            "responses pool across revisions and languages by key and code, and the "
            "first_revision and last_revision columns above say which revisions asked "
            "each question."
        )
        yield [
            "revision",
            None,
            "revision",
            str(revision_id),
            questionnaire.language,
            note,
            *[""] * (languages - 1),
            None,
            None,
            None,
            None,
            None,
            None,
        ]
