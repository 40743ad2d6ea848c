"""The answer rows of one submission, written in one statement.

What `Answer.objects.bulk_create` would write, each value prepared by its own field, but
without building a model instance and compiling SQL for each of the ~30 rows of every
submission (a third of a submission's time when it went through the ORM). On PostgreSQL
the rows travel as one array per column into one `INSERT … SELECT … FROM UNNEST(…)`,
whose text never changes, so the server plans it once per connection; on SQLite, which
runs in the process, `executemany` of one prepared INSERT is the cheapest.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db import router, transaction

from .models import Answer

if TYPE_CHECKING:
    from .models import Response
    from .question_types import AnswerValue

# Per answer row: its own id, key and value; the rest is copied from its response.
ROW_COLUMNS = ("id", "key", "code", "number", "text")
RESPONSE_COLUMNS = ("response", "survey", "neighborhood", "status", "submitted_on", "released")


def insert_answers(response: Response, rows: list[tuple[str, AnswerValue]]) -> None:
    """Insert `rows` (key, value) as the answers of `response`, in the current transaction."""
    if not rows:
        return
    connection = transaction.get_connection(router.db_for_write(Answer))
    meta = Answer._meta
    row_fields = [meta.get_field(name) for name in ROW_COLUMNS]
    shared_fields = [meta.get_field(name) for name in RESPONSE_COLUMNS]
    copied = (
        response.pk,
        response.survey_id,
        response.neighborhood_id,
        response.status,
        response.submitted_on,
        response.released,
    )
    shared = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(shared_fields, copied, strict=True)
    ]
    id_field, key_field, code_field, number_field, text_field = row_fields
    values = [
        (
            id_field.get_db_prep_save(uuid.uuid4(), connection),
            key_field.get_db_prep_save(key, connection),
            code_field.get_db_prep_save(value.code, connection),
            number_field.get_db_prep_save(value.number, connection),
            text_field.get_db_prep_save(value.text, connection),
        )
        for key, value in rows
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in (*row_fields, *shared_fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in row_fields)
            scalars = ", ".join(f"%s::{field.db_type(connection)}" for field in shared_fields)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (names from the model)
                f"SELECT *, {scalars} FROM UNNEST({arrays})",
                [*shared, *(list(column) for column in zip(*values, strict=True))],
            )
        else:
            placeholders = ", ".join(["%s"] * (len(row_fields) + len(shared_fields)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
                [(*row, *shared) for row in values],
            )
