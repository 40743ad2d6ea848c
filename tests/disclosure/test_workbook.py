"""Leak 6, the analyst workbook: exact sheets are marked unpublishable on every row with
small counts highlighted, Summary's (sd/se)² is its own n, and the publishable sheet
withstands the intruder."""

import openpyxl
import pytest

from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions
from tests.disclosure.attack import truth_and_people
from tests.disclosure.conftest import TRUST, K
from tests.factories import release_everything

pytestmark = pytest.mark.django_db

EXACT_SHEETS = ("Summary", "Distributions", "Comparisons", "Differences", "Periods")


def _answers() -> list[dict]:
    answers = []
    for area, codes in (
        ("east", {"2": 10, "4": 12, "5": 25, "98": 3}),
        ("west", {"2": 30, "4": 30, "98": 12}),
        ("north", {"1": 25, "5": 40, "98": 15}),
    ):
        for code, n in codes.items():
            answers += [{"area": area, "trust": code} for _ in range(n)]
    return answers


@pytest.fixture
def workbook(publish_answers, tmp_path):
    answers = _answers()
    survey, _page = publish_answers(answers, keys="trust")
    release_everything()
    path = tmp_path / "book.xlsx"
    write_export(survey, ExportOptions(format="xlsx"), path)
    return openpyxl.load_workbook(path), answers


def _table(sheet) -> list[tuple]:
    """The sheet's table: its rows up to the first empty one (footnotes follow it)."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        if not any(value is not None for value in row):
            break
        rows.append(row)
    return rows


def _dicts(sheet) -> list[dict]:
    rows = _table(sheet)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_exact_sheets_say_on_every_row_that_they_must_not_be_published(workbook):
    book, _answers = workbook
    for title in EXACT_SHEETS:
        rows = _dicts(book[title])
        assert all(row["publication"] == "exact: do not publish" for row in rows), title
    about = {row["item"]: row["value"] for row in _dicts(book["About"])}
    exact = about["Summary, Distributions, Comparisons, Differences, Periods"]
    assert "NOT FOR PUBLICATION" in exact
    assert "PUBLISHABLE" in about["Public figures"]


def test_counts_from_one_to_k_minus_one_are_highlighted(workbook):
    book, _answers = workbook
    sheet = book["Distributions"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("count")
    for row in sheet.iter_rows(min_row=2, max_row=len(_table(sheet))):
        cell = row[column]
        highlighted = cell.fill is not None and cell.fill.fgColor.rgb not in (None, "00000000")
        assert highlighted == (0 < cell.value < K), (row[0].value, row[1].value, cell.value)


def test_summary_sd_and_se_give_no_hidden_count(workbook):
    """(sd/se)² is Summary's n, the substantive answers: no "don't know" count follows."""
    book, answers = workbook
    for row in _dicts(book["Summary"]):
        if row["key"] == "trust" and row["sd"] and row["se"]:
            assert round((row["sd"] / row["se"]) ** 2) == row["n"]
    east = next(r for r in _dicts(book["Summary"]) if r["neighborhood"] == "east")
    assert east["n"] == 47


def test_the_public_figures_sheet_withstands_the_intruder(workbook):
    from surveys.disclosure.cells import CITY_ROW, FAVORABLE, OTHER
    from surveys.disclosure.intruder import disclosed
    from surveys.disclosure.printed import Printed, PrintedRow, intruder_problem

    book, answers = workbook
    rows = {}
    for row in _dicts(book["Public figures"]):
        if row["key"] != "trust" or row["figure"] == "—":
            continue
        where = CITY_ROW if row["neighborhood"] == "(city-wide)" else row["neighborhood"]
        n = None if row["n"] is None else int(row["n"])  # n alone may be hidden
        printed = rows.setdefault(where, PrintedRow(n=n))
        if row["figure"] == "favorable %":
            printed.percents[FAVORABLE] = int(row["value"])
            printed.interval = (int(row["low"]), int(row["high"]))
    # East's 3 "don't know" hide its n, or its whole row where share and interval give n.
    assert "north" in rows and ("east" not in rows or rows["east"].n is None)
    printed = Printed("favorable", [FAVORABLE, OTHER], rows, n_is_base=False)
    truth, people = truth_and_people(answers, TRUST, "favorable")
    assert disclosed(intruder_problem(printed, people), truth, K) == {}


def test_public_favorable_shares_say_in_words_what_they_count(workbook):
    """Issue 19, Analysts 4: "favorable" says what it means on the publishable sheet too."""
    book, _answers = workbook
    rows = _dicts(book["Public figures"])
    shares = [row for row in rows if row["figure"] == "favorable %"]
    assert shares
    assert all(row["favorable_means"].startswith("% who answered: ") for row in shares)
    assert all(not row["favorable_means"] for row in rows if row["figure"] != "favorable %")
