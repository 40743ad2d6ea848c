"""A three-page survey with display logic, shared by the page, logic and resume tests."""

import pytest

from surveys import logic
from surveys.builders import choices, likert, page_break, question, section
from surveys.condition_blocks import condition_value
from tests.factories import form_started_token, make_survey

YES_NO = choices(("1", "Yes"), ("2", "No"))


def when(condition) -> dict:
    return condition_value(condition)


def paged_body() -> list[dict]:
    """Page 1: area, stopped, why (only if stopped). Page 2: help and years. Page 3
    (only for residents of under five years): newcomer."""
    return [
        question("neighborhood", "area", "Which neighborhood?"),
        question("single_choice", "stopped", "Were you stopped?", choices=YES_NO, required=True),
        question(
            "short_text",
            "why",
            "What reason were you given?",
            required=True,
            show_if=when(logic.Rule("stopped", "equals", ("1",))),
        ),
        page_break("Calling for help"),
        question(
            "multiple_choice",
            "called",
            "Whom would you call?",
            choices=[
                {"label": "Police", "code": "police", "non_substantive": False},
                {"label": "Neighbors", "code": "neighbors", "non_substantive": False},
                {"label": "Someone else", "code": "other", "non_substantive": False, "other": True},
            ],
        ),
        question(
            "number", "years", "Years here?", min_value=0, max_value=99, integer=True, required=True
        ),
        page_break("New here", show_if=when(logic.Rule("years", "lt", ("5",)))),
        section("Settling in"),
        likert("newcomer", "I know where to get help.", required=True),
    ]


@pytest.fixture
def paged(home, neighborhoods):
    return make_survey(home, paged_body(), slug="paged")


class Resident:
    """A resident's browser going through a survey page by page."""

    def __init__(self, client, survey):
        self.client, self.survey = client, survey
        self.started = form_started_token(survey, 60)

    def post(self, answers: dict, *, action: str, page: int, **extra):
        data = {f"q-{key}": value for key, value in answers.items()}
        data.update(
            action=action,
            page=str(page),
            revision=str(self.survey.live_revision_id),
            started=self.started,
            **extra,
        )
        return self.client.post(self.survey.url, data)

    def get(self):
        return self.client.get(self.survey.url)


@pytest.fixture
def resident(client, paged):
    return Resident(client, paged)
