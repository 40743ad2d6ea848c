"""Where rows lie says nothing of when they came (BRIEF invariant 1).

A database keeps rows in the order they were written unless told otherwise, so the
physical order of responses and answers (SQLite's rowid, PostgreSQL's ctid) would tell
whoever can read the database files the order in which residents answered.

- SQLite: a trigger gives each new response and answer a random rowid, so the table's
  own order is random from the start. Migrations that rebuild a table drop its
  triggers; they are made again after every `migrate` (post_migrate).
- PostgreSQL: `manage.py upkeep` rewrites the tables in the order of their random ids
  (CLUSTER) once a day, at the hour in STORAGE_SHUFFLE_HOUR (default 3, local time).
  It locks the two tables for the seconds it takes; submissions wait meanwhile.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import Answer, Response

SHUFFLED_TABLES = (Response, Answer)


def _trigger_name(table: str) -> str:
    return f"{table}_random_rowid"


def sqlite_triggers() -> list[str]:
    statements = []
    for model in SHUFFLED_TABLES:
        table = model._meta.db_table
        # A random positive 63-bit rowid (masking, not abs(): abs of the smallest
        # integer overflows).
        update = f"UPDATE {table} SET rowid = (random() & 9223372036854775807)"  # noqa: S608
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {_trigger_name(table)} AFTER INSERT ON {table} "
            f"BEGIN {update} WHERE rowid = NEW.rowid; END"
        )
    return statements


def randomise_rowids(sender=None, using="default", **kwargs) -> None:
    """After migrate, on SQLite: (re)create the triggers that scatter new rows."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        for statement in sqlite_triggers():
            cursor.execute(statement)


def shuffle_postgresql_tables(*, force: bool = False) -> str:
    """On PostgreSQL, once a day at STORAGE_SHUFFLE_HOUR: rewrite the response and
    answer tables in the order of their random ids."""
    if connection.vendor != "postgresql":
        return "not PostgreSQL: rows are placed at random as they are written"
    now = timezone.localtime()
    done = f"storage-shuffled:{now.date().isoformat()}"
    if not force and (now.hour != settings.STORAGE_SHUFFLE_HOUR or cache.get(done)):
        return "not the hour for it"
    with connection.cursor() as cursor:
        for model in SHUFFLED_TABLES:
            table = connection.ops.quote_name(model._meta.db_table)
            pkey = connection.ops.quote_name(f"{model._meta.db_table}_pkey")
            cursor.execute(f"CLUSTER {table} USING {pkey}")
    cache.set(done, True, timeout=26 * 60 * 60)
    return "responses and answers rewritten in the order of their random ids"
