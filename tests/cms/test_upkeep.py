"""`manage.py upkeep`: every app's clock work in one hourly command (cms/upkeep.py)."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms import upkeep
from surveys import release
from surveys.models import Response
from tests.factories import post_data, valid_answers

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("upkeep", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_every_app_registers_its_work():
    assert {"sessions", "releases", "partials", "exports", "contacts"} <= set(upkeep.TASKS)


def test_upkeep_releases_what_is_due(client, survey, monkeypatch):
    survey.small_cell_threshold = 5
    survey.save()
    for _ in range(5):
        client.post(survey.url, post_data(valid_answers(), survey=survey))
    assert "released 0 responses" in run("--only", "releases")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(release, "_today", lambda: tomorrow)
    assert "released 5 responses" in run("--only", "releases")
    assert Response.objects.filter(released=True).count() == 5


def test_one_failing_task_is_reported_and_the_others_run(monkeypatch):
    ran = []
    monkeypatch.setattr(upkeep, "TASKS", {})
    upkeep.register("broken", lambda: 1 / 0)
    upkeep.register("fine", lambda: ran.append("fine") or "done")
    with pytest.raises(CommandError, match="broken"):
        run()
    assert ran == ["fine"]


@pytest.mark.django_db(transaction=True)
def test_deleted_rows_leave_no_copy_in_the_sqlite_files():
    from pathlib import Path

    from django.contrib.sessions.models import Session
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's files (PostgreSQL's are the server's, not the site's)")
    secret = "ZQXJ-my brother was detained last week"
    Session.objects.create(
        session_key="k" * 32, session_data=secret * 20, expire_date=timezone.now()
    )
    Session.objects.filter(session_key="k" * 32).delete()
    assert "write-ahead log" in run("--only", "sqlite")
    database = Path(connection.settings_dict["NAME"])
    for path in (database, Path(f"{database}-wal")):
        if path.exists():
            assert secret.encode() not in path.read_bytes(), path
