"""The analyst's export: columns across revisions, typed cells, codebook, filters."""

import csv
import datetime

import openpyxl
import pytest

from surveys.builders import question
from surveys.exports.build import write_export
from surveys.exports.options import ExportError, ExportOptions
from surveys.models import Response
from tests.factories import publish_body

from .conftest import answer, as_dicts, export_body, full_answers, read_sheet

pytestmark = pytest.mark.django_db


def export(survey, tmp_path, name="out.xlsx", **options):
    path = tmp_path / name
    write_export(survey, ExportOptions(format=path.suffix[1:], **options), path)
    return path


def test_one_row_per_response_with_typed_cells(export_survey, tmp_path):
    response = answer(export_survey, full_answers())
    path = export(export_survey, tmp_path)
    rows = as_dicts(read_sheet(path, "Responses"))
    assert len(rows) == 1
    row = rows[0]
    assert row["response_id"] == str(response.pk)
    assert row["submitted_on"] == datetime.datetime(2026, 3, 2)  # a real date cell
    assert row["neighborhood"] == "area-2"
    assert (row["language"], row["channel"], row["status"]) == ("en", "web", "complete")
    assert row["revision"] == export_survey.live_revision_id
    assert row["color"] == "g"
    assert row["trust"] == 4 and row["overall"] == 7  # scale codes as numbers
    assert row["age"] == 34 and row["hours"] == 2.5
    assert row["story"] == "Line one\nline two"
    assert row["stopped_on"] == datetime.datetime(2024, 5, 31)
    assert row["places"] == "a c"
    assert (row["places/a"], row["places/b"], row["places/c"]) == (1, 0, 1)
    assert row["called"] == "police other"
    assert row["called/other"] == 1
    assert row["called/other_text"] == "My pastor"
    assert "area" not in row  # the neighborhood question is the neighborhood column


def test_the_header_is_in_questionnaire_order(export_survey, tmp_path):
    answer(export_survey, full_answers())
    header = read_sheet(export(export_survey, tmp_path), "Responses")[0]
    assert header[:7] == [
        "response_id", "submitted_on", "neighborhood", "language", "channel", "status",
        "revision",
    ]  # fmt: skip
    assert header[7:] == [
        "color", "size", "places", "places/a", "places/b", "places/c", "trust", "trust7",
        "overall", "age", "hours", "nickname", "story", "stopped_on", "called",
        "called/police", "called/neighbors", "called/other", "called/other_text",
    ]  # fmt: skip


def test_unanswered_questions_are_blank_not_zero(export_survey, tmp_path):
    answer(export_survey, {"color": "r"})
    row = as_dicts(read_sheet(export(export_survey, tmp_path), "Responses"))[0]
    assert row["places"] is None and row["places/a"] is None
    assert row["age"] is None and row["called/other_text"] is None
    assert row["neighborhood"] is None


def test_a_removed_question_keeps_its_column_and_a_new_one_is_blank_for_old_answers(
    export_survey, tmp_path
):
    old = answer(export_survey, full_answers())
    body = [block for block in export_body() if block["value"].get("key") != "nickname"]
    body.append(question("short_text", "newq", "New question?", max_length=20))
    publish_body(export_survey, body)
    new = answer(export_survey, {"color": "r", "newq": "fresh"}, day=datetime.date(2026, 3, 3))
    rows = read_sheet(export(export_survey, tmp_path), "Responses")
    header = rows[0]
    assert header.index("newq") < header.index("nickname")  # today's questions first
    by_id = {row["response_id"]: row for row in as_dicts(rows)}
    assert by_id[str(old.pk)]["nickname"] == "hola" and by_id[str(old.pk)]["newq"] is None
    assert by_id[str(new.pk)]["newq"] == "fresh" and by_id[str(new.pk)]["nickname"] is None
    assert by_id[str(old.pk)]["revision"] != by_id[str(new.pk)]["revision"]


def test_labels_instead_of_codes(export_survey, tmp_path):
    answer(export_survey, full_answers())
    row = as_dicts(read_sheet(export(export_survey, tmp_path, labels=True), "Responses"))[0]
    assert row["color"] == "Green"
    assert row["places"] == "Park; School"
    assert row["places/a"] == 1


def test_codebook_lists_questions_choices_languages_and_conditions(export_survey, tmp_path):
    answer(export_survey, full_answers())
    rows = as_dicts(read_sheet(export(export_survey, tmp_path), "Codebook"))
    color = next(r for r in rows if r["key"] == "color" and r["row"] == "question")
    assert color["label::en"] == "Favourite colour?"
    assert color["type"] == "single_choice" and color["in_current_form"] == "yes"
    assert color["first_revision"] == export_survey.live_revision_id
    dont_know = next(r for r in rows if r["key"] == "color" and r["code"] == "dk")
    assert dont_know["non_substantive"] == "yes"
    assert dont_know["label::en"] == "Don't know"
    places_b = next(r for r in rows if r["column"] == "places/b")
    assert places_b["label::en"] == "Clinic"
    assert any(r["column"] == "called/other_text" and r["row"] == "other text" for r in rows)


