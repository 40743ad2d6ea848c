"""Issue 18, differencing: questions shown for the whole city only (about the respondent)
are figures like any other. Three late "young" answers move the city-wide age shares of
a re-publication by three people: the difference is attacked and the question hidden."""

import pytest

from surveys.builders import choices, question
from surveys.disclosure.differencing import differencing_leaks
from surveys.frozen_releases import ResultsRelease, compute, republish
from tests.disclosure import test_frozen_releases as frozen
from tests.disclosure.conftest import BODY, K, build
from tests.disclosure.test_frozen_releases import FAVORABLE, START, late

pytestmark = pytest.mark.django_db
organizer = frozen.organizer  # the fixture (needs `published`)

AGE = question(
    "single_choice",
    "age",
    "Age",
    choices=choices(("young", "Young"), ("old", "Old")),
    widget="radio",
    about_respondent=True,
)
ANSWERS = [{**a, "age": "young" if i % 2 else "old"} for i, a in enumerate(START)]


@pytest.fixture
def published(home, client):
    survey, page = build(home, ANSWERS, body=[*BODY, AGE], keys="trust contact stopped age")
    assert client.get(page.url).status_code == 200
    return survey, page, None


def test_a_city_only_question_is_attacked_between_releases(published, organizer):
    survey, page, _ = published
    first = ResultsRelease.objects.get(survey=survey)
    shown = {q["key"]: q for q in first.figures["questions"]}
    assert shown["age"]["overall"]["n"] == 80 and not shown["age"]["groups"]
    assert "age" in first.audit["questions"]
    late(survey, [{"area": "a", **FAVORABLE, "age": "young"}] * 3)
    period = page.closed_periods()[0]
    _figures, unchecked = compute(page, period)
    leaks = differencing_leaks(
        first.audit["questions"], unchecked["questions"], first.audit["respondents"],
        unchecked["respondents"], K,
    )  # fmt: skip
    assert "age" in leaks
    release = republish(page, period, organizer)
    assert release.hidden.get("age")
    age = next(q for q in release.figures["questions"] if q["key"] == "age")
    assert age["overall"]["hidden"] and age["overall"]["n"] is None
