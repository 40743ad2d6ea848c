"""A survey with every question type and an "Other (please specify)" choice, and a
helper that stores answers to it as the resident's form would."""

import datetime

import openpyxl
import pytest

from surveys.builders import choices, question
from surveys.questionnaire import build_questionnaire
from surveys.submission import cleaned_answers, record_response
from tests.factories import every_type_body, make_survey, release_everything, valid_answers

OTHER = {"label": "Someone else", "code": "other", "non_substantive": False, "other": True}


def export_body() -> list[dict]:
    return [
        *every_type_body(),
        question(
            "multiple_choice",
            "called",
            "Whom would you call?",
            choices=[*choices(("police", "Police"), ("neighbors", "Neighbors")), OTHER],
        ),
    ]


@pytest.fixture
def export_survey(home, neighborhoods):
    return make_survey(home, export_body(), slug="trust")


def answer(survey, raw: dict, *, day=datetime.date(2026, 3, 2), **fields):
    """Store `raw` form answers (unprefixed, as typed) as one response of `survey`."""
    survey.refresh_from_db()
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    response = record_response(
        survey=survey,
        questionnaire=questionnaire,
        answers=cleaned_answers(questionnaire, raw),
        submitted_on=day,
        **fields,
    )
    release_everything()  # exported once released (surveys/release.py)
    response.refresh_from_db()
    return response


def full_answers(**changes) -> dict:
    answers = {**valid_answers(), "called": ["police", "other"], "called-other": "My pastor"}
    answers.update(changes)
    return answers


def read_sheet(path, title: str) -> list[list]:
    workbook = openpyxl.load_workbook(path)
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def as_dicts(rows: list[list]) -> list[dict]:
    header, *body = rows
    return [dict(zip(header, row, strict=False)) for row in body]


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    """Export files go to a fresh folder per test."""
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT
