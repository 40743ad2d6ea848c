"""Exports from the admin: a background job, its progress, a download for those allowed,
expiry after a day, and no half-written file ever served."""

import datetime
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from cms.models import AuditEvent
from surveys.access import grant
from surveys.exports import jobs
from surveys.exports.jobs import ExportJob
from tests.factories import every_type_body, make_staff, make_survey

from .conftest import answer, as_dicts, full_answers, read_sheet

pytestmark = pytest.mark.django_db


def role(name, username):
    user = make_staff(username)
    user.groups.add(Group.objects.get(name=name))
    return user


@pytest.fixture
def analyst(export_survey):
    user = role("Analyst", "ana")
    grant(user=user, survey=export_survey)
    return user


@pytest.fixture(autouse=True)
def run_tasks(monkeypatch):
    """Run what the request queues once it commits, as a live site does (the test's own
    transaction never commits)."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, **kwargs: func())


def assert_refused(result, url):
    """Wagtail turns a refusal into a redirect to the dashboard with a message."""
    assert result.status_code in (302, 403), url
    if result.status_code == 302:
        assert result["Location"] == "/admin/", url
    assert b"PK" not in (result.content or b"")[:2]


def start(client, survey, **data):
    return client.post(
        reverse("surveys_admin:export", args=[survey.pk]), {"format": "xlsx", **data}
    )


def test_an_analyst_exports_and_downloads(client, export_survey, analyst):
    for _ in range(3):
        answer(export_survey, full_answers())
    client.force_login(analyst)
    page = client.get(reverse("surveys_admin:export", args=[export_survey.pk]))
    assert page.status_code == 200
    result = start(client, export_survey)
    job = ExportJob.objects.get()
    assert result.status_code == 302
    assert result["Location"] == reverse("surveys_admin:export_job", args=[job.pk])
    # No worker runs in tests: the task ran at once, in the request.
    assert (job.status, job.total, job.done) == ("done", 3, 3)
    assert job.requested_by == analyst
    shown = client.get(result["Location"])
    assert b"Download" in shown.content
    status = client.get(reverse("surveys_admin:export_status", args=[job.pk])).json()
    assert status["state"] == "done" and status["percent"] == 100
    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="trust-responses-')
    body = b"".join(download.streaming_content)
    (path := job.path.with_name("copy.xlsx")).write_bytes(body)
    assert len(read_sheet(path, "Responses")) == 4
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, username="ana", page=export_survey
    ).exists()


def test_the_file_lives_outside_public_media(client, export_survey, analyst, settings):
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    assert job.path.is_file()
    assert not str(job.path).startswith(str(settings.MEDIA_ROOT))
    assert client.get(f"{settings.MEDIA_URL}{job.path.name}").status_code == 404


def test_csv_export_from_the_admin(client, export_survey, analyst):
    answer(export_survey, full_answers())
    client.force_login(analyst)
    start(client, export_survey, format="csv", bom="on")
    job = ExportJob.objects.get()
    download = client.get(reverse("surveys_admin:export_download", args=[job.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert b"".join(download.streaming_content).startswith(b"\xef\xbb\xbfresponse_id,")


def test_bad_filters_get_clear_messages_and_start_nothing(client, export_survey, analyst):
    client.force_login(analyst)
    result = start(client, export_survey, since="2026-05-01", until="2026-04-01")
    assert result.status_code == 200
    assert "The start date is after the end date." in result.content.decode()
    result = start(client, export_survey, neighborhoods=["nowhere"])
    assert result.status_code == 200 and "nowhere" in result.content.decode()
    result = start(client, export_survey, format="pdf", channel="fax")
    assert result.status_code == 200
    assert not ExportJob.objects.exists()


def test_others_cannot_see_or_download_a_job(client, export_survey, analyst, home):
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    urls = [
        reverse(f"surveys_admin:{name}", args=[job.pk])
        for name in ("export_job", "export_status", "export_download")
    ]
    other_survey = make_survey(home, every_type_body(), slug="other")
    outsider = role("Analyst", "out")
    grant(user=outsider, survey=other_survey)
    # An Organizer of this very survey sees its responses but may not export them.
    organizer = role("Organizer", "org")
    grant(user=organizer, survey=export_survey)
    for user in (outsider, organizer):
        client.force_login(user)
        for url in urls + [reverse("surveys_admin:export", args=[export_survey.pk])]:
            assert_refused(client.get(url), url)
        assert_refused(start(client, export_survey), "start")
    assert ExportJob.objects.count() == 1
    client.logout()
    for url in urls:
        result = client.get(url)
        assert result.status_code == 302 and result["Location"].startswith("/accounts/login/")


def test_a_colleague_allowed_on_the_survey_may_download(client, export_survey, analyst):
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    colleague = role("Analyst", "col")
    grant(user=colleague, survey=export_survey)
    client.force_login(colleague)
    assert client.get(reverse("surveys_admin:export_download", args=[job.pk])).status_code == 200


def test_an_export_expires_after_a_day(client, export_survey, analyst):
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    download = reverse("surveys_admin:export_download", args=[job.pk])
    assert client.get(download).status_code == 404
    assert client.get(reverse("surveys_admin:export_status", args=[job.pk])).json()["state"] == (
        "expired"
    )
    assert jobs.delete_expired_exports() == 1
    assert not job.path.exists() and not ExportJob.objects.exists()


def test_a_job_whose_worker_died_is_failed_and_its_partial_file_never_served(
    client, export_survey, analyst
):
    client.force_login(analyst)
    job = ExportJob.objects.create(
        survey=export_survey, requested_by=analyst, options={"format": "xlsx"}, total=10
    )
    long_ago = timezone.now() - jobs.STALE_AFTER - datetime.timedelta(seconds=1)
    ExportJob.objects.filter(pk=job.pk).update(status="running", done=4, heartbeat_at=long_ago)
    partial = job.path.with_name(f".{job.path.name}.part")
    partial.write_bytes(b"half a workbook")
    job.path.with_name(job.path.name).write_bytes(b"")  # even a file at the final name
    assert client.get(reverse("surveys_admin:export_status", args=[job.pk])).json()["state"] == (
        "failed"
    )
    assert client.get(reverse("surveys_admin:export_download", args=[job.pk])).status_code == 404
    page = client.get(reverse("surveys_admin:export_job", args=[job.pk]))
    assert "Start it again" in page.content.decode()
    import os

    os.utime(partial, (long_ago.timestamp(), long_ago.timestamp()))
    # The XLSX writer's temporary files (rows of responses) of the dead worker, too,
    # once as old as a finished file would be (a live writer zipping a big sheet leaves
    # its folder untouched for minutes).
    scratch = partial.with_name(f"{partial.name}.k2j3x9.tmp")
    scratch.mkdir()
    (scratch / "tmpx1y2z3").write_bytes(b"rows of answers")
    for path in (scratch, scratch / "tmpx1y2z3"):
        os.utime(path, (long_ago.timestamp(), long_ago.timestamp()))
    jobs.delete_expired_exports()
    assert not partial.exists()
    assert scratch.exists()
    a_day_ago = (timezone.now() - jobs.EXPIRES_AFTER - datetime.timedelta(seconds=1)).timestamp()
    os.utime(scratch / "tmpx1y2z3", (a_day_ago, a_day_ago))
    jobs.delete_expired_exports()
    assert scratch.exists()  # the folder itself was written more recently
    os.utime(scratch, (a_day_ago, a_day_ago))
    jobs.delete_expired_exports()
    assert not scratch.exists()


def test_a_failure_mid_export_leaves_no_file_and_marks_the_job_failed(
    client, export_survey, analyst, monkeypatch
):
    for _ in range(3):
        answer(export_survey, full_answers())
    from surveys.exports import build

    def broken_rows(*args, **kwargs):
        yield ["half"] * 3
        raise OSError("disk full")

    monkeypatch.setattr(build, "response_rows", broken_rows)
    client.force_login(analyst)
    client.raise_request_exception = False
    start(client, export_survey)
    job = ExportJob.objects.get()
    assert job.status == "failed" and "failed" in job.error
    assert not job.path.exists()
    assert list(job.path.parent.iterdir()) == []


def test_a_retried_task_does_not_run_a_finished_job_twice(client, export_survey, analyst):
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    assert jobs.run_export.call(str(job.pk)) == "done"
    assert ExportJob.objects.get().finished_at == job.finished_at


def test_the_responses_page_links_to_export_and_paper_entry(client, export_survey, analyst):
    client.force_login(analyst)
    page = client.get(reverse("surveys_admin:responses", args=[export_survey.pk]))
    assert reverse("surveys_admin:export", args=[export_survey.pk]) in page.content.decode()
    # Paper entry is an organizer's tool: an analyst is not offered it.
    assert reverse("surveys_admin:paper", args=[export_survey.pk]) not in page.content.decode()


@pytest.fixture
def feedback_items(neighborhoods):
    from feedback import moderation
    from feedback.models import Topic
    from feedback.submission import record_feedback

    topic = Topic.objects.create(name="Traffic stops", code="traffic-stops", sort_order=1)
    public, _ = record_feedback(
        topic=topic, neighborhood=neighborhoods[0], language="en",
        text="Stopped twice on Main; call me at 512-555-0100", may_publish=True,
    )  # fmt: skip
    record_feedback(topic=topic, language="es", text="PRIVATE-ORIGINAL never published")
    boss = make_staff("boss", superuser=True)
    moderation.set_status(user=boss, items=[public], status="published")
    moderation.edit(
        user=boss, feedback=public, public_text="", masked_names="",
        reply="Pedimos al departamento los datos de paradas.", reply_language="es",
    )  # fmt: skip


def feedback_sheet_of_export(client, survey) -> list[list]:
    start(client, survey)
    job = ExportJob.objects.latest("created_at")
    body = b"".join(
        client.get(reverse("surveys_admin:export_download", args=[job.pk])).streaming_content
    )
    (path := job.path.with_name(f"copy-{job.pk}.xlsx")).write_bytes(body)
    return read_sheet(path, "Feedback")


def test_the_workbook_has_published_feedback_for_analysts(
    client, export_survey, analyst, feedback_items
):
    client.force_login(analyst)
    header, *rows = feedback_sheet_of_export(client, export_survey)
    assert "original_text" not in header and len(rows) == 1
    text = repr(rows)
    assert "PRIVATE-ORIGINAL" not in text and "512-555-0100" not in text  # masked
    # Each reply's language, described on the About sheet.
    assert rows[0][header.index("reply_language")] == "es"
    job = ExportJob.objects.latest("created_at")
    about = dict(read_sheet(job.path.with_name(f"copy-{job.pk}.xlsx"), "About"))
    assert "reply_language" in about["Feedback: language, reply_language"]


def test_a_moderating_analyst_gets_the_originals(client, export_survey, analyst, feedback_items):
    analyst.groups.add(Group.objects.get(name="Moderator"))
    client.force_login(analyst)
    header, *rows = feedback_sheet_of_export(client, export_survey)
    assert "original_text" in header and len(rows) == 2
    assert "PRIVATE-ORIGINAL never published" in repr(rows)


def test_the_heartbeat_goes_on_while_nothing_reports_progress(monkeypatch):
    """Between pages of progress (the analysis sheets, xlsxwriter zipping a big file) a
    thread keeps the job alive, so a long export is not shown as failed; it stops with
    the export."""
    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.02)
    beats = []
    with jobs._Heartbeat("job", beat=beats.append):
        time.sleep(0.3)
    after = len(beats)
    time.sleep(0.1)
    assert after >= 3 and len(beats) == after
    assert set(beats) == {"job"}
    assert not [thread for thread in threading.enumerate() if "heartbeat" in thread.name]


def test_a_stuck_export_stops_beating_and_a_failed_beat_is_retried(monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.02)
    monkeypatch.setattr(jobs, "STUCK_AFTER", datetime.timedelta(seconds=0.15))
    beats = []

    def beat(job_id):
        beats.append(job_id)
        if len(beats) == 1:
            raise OperationalError("the database is restarting")

    with jobs._Heartbeat("job", beat=beat) as heartbeat:
        time.sleep(0.4)  # no progress: beats for 0.15 s, then stops
        stuck = len(beats)
        time.sleep(0.1)
        assert len(beats) == stuck >= 3  # beating went on after the failed one
        heartbeat.moved()  # a page of progress: alive again
        time.sleep(0.1)
    assert len(beats) > stuck


def test_a_beat_moves_only_a_running_jobs_heartbeat(export_survey, analyst):
    from surveys.exports.options import ExportOptions

    long_ago = timezone.now() - datetime.timedelta(hours=1)
    made = {
        status: ExportJob.objects.create(
            survey=export_survey,
            requested_by=analyst,
            options=ExportOptions().to_json(),
            total=0,
            status=status,
            heartbeat_at=long_ago,
        )  # fmt: skip
        for status in ("running", "done")
    }
    for job in made.values():
        jobs._beat(job.pk)
    assert ExportJob.objects.get(pk=made["running"].pk).heartbeat_at > long_ago
    assert ExportJob.objects.get(pk=made["done"].pk).heartbeat_at == long_ago


def test_a_running_export_has_its_heartbeat(client, export_survey, analyst, monkeypatch):
    from surveys.exports import build

    monkeypatch.setattr(jobs, "HEARTBEAT_EVERY", 0.02)
    beats = []
    monkeypatch.setattr(jobs, "_beat", beats.append)

    def silent_export(survey, options, path, **kwargs):
        time.sleep(0.2)  # no progress reported meanwhile
        path.write_bytes(b"PK")

    monkeypatch.setattr(build, "write_export", silent_export)
    client.force_login(analyst)
    start(client, export_survey)
    job = ExportJob.objects.get()
    assert job.status == "done"
    assert len(beats) >= 3 and set(beats) == {job.pk}


def test_the_export_form_offers_the_results_views_periods_and_weighting(
    client, export_survey, analyst
):
    """Issue 19, Analysts 3: the Periods sheet is filled when the analyst asks for periods."""
    for day in (datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)):
        for _ in range(3):
            answer(export_survey, full_answers(), day=day)
    client.force_login(analyst)
    page = client.get(reverse("surveys_admin:export", args=[export_survey.pk])).content.decode()
    assert 'name="split_at"' in page and 'name="weighting"' in page
    result = start(client, export_survey, split_at="2026-03-05", weighting="neighborhood")
    assert result.status_code == 302
    job = ExportJob.objects.latest("created_at")
    assert job.options["split_at"] == "2026-03-05" and job.options["weighting"] == "neighborhood"
    periods = as_dicts(read_sheet(job.path, "Periods"))
    assert periods and {(row["n_before"], row["n_after"]) for row in periods} >= {(3, 3)}
    about = dict(read_sheet(job.path, "About"))
    assert about["filter: periods"] == "before / from 2026-03-05"


def test_bad_periods_and_weighting_get_clear_messages_and_start_nothing(
    client, export_survey, analyst
):
    client.force_login(analyst)
    result = start(client, export_survey, weighting="rake")
    assert "This survey has no raking margins" in result.content.decode()
    result = start(client, export_survey, weighting="magic")
    assert result.status_code == 200 and "magic" in result.content.decode()
    result = start(
        client, export_survey, split_at="2026-03-05", first_from="2026-01-01",
        first_to="2026-01-31", second_from="2026-02-01", second_to="2026-02-28",
    )  # fmt: skip
    assert "not both" in result.content.decode()
    assert not ExportJob.objects.exists()
