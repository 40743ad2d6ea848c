"""A survey built from the answers a test gives, and its public results page."""

import datetime

import pytest

from cms.models import Neighborhood, ResultsPage
from surveys.builders import choices, likert, question
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from tests.disclosure.attack import Spec
from tests.factories import make_survey

DAY = datetime.date(2026, 3, 2)
UNTIL = datetime.date(2026, 3, 31)
K = 10

BODY = [
    question("neighborhood", "area", "Area"),
    likert("trust", "I trust the police.", favorable="4 5"),
    question(
        "single_choice",
        "contact",
        "Contact?",
        choices=choices(("y", "Yes"), ("n", "No"), ("dk", "Not sure"), non_substantive=("dk",)),
        widget="radio",
    ),
    question(
        "single_choice",
        "stopped",
        "Stopped?",
        choices=choices(("y", "Yes"), ("n", "No")),
        widget="radio",
        favorable="n",
    ),
]
TRUST = Spec("trust", "I trust the police.", ("1", "2", "3", "4", "5"), ("4", "5"))
CONTACT = Spec("contact", "Contact?", ("y", "n"))
STOPPED = Spec("stopped", "Stopped?", ("y", "n"), ("n",))


def build(home, answers: list[dict], *, keys="trust contact stopped", slug="leaks", body=None):
    """Neighborhoods named after the codes in `answers`, the survey, and its page."""
    for code in sorted({a["area"] for a in answers if a.get("area")}):
        Neighborhood.objects.get_or_create(code=code, defaults={"name": code.title()})
    survey = make_survey(home, body or BODY, slug=slug, small_cell_threshold=K)
    q = build_questionnaire(survey, revision_id=survey.live_revision_id)
    record_responses(
        survey=survey,
        questionnaire=q,
        responses=[
            ResponseData(answers={k: v for k, v in a.items() if v}, submitted_on=DAY, language="en")
            for a in answers
        ],
    )
    page = ResultsPage(
        title="Results",
        slug=f"{slug}-results",
        survey=survey,
        published_keys=keys,
        weighting="none",
        until=UNTIL,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return survey, page


def names(answers: list[dict]) -> dict[str, str]:
    from surveys.disclosure.cells import CITY_ROW

    found = {a["area"].title(): a["area"] for a in answers if a.get("area")}
    return {**found, "City-wide": CITY_ROW}


@pytest.fixture
def publish_answers(home):
    return lambda answers, **options: build(home, answers, **options)
