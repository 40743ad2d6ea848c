"""Review: the p%-rule (surveys/disclosure/dominance.py) guards a mean's total within one
release, but not the difference of two releases of the same days. Ten late answers
arrive (k = 10, so the differencing intruder lets the n move by ten): nine residents of
Ash say they never called the police, one says 500 times. The re-publication prints
the new city-wide mean and n; less the first release's, the ten newcomers' total is
500, and that total is dominated by one answer: exactly the group the p%-rule hides
when it is read by subtracting neighborhoods within a release."""

import pytest

from surveys.builders import question
from surveys.disclosure.dominance import dominated
from surveys.frozen_releases import ResultsRelease, republish
from tests.disclosure import test_frozen_releases as frozen
from tests.disclosure.conftest import build
from tests.disclosure.test_frozen_releases import late

pytestmark = pytest.mark.django_db
organizer = frozen.organizer  # the fixture (needs `published`)

BODY = [
    question("neighborhood", "area", "Area"),
    question("number", "calls", "Calls to the police", min_value=0, max_value=1000, integer=True),
]
# 100 residents in two neighborhoods, 40 to 60 calls each (a spread: no mean is dominated).
ANSWERS = [{"area": area, "calls": str(40 + (i % 21))} for area in "ab" for i in range(50)]


@pytest.fixture
def published(home, client):
    survey, page = build(home, ANSWERS, body=BODY, keys="calls", slug="calls")
    assert client.get(page.url).status_code == 200
    return survey, page, None


def _city(release) -> tuple[int, float] | None:
    calls = next(q for q in release.figures["questions"] if q["key"] == "calls")
    city = calls["overall"]
    if city.get("hidden") or city.get("n") is None or city.get("mean") is None:
        return None
    return city["n"], city["mean"]


def test_the_newcomers_total_read_between_releases_is_not_dominated(published, organizer):
    survey, page, _ = published
    first = ResultsRelease.objects.get(survey=survey)
    before = _city(first)
    assert before is not None and before[0] == 100
    late(survey, [{"area": "a", "calls": "0"}] * 9 + [{"area": "a", "calls": "500"}])
    release = republish(page, page.closed_periods()[0], organizer)
    after = _city(release)
    if after is None:
        return  # hidden in the re-publication: nothing to subtract
    newcomers = after[0] - before[0]
    total = after[0] * after[1] - before[0] * before[1]  # ± the rounding of the means
    assert newcomers == 10
    assert total == pytest.approx(500, abs=0.05 * (after[0] + before[0]))
    # What a reader can subtract must pass the rule the page applies to its own groups:
    # read as one answer of `total` and nine of about 0, it is dominated.
    largest = (total, 0.0)
    assert not dominated(largest, total), (
        f"the {newcomers} newcomers' total, {total:.0f}, is one resident's answer"
    )
