"""Leak 4, differencing: a back-dated paper import into a window a live results page
publishes is refused with a clear message, and the published figures stay as they were."""

import datetime
import re

import pytest

from cms.models import ResultsPage
from surveys.exports.paper_import import PaperImportError, import_paper
from surveys.models import Response
from tests.exports.conftest import export_body
from tests.exports.test_paper import filled, paper_row
from tests.factories import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_survey(home, neighborhoods):
    return make_survey(home, export_body(), slug="trust")


@pytest.fixture
def published(home, export_survey):
    page = ResultsPage(
        title="Spring results",
        slug="spring",
        survey=export_survey,
        published_keys="color",
        weighting="none",
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 3, 31),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_a_paper_row_dated_in_a_published_window_is_refused(export_survey, published, client):
    before = client.get(published.url).content.decode()
    rows = [paper_row(export_survey, day="2026-03-01"), paper_row(export_survey, day="2026-04-02")]
    with pytest.raises(PaperImportError) as refused:
        import_paper(export_survey, filled(export_survey, rows))
    message = str(refused.value)
    assert "row 2" in message and "Spring results" in message and "2026-03-31" in message
    assert "row 3" not in message
    assert not Response.objects.exists()  # all or nothing
    after = client.get(published.url).content.decode()
    strip = re.compile(r'nonce="[^"]*"|csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", before) == strip.sub("", after)


def test_paper_rows_after_the_window_are_imported(export_survey, published):
    rows = [paper_row(export_survey, day="2026-04-02")]
    assert import_paper(export_survey, filled(export_survey, rows)) == 1
