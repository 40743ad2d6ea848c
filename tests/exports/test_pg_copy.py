"""A CSV export written by PostgreSQL's COPY (surveys/exports/pg_copy.py) is the file
Python's `csv` writes from the same responses, and COPY is only used when it can be."""

import csv
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions
from surveys.exports.pg_copy import copy_chunks, copyable
from surveys.exports.stream import plan_for, response_rows
from surveys.exports.writers import write_csv
from surveys.models import Response

from .conftest import answer, full_answers

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="PostgreSQL's COPY: runs when DATABASE_URL names PostgreSQL (CI's second pass)",
)


def some_responses(survey):
    answer(survey, full_answers())
    # Formula starts, quotes, commas, a line break and non-ASCII text in resident texts.
    answer(survey, full_answers(story='=1+1, "quoted"\nnext line', nickname="Ñandú"))
    answer(survey, full_answers(color="dk", places=["b"], hours="0.25", story="-2"))
    answer(survey, {"color": "r", "called": ["other"], "called-other": "@someone"})
    answer(survey, {"color": "r", "area": "area-1"}, day=datetime.date(2026, 3, 3))
    answer(survey, full_answers(), status=Response.Status.PARTIAL)


def python_csv(survey, options, path):
    """The same export through `response_rows` and `csv`, as on SQLite."""
    plan = plan_for(survey, options)
    rows = response_rows(survey, options, plan)
    write_csv(path, plan.headers, rows, bom=options.bom, text_columns=plan.text_columns(False))
    return path.read_bytes()


def exported(survey, options, path):
    with CaptureQueriesContext(connection) as captured:
        write_export(survey, options, path)
    copied = any(query["sql"].startswith("COPY") for query in captured)
    return path.read_bytes(), copied


@postgresql_only
@pytest.mark.parametrize(
    "options",
    [
        ExportOptions(format="csv"),
        ExportOptions(format="csv", bom=True, include_partial=True),
        ExportOptions(format="csv", since=datetime.date(2026, 3, 3)),
        ExportOptions(format="csv", neighborhoods=("area-2",), channel="web"),
    ],
)
def test_copy_writes_what_python_writes(export_survey, tmp_path, options):
    some_responses(export_survey)
    data, copied = exported(export_survey, options, tmp_path / "copy.csv")
    assert copied
    assert data == python_csv(export_survey, options, tmp_path / "python.csv")
    assert data.count(b"'=1+1") == (0 if options.since else 1)  # neutralised by the query
    assert data.startswith(b"\xef\xbb\xbfresponse_id," if options.bom else b"response_id,")


@postgresql_only
def test_copy_reports_progress_and_writes_nothing_for_no_responses(export_survey, tmp_path):
    options = ExportOptions(format="csv")
    plan = plan_for(export_survey, options)
    path = tmp_path / "none.csv"
    write_export(export_survey, options, path)
    assert path.read_bytes() == b",".join(name.encode() for name in plan.headers) + b"\n"
    for _ in range(3):
        answer(export_survey, full_answers())
    seen = []
    write_export(export_survey, options, path, progress=seen.append)
    assert seen[-1] == 3
    with path.open(encoding="utf-8", newline="") as file:
        assert len(list(csv.reader(file))) == 4  # a text of two lines is one cell


def test_copy_is_only_used_where_it_writes_the_same_file(export_survey):
    """Not on SQLite, not for labels or XLSX, not when a response has no cells."""
    some_responses(export_survey)
    csv_options = ExportOptions(format="csv")
    plan = plan_for(export_survey, csv_options)
    assert copyable(export_survey, csv_options, plan) is ON_POSTGRESQL
    assert not copyable(export_survey, ExportOptions(format="csv", labels=True), plan)
    assert not copyable(export_survey, ExportOptions(), plan)
    # A selected response (complete: the partial one is not exported by default).
    selected = Response.objects.filter(status=Response.Status.COMPLETE).first()
    Response.objects.filter(pk=selected.pk).update(cells=None)
    assert not copyable(export_survey, csv_options, plan)


