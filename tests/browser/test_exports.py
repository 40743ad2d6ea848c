"""An analyst's export in a real browser: the form, the progress bar polling under our
Content Security Policy, the download link appearing when the worker finishes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from surveys.access import grant
from surveys.exports.build import write_export
from surveys.exports.jobs import ExportJob
from surveys.models import SurveyPage
from tests.browser.conftest import sign_in
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst_and_survey(live_server, settings, tmp_path):
    from django.contrib.auth.models import Group

    settings.EXPORT_ROOT = tmp_path
    # The demo brings Wagtail's root page back (the database is flushed between these
    # tests) and a survey with neighborhoods.
    call_command("seed_demo", "--no-responses", stdout=StringIO())
    survey = SurveyPage.objects.get(locale__language_code="en")
    analyst = make_staff("ana")
    analyst.groups.add(Group.objects.get(name="Analyst"))
    grant(user=analyst, survey=survey)
    return analyst, survey


def test_the_progress_bar_turns_into_a_download_link(live_server, desktop, analyst_and_survey):
    analyst, survey = analyst_and_survey
    csp_errors = []
    desktop.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(desktop, live_server.url, "ana@example.org")
    desktop.goto(f"{live_server.url}/admin/surveys/{survey.pk}/export/")
    desktop.get_by_role("button", name="Start the export").wait_for()
    # A job a worker is running: the page polls its status.
    job = ExportJob.objects.create(
        survey=survey, requested_by=analyst, options={"format": "xlsx"}, total=10
    )
    ExportJob.objects.filter(pk=job.pk).update(
        status="running", done=4, heartbeat_at=timezone.now()
    )
    desktop.goto(f"{live_server.url}/admin/surveys/exports/{job.pk}/")
    progress = desktop.locator("progress")
    assert progress.get_attribute("value") == "4"
    download = desktop.locator(".export-download")
    assert download.is_hidden()
    # The worker finishes.
    write_export(survey, job.export_options, job.path)
    ExportJob.objects.filter(pk=job.pk).update(
        status="done", done=10, finished_at=timezone.now(), file_name="trust.xlsx"
    )
    download.wait_for(state="visible", timeout=10_000)
    assert progress.get_attribute("value") == progress.get_attribute("max")
    with desktop.expect_download() as event:
        download.get_by_role("link").click()
    assert event.value.suggested_filename == "trust.xlsx"
    assert csp_errors == []
