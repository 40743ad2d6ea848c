"""Two surveys with released responses, staff in each role, and tokens to call the API."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from surveys.access import grant
from surveys.api.tokens import create_token
from surveys.questionnaire import build_questionnaire
from surveys.submission import cleaned_answers, record_response
from tests.factories import (
    every_type_body,
    make_staff,
    make_survey,
    release_everything,
    valid_answers,
)

DAYS = [datetime.date(2026, 3, day) for day in (2, 2, 3, 5)]


def answer(survey, *, day=datetime.date(2026, 3, 2), area="area-2", **fields):
    """Store one released response to `survey`, as a resident's form would."""
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    response = record_response(
        survey=survey,
        questionnaire=questionnaire,
        answers=cleaned_answers(questionnaire, {**valid_answers(), "area": area}),
        submitted_on=day,
        **fields,
    )
    release_everything()
    return response


@pytest.fixture
def two_surveys(home, neighborhoods):
    ours = make_survey(home, every_type_body(), slug="ours")
    theirs = make_survey(home, every_type_body(), slug="theirs")
    for survey in (ours, theirs):
        for index, day in enumerate(DAYS):
            answer(survey, day=day, area=f"area-{index % 3 + 1}")
    return ours, theirs


def staff_member(username: str, role: str, *surveys):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=role))
    for survey in surveys:
        grant(user=user, survey=survey)
    return user


@pytest.fixture
def analyst(two_surveys):
    return staff_member("analyst", "Analyst", two_surveys[0])


def new_token(user, *surveys, days: int = 30, name: str = "laptop") -> tuple:
    return create_token(
        user=user,
        name=name,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        surveys=surveys,
    )


@pytest.fixture
def token(analyst, two_surveys):
    """The analyst's token for the survey granted them: (ApiToken, secret)."""
    return new_token(analyst, two_surveys[0])


class Api:
    """A client that sends a token the way every tool should: in the Authorization header."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.secret = secret

    def get(self, url: str, data=None, **extra):
        if self.secret is not None:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.secret}")
        return self.client.get(url, data, **extra)


@pytest.fixture
def api(token):
    return Api(token[1])
