"""A small survey with three neighborhoods of 60, 45 and 6 respondents, answered
before and after a split date: big enough to test, with one neighborhood under k."""

import datetime

import pytest

from cms.models import Neighborhood
from surveys.builders import choices, likert, question
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from tests.factories import make_survey

BEFORE, AFTER = datetime.date(2026, 3, 1), datetime.date(2026, 9, 1)
SPLIT = datetime.date(2026, 6, 1)

BODY = [
    question("neighborhood", "area", "Area", required=True),
    likert("trust", "I trust the police."),
    question(
        "single_choice",
        "contact",
        "Contact?",
        choices=choices(("y", "Yes"), ("n", "No")),
        widget="radio",
        favorable="n",
    ),
    question(
        "multiple_choice",
        "avoid",
        "Avoided",
        choices=choices(("drive", "Driving"), ("clinic", "Clinic"), ("none", "None")),
    ),
    question(
        "single_choice",
        "age",
        "Age",
        choices=choices(("young", "Young"), ("old", "Old")),
        widget="radio",
        about_respondent=True,
    ),
    question("long_text", "comments", "Comments", max_length=200),
]
SIZES = {"big": 60, "mid": 45, "tiny": 6}


@pytest.fixture
def survey(home):
    """The small survey (slug `small`); replaces the every-type survey in this folder."""
    for code, n in SIZES.items():
        Neighborhood.objects.create(name=code.title(), code=code, population=n * 100)
    page = make_survey(home, BODY, slug="small")
    q = build_questionnaire(page, revision_id=page.live_revision_id)
    responses = []
    for code, n in SIZES.items():
        for i in range(n):
            after = i % 2 == 1
            trust = (2 if code == "mid" else 4) - (1 if after and code == "big" else 0)
            answers = {
                "area": code,
                "trust": str(trust if i % 7 else 98),
                "contact": "y" if i % 3 == 0 else "n",
                "avoid": ["drive", "clinic"] if i % 4 == 0 else ["none"],
                "age": "young" if i % 2 else "old",
                "comments": "private words",
            }
            responses.append(
                ResponseData(
                    answers=answers, submitted_on=AFTER if after else BEFORE, language="en"
                )
            )
    record_responses(survey=page, questionnaire=q, responses=responses)
    return page
