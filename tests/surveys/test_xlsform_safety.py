"""Uploaded spreadsheets are hostile until proven otherwise: refused before parsing."""

import io
import os
import struct
import zipfile

import openpyxl
import pytest
from wagtail.models import Page

from surveys.xlsform import safety
from surveys.xlsform.importing import read_xlsform
from surveys.xlsform.pages import import_xlsform
from surveys.xlsform.problems import XLSFormError
from tests.data.make_xlsforms import HERE, workbook

FIXTURE = HERE / "xlsform_trust.xlsx"


@pytest.fixture
def never_parsed(monkeypatch):
    """Fails the test if openpyxl is asked to parse the file."""

    def parse(*args, **kwargs):
        raise AssertionError("openpyxl parsed a file that should have been refused")

    monkeypatch.setattr(safety.openpyxl, "load_workbook", parse)


def rezipped(extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None):
    """The fixture's zip with entries added or replaced."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(FIXTURE) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            z.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    out.seek(0)
    return out


def zipped(entries: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def reasons(file) -> str:
    return " ".join(problem.reason for problem in read_xlsform(file).problems)


def test_openpyxl_parses_xml_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


@pytest.mark.parametrize(
    ("file", "reason"),
    [
        (io.BytesIO(b"type,name,label\ntext,a,A?\n"), "not an .xlsx file"),
        (io.BytesIO(b"\0" * (safety.MAX_FILE_BYTES + 1)), "larger than 5 MB"),
        # A zip bomb: a megabyte of zeros squeezed into a kilobyte.
        (zipped({"xl/worksheets/sheet1.xml": b"\0" * 2**20}), "inflates to far more"),
        (zipped({f"part{i}.xml": b"x" for i in range(safety.MAX_ENTRIES + 1)}), "too many parts"),
        (zipped({"hello.txt": b"hello"}), "not an .xlsx spreadsheet"),
        (rezipped(extra={"xl/vbaProject.bin": b"\x01macro"}), "contains macros"),
        (
            rezipped(
                replace={
                    "[Content_Types].xml": b'<Types><Default Extension="bin" ContentType='
                    b'"application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>'
                }
            ),
            "contains macros",
        ),
    ],
    ids=["not-a-zip", "too-big", "zip-bomb", "too-many-entries", "not-xlsx", "xlsm", "macro-type"],
)
def test_hostile_files_are_refused_before_parsing(never_parsed, file, reason):
    assert reason in reasons(file)


def test_huge_entries_and_totals_are_refused(never_parsed, monkeypatch):
    monkeypatch.setattr(safety, "MAX_ENTRY_BYTES", 1000)
    assert "inflates to far more" in reasons(zipped({"a.xml": os.urandom(2000)}))
    monkeypatch.setattr(safety, "MAX_ENTRY_BYTES", 10_000)
    monkeypatch.setattr(safety, "MAX_TOTAL_BYTES", 3000)
    assert "inflates to far more" in reasons(zipped({"a.xml": os.urandom(2000), "b": b"12" * 600}))


def test_a_file_too_big_is_never_read_whole(tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"\0" * (safety.MAX_FILE_BYTES + 10))
    with pytest.raises(XLSFormError, match="larger than"):
        safety.open_workbook(path)


def test_a_sheet_declaring_a_million_rows_stops_at_the_cell_cap():
    book = openpyxl.Workbook()
    book.active.title = "survey"
    book.active["A1"], book.active["A1000000"] = "type", "text"
    buffer = io.BytesIO()
    book.save(buffer)
    assert "more than 200000 cells" in reasons(buffer)


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAX_CELLS", 50)
    rows = [("type", "name", "label")] + [("text", f"q{i}", f"Q{i}?") for i in range(30)]
    buffer = io.BytesIO()
    workbook({"survey": rows}).save(buffer)
    problems = read_xlsform(buffer).problems
    assert [(p.sheet, p.reason) for p in problems] == [
        ("survey", "The sheet has more than 50 cells; a form never needs that many.")
    ]


def test_xml_entities_are_refused_by_defusedxml():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>'
    )
    file = rezipped(replace={"xl/worksheets/sheet1.xml": bomb})
    assert "could not be read" in reasons(file)


def test_a_workbook_without_a_survey_sheet_is_refused():
    buffer = io.BytesIO()
    workbook({"questions": [("type", "name", "label")]}).save(buffer)
    assert reasons(buffer) == "The workbook has no 'survey' sheet."


@pytest.mark.django_db
def test_a_refused_file_writes_nothing(home):
    count = Page.objects.count()
    with pytest.raises(XLSFormError, match="macros"):
        import_xlsform(rezipped(extra={"xl/vbaProject.bin": b"x"}), parent=home)
    assert Page.objects.count() == count


def lying_about_size(archive: io.BytesIO, name: str, declared: int) -> io.BytesIO:
    """`archive` with `name`'s inflated size understated in both zip headers."""
    data = bytearray(archive.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header
    central = data.find(
        b"PK\x01\x02" + bytes(data[info.header_offset + 4 : info.header_offset + 6])
    )
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, declared)  # central directory
    return io.BytesIO(bytes(data))


def test_a_zip_that_understates_an_entry_is_refused_when_read():
    bomb = b"<worksheet>" + b" " * 5 * 2**20 + b"</worksheet>"
    file = lying_about_size(
        rezipped(replace={"xl/worksheets/sheet1.xml": bomb}), "xl/worksheets/sheet1.xml", 4000
    )
    assert reasons(file).endswith("(BadZipFile).")
