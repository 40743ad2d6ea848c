"""Review: refused releases are listed by page (surveys/release_refusals.py `refusals`
filters on the page only), and the Releases screen's gate is the page's *current*
survey. An organizer who may edit the page and has a results grant on survey S2 only,
after pointing the page at S2 (the page form offers S2), reads the refusals recorded
while it showed S1: which period, which questions, that late answers would have
revealed fewer than k people. Releases themselves are listed by survey, refusals
should be too."""

import pytest

from surveys.release_refusals import DIFFERENCING, record_refusal, refusals
from tests.disclosure.conftest import BODY, K
from tests.disclosure.test_frozen_releases import published  # noqa: F401 (fixture)
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


def test_refusals_of_the_page_s_former_survey_are_not_listed(published, home):  # noqa: F811
    survey, page, _ = published
    period = page.closed_periods()[0]
    record_refusal(page, period, DIFFERENCING, {"k": K, "questions": "stopped, trust"})
    assert len(refusals(page)) == 1
    other = make_survey(home, BODY, slug="other-survey", small_cell_threshold=K)
    page.survey = other
    page.save_revision().publish()
    page.refresh_from_db()
    listed = refusals(page)
    assert not listed, [r.why for r in listed]
