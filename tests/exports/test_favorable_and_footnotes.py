"""Issue 19, Analysts 4: "favorable" says in words what it means on every sheet that
shows a favorable share (or tests beside one), and every sheet where a blank or a dash
stands for a missing or hidden figure has a footnote saying what it means."""

import datetime

import openpyxl
import pytest

from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions

from .conftest import answer, full_answers

pytestmark = pytest.mark.django_db

TRUST_FAVORABLE = "% who answered: Agree / Strongly agree"
NOTED_SHEETS = ("Summary", "Distributions", "Comparisons", "Periods", "Public figures")


@pytest.fixture
def workbook(export_survey, tmp_path):
    for day, area, trust in [
        (datetime.date(2026, 3, 2), "area-1", "4"),
        (datetime.date(2026, 3, 2), "area-2", "2"),
        (datetime.date(2026, 3, 9), "area-1", "5"),
        (datetime.date(2026, 3, 9), "area-2", "1"),
    ]:
        for _ in range(3):
            answer(export_survey, full_answers(area=area, trust=trust), day=day)
    path = tmp_path / "out.xlsx"
    options = ExportOptions(format="xlsx", split_at=datetime.date(2026, 3, 5))
    write_export(export_survey, options, path)
    return openpyxl.load_workbook(path)


def table_and_notes(sheet) -> tuple[list[dict], list[str]]:
    """The sheet's table (up to the first empty row), and the notes below it."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    end = next((i for i, row in enumerate(rows) if not any(v is not None for v in row)), None)
    table = rows if end is None else rows[:end]
    below = [] if end is None else rows[end:]
    notes = [row[0] for row in below if row and row[0]]
    header, *body = table
    return [dict(zip(header, row, strict=False)) for row in body], notes


def test_the_comparisons_and_periods_sheets_say_what_favorable_means(workbook):
    comparisons, _notes = table_and_notes(workbook["Comparisons"])
    trust = [row for row in comparisons if row["key"] == "trust"]
    assert trust and {row["favorable_means"] for row in trust} == {TRUST_FAVORABLE}

    periods, _notes = table_and_notes(workbook["Periods"])
    shares = [row for row in periods if row["measure"] == "favorable proportion"]
    assert shares and {row["key"] for row in shares} >= {"trust"}
    assert {row["favorable_means"] for row in shares if row["key"] == "trust"} == {TRUST_FAVORABLE}
    # Rows measuring the mean leave it blank (the footnote says so).
    assert all(not row["favorable_means"] for row in periods if row["measure"] == "mean")

    summary, _notes = table_and_notes(workbook["Summary"])
    assert {row["favorable_means"] for row in summary if row["key"] == "trust"} == {TRUST_FAVORABLE}


def test_every_sheet_with_blanks_or_dashes_says_what_they_mean(workbook):
    for title in NOTED_SHEETS:
        table, notes = table_and_notes(workbook[title])
        assert table, title
        assert notes and all(note.startswith("Note: ") for note in notes), title
        # The table really has blanks (or dashes) for the notes to explain (Distributions
        # has one only for a group without answers).
        if title != "Distributions":
            blanks = [value for row in table for value in row.values() if value in (None, "—")]
            assert blanks, title
    _summary, notes = table_and_notes(workbook["Summary"])
    assert any("cannot be computed" in note for note in notes)
    _public, notes = table_and_notes(workbook["Public figures"])
    assert any(note.startswith("Note: —:") and "fewer than k" in note for note in notes)
    _periods, notes = table_and_notes(workbook["Periods"])
    assert any("city-wide" in note for note in notes)
    # The footnotes are under the table, outside its filter.
    summary = workbook["Summary"]
    last_row = int(summary.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert last_row < summary.max_row


def test_the_about_sheet_says_what_a_blank_response_cell_means(workbook):
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert "not answered" in about["blank cells (Responses)"]
    assert "display logic" in about["blank cells (Responses)"]


def test_the_analysis_tables_read_as_before(workbook):
    """Footnotes are not rows: the table ends before them and every row says exact."""
    for title in ("Summary", "Distributions", "Comparisons", "Periods"):
        table, _notes = table_and_notes(workbook[title])
        assert {row["publication"] for row in table} == {"exact: do not publish"}, title