@postgresql_only
def test_copy_is_not_used_for_a_revision_whose_multiple_choice_changed(export_survey):
    """Its responses' 0/1 cells are those of their own revision's choices."""
    from surveys.builders import choices
    from tests.factories import publish_body

    from .conftest import export_body

    answer(export_survey, full_answers())
    body = export_body()
    places = next(block for block in body if block["value"].get("key") == "places")
    places["value"]["choices"] = [*choices(("d", "Library")), *places["value"]["choices"]]
    publish_body(export_survey, body)
    options = ExportOptions(format="csv")
    assert not copyable(export_survey, options, plan_for(export_survey, options))


@postgresql_only
def test_an_admin_csv_export_records_its_progress(export_survey, tmp_path, settings):
    """The job writes its progress through the same connection as the COPY: only once
    the COPY has ended (psycopg holds the connection during it; a write from inside
    would wait for ever)."""
    from django.contrib.auth import get_user_model

    from surveys.exports import jobs

    settings.EXPORT_ROOT = tmp_path
    for _ in range(3):
        answer(export_survey, full_answers())
    job = jobs.ExportJob.objects.create(
        survey=export_survey,
        requested_by=get_user_model().objects.create(username="ana"),
        options=ExportOptions(format="csv").to_json(),
        total=3,
    )
    assert jobs.run_export.call(str(job.pk)) == "done"
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 3)
    with job.path.open(encoding="utf-8", newline="") as file:
        assert len(list(csv.reader(file))) == 4


@postgresql_only
def test_a_response_stored_after_the_check_is_left_out_not_misread(export_survey, tmp_path):
    """Between `copyable` and the COPY a response may arrive without cells, or to a
    revision the plan does not know: the COPY leaves it out rather than write it with
    another revision's columns."""
    from surveys.exports.pg_copy import copy_csv

    some_responses(export_survey)
    options = ExportOptions(format="csv")
    plan = plan_for(export_survey, options)
    assert copyable(export_survey, options, plan)
    late = answer(export_survey, full_answers())
    Response.objects.filter(pk=late.pk).update(cells=None)
    path = tmp_path / "late.csv"
    with path.open("wb") as file:
        copy_csv(file, export_survey, options, plan)
    assert str(late.pk) not in path.read_text()
    assert len(path.read_text().splitlines()) >= 4


@postgresql_only
def test_copy_costs_the_same_queries_for_any_number_of_responses(export_survey, tmp_path):
    def queries(responses: int) -> int:
        while export_survey.responses.count() < responses:
            answer(export_survey, full_answers())
        with CaptureQueriesContext(connection) as captured:
            write_export(export_survey, ExportOptions(format="csv"), tmp_path / "q.csv")
        return len(captured)

    queries(1)  # warm
    assert queries(3) == queries(30) <= 12


@postgresql_only
def test_responses_without_cells_are_exported_by_python(export_survey, tmp_path):
    some_responses(export_survey)
    options = ExportOptions(format="csv")
    expected = python_csv(export_survey, options, tmp_path / "python.csv")
    Response.objects.update(cells=None)
    data, copied = exported(export_survey, options, tmp_path / "rows.csv")
    assert not copied
    assert data == expected


@postgresql_only
def test_copy_streams_in_chunks_and_a_hang_up_leaves_the_connection_usable(export_survey):
    """The API streams the same COPY (surveys/api/views.py): in chunks, and a client that
    hangs up part-way cancels it on the server; the connection serves the next query."""
    for _ in range(4):
        some_responses(export_survey)
    options = ExportOptions(format="csv", include_partial=True)
    plan = plan_for(export_survey, options)
    whole = list(copy_chunks(export_survey, options, plan, chunk_bytes=200))
    assert len(whole) > 3
    rows = list(csv.reader(b"".join(whole).decode().splitlines(keepends=True)))
    assert len(rows) == len(list(response_rows(export_survey, options, plan))) == 24

    chunks = copy_chunks(export_survey, options, plan, chunk_bytes=200)
    next(chunks)
    chunks.close()  # the client hung up
    assert Response.objects.filter(survey=export_survey).count() == 24
