"""What a load run stored, read straight from the database (no Django in the client).

For the project: complete responses, their answer rows, responses without a single
answer row (a partial write) and partial (saved-for-later) responses. For the peer:
Wagtail's FormSubmission rows.
"""

from __future__ import annotations

import sqlite3
import urllib.parse

PROJECT = {
    "responses": "SELECT COUNT(*) FROM surveys_response WHERE status = 'complete'",
    "answers": "SELECT COUNT(*) FROM surveys_answer",
    "incomplete": "SELECT COUNT(*) FROM surveys_response r WHERE NOT EXISTS "
    "(SELECT 1 FROM surveys_answer a WHERE a.response_id = r.id)",
    "partial": "SELECT COUNT(*) FROM surveys_response WHERE status <> 'complete'",
}
PEER = {"responses": "SELECT COUNT(*) FROM wagtailforms_formsubmission"}


def connect(url: str):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "sqlite":
        return sqlite3.connect(parts.path if not parts.path.startswith("//") else parts.path[1:])
    import psycopg

    return psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5)


def count_rows(target: str, url: str) -> dict[str, int]:
    queries = PROJECT if target == "project" else PEER
    connection = connect(url)
    try:
        cursor = connection.cursor()
        found = {}
        for name, sql in queries.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
        return found
    finally:
        connection.close()
