"""Set-up promises: clear refusals, and SQLite that bears concurrent writers."""

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper

from cms.settings.base import SQLITE_OPTIONS, database_from_url

ROOT = Path(__file__).resolve().parent.parent


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_an_old_python_gets_one_line_not_a_traceback(tmp_path):
    fake = tmp_path / "python3.11"
    fake.write_text('#!/bin/sh\ncase "$*" in *platform*) echo 3.11.7;; *) exit 1;; esac\n')
    fake.chmod(0o755)
    result = subprocess.run(
        ["make", "--no-print-directory", "check-python", f"PYTHON={fake}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and "needs Python 3.12 or newer" in lines[0] and "3.11.7" in lines[0]
    assert "Traceback" not in result.stdout + result.stderr


def test_database_url_selects_postgresql():
    config = database_from_url("postgres://someone@db.example:5433/confianza")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "confianza")
    assert "transaction_mode" not in config.get("OPTIONS", {})


def _connection(path: Path, options: dict) -> DatabaseWrapper:
    settings = database_from_url(f"sqlite:///{path}")
    settings["OPTIONS"] = options
    settings.setdefault("TIME_ZONE", None)
    for key in ("ATOMIC_REQUESTS", "AUTOCOMMIT"):
        settings.setdefault(key, key == "AUTOCOMMIT")
    settings.setdefault("TEST", {})
    return DatabaseWrapper(settings, alias=f"probe-{time.monotonic_ns()}")


def _read_then_write_concurrently(path: Path, options: dict, writers: int = 4) -> list[Exception]:
    """Writers that read, pause, then write inside one transaction, all at once."""
    setup = _connection(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
    setup.close()
    errors: list[Exception] = []
    start = threading.Barrier(writers)

    def writer():
        connection = _connection(path, options)
        try:
            connection.ensure_connection()
            start.wait()
            for _ in range(5):
                # What atomic() does on SQLite: BEGIN, or BEGIN <transaction_mode>.
                begin = f"BEGIN {connection.transaction_mode or ''}".strip()
                with connection.cursor() as cursor:
                    cursor.execute(begin)
                    cursor.execute("SELECT COUNT(*) FROM probe")
                    time.sleep(0.01)
                    cursor.execute("INSERT INTO probe VALUES (1)")
                    cursor.execute("COMMIT")
        except Exception as error:  # noqa: BLE001 (every failure must reach the assertion)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def own_databases(django_db_blocker):
    """These tests open their own SQLite files, outside the test database."""
    with django_db_blocker.unblock():
        yield


def test_sqlite_is_configured_for_concurrent_writers(tmp_path, own_databases):
    connection = _connection(tmp_path / "wal.sqlite3", SQLITE_OPTIONS)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL: an acknowledged response survives power loss
    assert connection.transaction_mode == "IMMEDIATE"
    connection.close()
    assert _read_then_write_concurrently(tmp_path / "ours.sqlite3", SQLITE_OPTIONS) == []


def test_without_immediate_transactions_writers_do_collide(tmp_path, own_databases):
    """The control: SQLite's default (deferred) transactions fail under the same load."""
    deferred = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
    errors = _read_then_write_concurrently(tmp_path / "deferred.sqlite3", deferred, writers=6)
    assert errors and all(isinstance(e, OperationalError) for e in errors)
    assert any("locked" in str(error) for error in errors)


def test_system_checks_pass_on_this_database():
    """Management commands run Django's checks; they must pass on SQLite and PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.test"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"A model changed without a migration: {out.getvalue()} ({exit_})")
