"""A CSV export written by PostgreSQL itself: `COPY (SELECT …) TO STDOUT WITH CSV`.

Reading 100,000 responses into Python, decoding their cells and handing them to `csv`
costs about five times what `csv` needs to write the same rows (docs/BENCHMARKS.md).
PostgreSQL can lay out each response's cells as a CSV line in its own process, from the
binary `jsonb` it already holds, and Python only copies the bytes to the file.

That is only done when it gives what `write_csv` would (`copyable`): on PostgreSQL,
choices as codes (labels need the questionnaire's texts), and every selected response
having wide cells that fit the plan (surveys/wide.py); otherwise the export goes through
`response_rows` as before. The two differ only where a CSV reader sees no difference or
the same number: PostgreSQL quotes an empty text (`""`) and `\\.`, and writes a number
below 0.0001 in full (0.00001) where Python writes 1e-05. Texts someone typed are
neutralised against formula injection in the query, as `csv_text` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from django.db import connection, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from ..models import Response, SurveyPage
from .cells import FORMULA_STARTS
from .options import ExportOptions
from .plan import ColumnPlan

SORT_MEMORY = "64MB"  # per sorting process, for the COPY's transaction only
_DANGEROUS = ", ".join(f"chr({ord(start)})" for start in FORMULA_STARTS)


def copyable(survey: SurveyPage, options: ExportOptions, plan: ColumnPlan) -> bool:
    """Whether PostgreSQL can write this CSV export as `write_csv` would."""
    if connection.vendor != "postgresql" or options.format != "csv" or options.labels:
        return False
    if options.non_substantive_blank:  # codes become blanks in Python
        return False
    if not all(plan.matches_cells_of(revision) for revision in plan.revisions):
        return False
    responses = options.responses(survey.responses_survey)
    return not responses.filter(cells__isnull=True).exists()


def copy_csv(
    file: BinaryIO,
    survey: SurveyPage,
    options: ExportOptions,
    plan: ColumnPlan,
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Append the rows of `survey`'s export to `file`, in the order of `response_rows`."""
    for data in copy_chunks(survey, options, plan, progress=progress):
        file.write(data)


def copy_chunks(
    survey: SurveyPage,
    options: ExportOptions,
    plan: ColumnPlan,
    *,
    progress: Callable[[int], None] | None = None,
    chunk_bytes: int = 1 << 16,
) -> Iterator[bytes]:
    """The rows of `survey`'s export as CSV bytes, about `chunk_bytes` at a time, in the
    order of `response_rows`: what the export writes to its file and the API streams
    (surveys/api/views.py). Closing the generator before its end (a client that hangs up)
    cancels the COPY on the server (psycopg does)."""
    if not plan.revisions:  # no response selected
        if progress:
            progress(0)
        return
    cell = f"{connection.ops.quote_name(Response._meta.db_table)}.cells ->> %s"
    # A text someone typed gets an apostrophe when it starts like a formula (`csv_text`).
    safe_text = f"CASE WHEN left({cell}, 1) IN ({_DANGEROUS}) THEN '''' || ({cell}) ELSE {cell} END"
    text_columns = set(plan.text_columns(labels=False))
    names = plan.cell_names()
    # The SQL is this module's own; the cell names travel as parameters.
    cells = {}
    for index, name in enumerate(names, start=len(plan.headers) - len(names)):
        if index in text_columns:
            cells[f"cell{index}"] = RawSQL(safe_text, (name,) * 3, TextField())  # noqa: S611
        else:
            cells[f"cell{index}"] = RawSQL(cell, (name,), TextField())  # noqa: S611
    # Only what `copyable` checked: a response stored since (to a revision published
    # meanwhile, or without cells) is left out, not written with the wrong columns.
    ordered = (
        options.responses(survey.responses_survey)
        .filter(cells__isnull=False, revision_id__in=list(plan.revisions))
        .order_by("submitted_on", "id")
        .annotate(
            response_text=Cast("id", TextField()),
            day_text=Func(
                F("submitted_on"),
                Value("YYYY-MM-DD"),
                function="to_char",
                output_field=TextField(),
            ),
            **cells,
        )
    )
    columns = [
        "response_text", "day_text", "neighborhood__code", "language", "channel", "status",
        "revision_id", *cells,
    ]  # fmt: skip
    # COPY takes no parameters: psycopg binds them into the statement, quoted.
    select = connection.ops.compose_sql(*ordered.values_list(*columns).query.sql_with_params())
    done = 0
    # Nothing else may use the connection while the COPY runs (psycopg holds it): the
    # count is reported when it ends; the job's heartbeat thread has its own connection.
    with transaction.atomic(), connection.cursor() as cursor:
        # Sorting 100,000 rows takes ~45 MB. At the default 4 MB the sort would spill to
        # disk, so the planner walks the index in one process instead: 1.25 s against
        # 0.9 s for scanning and sorting beside parallel workers (docs/BENCHMARKS.md).
        cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
        with cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv, ENCODING 'UTF8')") as copy:
            # PostgreSQL sends each row of a COPY as a message of its own.
            pending, size = [], 0
            for data in copy:
                pending.append(bytes(data))
                size += len(data)
                done += 1
                if size >= chunk_bytes:
                    yield b"".join(pending)
                    pending, size = [], 0
            if pending:
                yield b"".join(pending)
    if progress:
        progress(done)
