"""Review: the differencing intruder (surveys/disclosure/differencing.py joint_leaks)
skips every earlier release in which a question had another kind of figure. An
organizer who edits the survey so that "Stopped?" no longer has a favorable answer
turns its figures from a favorable share into a share per answer; the re-publication
is then not attacked against the first release at all for that question, though both
print each neighborhood's n. Three late answers in neighborhood a, all "Yes": n goes
from 40 to 43 and the "Yes" share tells what the three answered."""

import pytest

from surveys.builders import choices, question
from surveys.frozen_releases import ResultsRelease, republish
from tests.disclosure import test_frozen_releases as frozen
from tests.disclosure.conftest import BODY, K
from tests.disclosure.test_frozen_releases import FAVORABLE, late
from tests.factories import publish_body

pytestmark = pytest.mark.django_db
published = frozen.published
organizer = frozen.organizer

STOPPED_PLAIN = question(
    "single_choice",
    "stopped",
    "Stopped?",
    choices=choices(("y", "Yes"), ("n", "No")),
    widget="radio",
)


def _row(release, key, hood):
    found = next(q for q in release.figures["questions"] if q["key"] == key)
    return next(g for g in found["groups"] if g["neighborhood"] == hood)


def test_a_changed_kind_of_figure_is_still_attacked_between_releases(published, organizer):
    survey, page, _ = published
    first = ResultsRelease.objects.get(survey=survey)
    before = _row(first, "stopped", "a")
    assert before["n"] == 40 and before["favorable"] is not None  # a favorable share
    publish_body(survey, [*BODY[:3], STOPPED_PLAIN])  # "No" is no longer favorable
    late(survey, [{"area": "a", **FAVORABLE, "stopped": "y"}] * 3)
    release = republish(page, page.closed_periods()[0], organizer)
    after = _row(release, "stopped", "a")
    if after.get("hidden") or after.get("n") is None or before.get("n") is None:
        return
    grew = after["n"] - before["n"]
    assert not 0 < grew < K, (
        f"neighborhood a's n for 'Stopped?' printed as {before['n']} then {after['n']}: "
        f"{grew} late answers, shares {[(c['code'], c['percent']) for c in after['cells']]}"
    )
