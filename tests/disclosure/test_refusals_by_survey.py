"""Automatic refusals are recorded once per survey, period and reason: a page pointed at
another survey records (and lists) that survey's refusal of the same days anew."""

import pytest

from surveys.release_refusals import DIFFERENCING, record_refusal, refusals
from tests.disclosure.conftest import BODY, K
from tests.disclosure.test_frozen_releases import published  # noqa: F401 (fixture)
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


def test_an_automatic_refusal_is_recorded_again_for_the_page_s_new_survey(published, home):  # noqa: F811
    survey, page, _ = published
    period = page.closed_periods()[0]
    params = {"k": K, "questions": "stopped"}
    assert record_refusal(page, period, DIFFERENCING, params) is not None
    assert record_refusal(page, period, DIFFERENCING, params) is None  # once, not per view
    page.survey = make_survey(home, BODY, slug="other-survey", small_cell_threshold=K)
    page.save_revision().publish()
    page.refresh_from_db()
    assert record_refusal(page, period, DIFFERENCING, params) is not None
    assert len(refusals(page)) == 1
