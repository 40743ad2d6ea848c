"""Work the site must do by the clock: `manage.py upkeep`, hourly (cron, or `make serve`).

Each app registers what it needs done from its AppConfig.ready(), so that this base app
runs them all without importing any of them. A task is a function of no arguments that
returns a short line saying what it did; one that fails is reported and the others
still run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

TASKS: dict[str, Callable[[], str]] = {}


def register(name: str, task: Callable[[], str]) -> None:
    """Run `task` at every upkeep, under `name` (registering a name again replaces it)."""
    TASKS[name] = task


def delete_expired_sessions() -> str:
    """Residents' sessions expire within hours (cms.sessions); delete their rows."""
    from django.conf import settings

    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    store.clear_expired()
    return "expired sessions deleted"


def empty_sqlite_log() -> str:
    """On SQLite, copy the write-ahead log into the database and empty it: deleted rows
    (zeroed in the database by secure_delete) leave no copy in the log."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return "not SQLite: nothing to do"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _log, _copied = cursor.fetchone()
    return "write-ahead log emptied" if not busy else "write-ahead log busy; next time"


register("sessions", delete_expired_sessions)
register("sqlite", empty_sqlite_log)