def test_the_workbook_has_the_analysis_sheets_and_is_tidy(export_survey, tmp_path):
    for _ in range(3):
        answer(export_survey, full_answers())
    path = export(export_survey, tmp_path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "Responses", "Codebook", "Summary", "Distributions", "Comparisons", "Differences",
        "Periods",
        "Public figures", "About",
    ]  # fmt: skip
    responses = workbook["Responses"]
    assert responses.freeze_panes == "A2"
    assert responses.auto_filter.ref.startswith("A1:")
    assert responses.column_dimensions["A"].width > 30
    summary = as_dicts(read_sheet(path, "Summary"))
    trust = [row for row in summary if row["key"] == "trust"]
    # Three responses are below k (10): the figures are there, and marked.
    assert trust and all("suppressed" in row["flags"] for row in trust)


def test_filters_select_responses(export_survey, neighborhoods, tmp_path):
    answer(export_survey, full_answers(area="area-1"), day=datetime.date(2026, 1, 5))
    answer(export_survey, full_answers(area="area-2"), day=datetime.date(2026, 2, 5))
    answer(
        export_survey,
        full_answers(area="area-2"),
        day=datetime.date(2026, 2, 6),
        channel=Response.Channel.PAPER,
    )
    partial = answer(export_survey, full_answers(), day=datetime.date(2026, 2, 7))
    Response.objects.filter(pk=partial.pk).update(status=Response.Status.PARTIAL)

    def count(**options):
        return len(read_sheet(export(export_survey, tmp_path, **options), "Responses")) - 1

    assert count() == 3  # complete only, by default
    assert count(include_partial=True) == 4
    assert count(since=datetime.date(2026, 2, 1)) == 2
    assert count(until=datetime.date(2026, 1, 31)) == 1
    assert count(neighborhoods=("area-2",)) == 2
    assert count(channel="paper") == 1


def test_a_filter_naming_a_missing_neighborhood_is_refused(export_survey, tmp_path):
    with pytest.raises(ExportError, match="nowhere"):
        export(export_survey, tmp_path, neighborhoods=("nowhere",))
    assert not (tmp_path / "out.xlsx").exists()


def test_csv_has_the_responses_sheet_in_utf8_with_optional_bom(export_survey, tmp_path):
    answer(export_survey, full_answers(nickname="señora"))
    xlsx = read_sheet(export(export_survey, tmp_path), "Responses")
    path = export(export_survey, tmp_path, name="out.csv", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == xlsx[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["nickname"] == "señora" and row["age"] == "34" and row["places/b"] == "0"
    assert row["submitted_on"] == "2026-03-02"
    plain = export(export_survey, tmp_path, name="plain.csv")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")


def test_many_responses_span_several_pages_in_order(export_survey, tmp_path, monkeypatch):
    from surveys.exports import stream

    monkeypatch.setattr(stream, "PAGE_SIZE", 2)
    ids = [
        str(answer(export_survey, {"color": "r"}, day=datetime.date(2026, 1, 1 + i % 3)).pk)
        for i in range(7)
    ]
    rows = as_dicts(read_sheet(export(export_survey, tmp_path), "Responses"))
    assert sorted(row["response_id"] for row in rows) == sorted(ids)
    keys = [(row["submitted_on"], row["response_id"]) for row in rows]
    assert keys == sorted(keys)


def test_queries_grow_with_pages_not_with_responses(export_survey, tmp_path, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.exports import stream

    monkeypatch.setattr(stream, "PAGE_SIZE", 5)

    # Labels: written by Python on both databases (a CSV of codes is one COPY on
    # PostgreSQL, test_pg_copy.py).
    options = ExportOptions(format="csv", labels=True)

    def queries(responses: int) -> int:
        while export_survey.responses.count() < responses:
            answer(export_survey, full_answers())
        write_export(export_survey, options, tmp_path / "q.csv")  # warm
        with CaptureQueriesContext(connection) as captured:
            write_export(export_survey, options, tmp_path / "q.csv")
        return len(captured)

    one_page, three_pages = queries(4), queries(14)
    # Each further page of responses costs one query: the responses with their cells.
    assert three_pages == one_page + 2
    assert one_page <= 15
    # Read from their answer rows (no cells), a page costs one more: their answers.
    Response.objects.update(cells=None)
    assert queries(14) == three_pages + 3
