"""Issue 19, Analysts 5: non-substantive answers as blanks on request, the `revision`
column explained in the Codebook, and Feedback dates as dates."""

import datetime

import pytest
from django.core.management import call_command

from feedback.models import Feedback

from .conftest import answer, as_dicts, full_answers, read_sheet

pytestmark = pytest.mark.django_db


def test_non_substantive_answers_are_codes_unless_asked_to_be_blank(export_survey, tmp_path):
    answer(export_survey, full_answers(color="dk"))
    coded, blank = tmp_path / "coded.xlsx", tmp_path / "blank.xlsx"
    call_command("export_responses", "trust", "-o", str(coded))
    call_command("export_responses", "trust", "-o", str(blank), "--non-substantive-blank")
    assert as_dicts(read_sheet(coded, "Responses"))[0]["color"] == "dk"
    row = as_dicts(read_sheet(blank, "Responses"))[0]
    assert row["color"] is None and row["trust"] == 4  # only non-substantive answers
    about = dict(read_sheet(blank, "About"))
    assert about["filter: non-substantive answers"] == "blank cells"


def test_the_codebook_says_what_each_revision_is(export_survey, tmp_path):
    answer(export_survey, full_answers())
    path = tmp_path / "out.xlsx"
    call_command("export_responses", "trust", "-o", str(path))
    revision = as_dicts(read_sheet(path, "Responses"))[0]["revision"]
    rows = [r for r in as_dicts(read_sheet(path, "Codebook")) if r["row"] == "revision"]
    assert [(r["column"], r["code"], r["type"]) for r in rows] == [
        ("revision", str(revision), "en")
    ]
    assert f"revision {revision}" in rows[0]["label::en"]


def test_feedback_dates_are_real_dates(export_survey, tmp_path, feedback_item):
    path = tmp_path / "out.xlsx"
    call_command("export_responses", "trust", "-o", str(path))
    row = as_dicts(read_sheet(path, "Feedback"))[0]
    assert row["published_on"] == datetime.datetime(2026, 3, 3)


@pytest.fixture
def feedback_item(neighborhoods):
    from feedback.models import Topic

    topic = Topic.objects.create(code="stops", name="Traffic stops")
    return Feedback.objects.create(
        topic=topic,
        text="Fine.",
        public_text="Fine.",
        language="en",
        submitted_on=datetime.date(2026, 3, 1),
        published_on=datetime.date(2026, 3, 3),
        status=Feedback.Status.PUBLISHED,
        may_publish=True,
        receipt_digest="0" * 64,
    )
