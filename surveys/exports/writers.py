"""Sheets to files: XLSX through xlsxwriter's constant-memory mode, CSV through `csv`.

xlsxwriter in constant-memory mode writes each row to disk as it comes and keeps none;
measured here it writes the same matrix about twice as fast as openpyxl's write-only
mode (docs/BENCHMARKS.md). Cells are written by type, never through xlsxwriter's
guessing `write()`: a text is always a text cell, never a formula or a link.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from .cells import csv_text, is_dangerous

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_TEXT = 32_767
# Lines end in a line feed, as PostgreSQL's COPY writes them (pg_copy.py), so that a CSV
# export is the same whichever way it was written; every CSV reader accepts it.
CSV_LINE_END = "\n"


@dataclass
class Sheet:
    """A sheet to write: a title (at most 31 characters), a header and rows."""

    title: str
    header: list[str]
    rows: Iterable[list]
    widths: list[int] | None = None
    # Counts from 1 to k−1 in these columns are highlighted: (column indices, k).
    small_counts: tuple[frozenset[int], int] | None = None
    # Footnotes (what a blank or a dash means), under the table after a blank row.
    notes: tuple[str, ...] = ()


class TooManyRows(ValueError):
    pass


def write_xlsx(path: Path, sheets: Iterable[Sheet]) -> None:
    # Constant-memory mode keeps each sheet's rows in a temporary file until the end:
    # responses, so they go in a new folder of their own beside `path` (named after it),
    # removed here, or by `delete_expired_exports` if the process was killed.
    scratch = Path(tempfile.mkdtemp(dir=path.parent, prefix=f"{path.name}.", suffix=".tmp"))
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": str(scratch),
        },
    )
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    quoted = workbook.add_format({"quote_prefix": True})
    small = workbook.add_format({"bg_color": "#FFD966", "font_color": "#7F0000"})
    try:
        for sheet in sheets:
            _write_sheet(workbook, sheet, bold, day, quoted, small)
    finally:
        try:
            workbook.close()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _write_sheet(workbook, sheet: Sheet, bold, day, quoted, small) -> None:
    worksheet = workbook.add_worksheet(sheet.title[:31])
    widths = sheet.widths or [max(10, min(len(str(name)) + 2, 40)) for name in sheet.header]
    for index, width in enumerate(widths):
        worksheet.set_column(index, index, width)
    worksheet.freeze_panes(1, 0)
    worksheet.write_row(0, 0, sheet.header, bold)
    write_string, write_number = worksheet.write_string, worksheet.write_number
    write_date = worksheet.write_datetime
    flagged, k = sheet.small_counts or (frozenset(), 0)
    number = 0
    for number, row in enumerate(sheet.rows, start=1):
        if number >= EXCEL_MAX_ROWS:
            raise TooManyRows(f"More than {EXCEL_MAX_ROWS - 1} rows do not fit in one sheet.")
        for column, value in enumerate(row):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if len(value) > EXCEL_MAX_TEXT:
                    value = value[:EXCEL_MAX_TEXT]
                if is_dangerous(value):
                    write_string(number, column, value, quoted)
                else:
                    write_string(number, column, value)
            elif kind is int and column not in flagged:
                write_number(number, column, value)
            elif kind is datetime.date:
                write_date(number, column, value, day)
            elif isinstance(value, int | float):  # bool, float, numpy's numbers
                if column in flagged and 0 < value < k:
                    write_number(number, column, float(value), small)
                elif math.isfinite(value):
                    write_number(number, column, float(value))
            else:
                write_string(number, column, str(value))
    worksheet.autofilter(0, 0, max(number, 1), max(len(sheet.header) - 1, 0))
    for offset, note in enumerate(sheet.notes, start=2):
        write_string(number + offset, 0, f"Note: {note}")


def csv_header(header: list[str], *, bom: bool = False) -> bytes:
    """The first line of a CSV file as `write_csv` writes it, as UTF-8 bytes."""
    line = io.StringIO()
    csv.writer(line, lineterminator=CSV_LINE_END).writerow(header)
    return (("\ufeff" if bom else "") + line.getvalue()).encode()


def csv_chunks(
    header: list[str],
    rows: Iterable[list],
    *,
    bom: bool = False,
    text_columns: list[int] | None = None,
    rows_per_chunk: int = 500,
) -> Iterator[bytes]:
    """A CSV file as UTF-8 bytes, a few hundred rows at a time: what `write_csv` writes
    and the API streams (surveys/api/views.py). `text_columns`, when given, are the only
    columns that can hold text from outside (the others hold codes, numbers and dates):
    only they are checked for formula injection."""
    yield csv_header(header, bom=bom)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=CSV_LINE_END)
    for count, row in enumerate(rows, start=1):
        if text_columns is None:
            row = [csv_text(value) for value in row]
        else:
            for index in text_columns:
                row[index] = csv_text(row[index])
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def write_csv(
    path: Path,
    header: list[str],
    rows: Iterable[list],
    *,
    bom: bool = False,
    text_columns: list[int] | None = None,
) -> None:
    """Write a CSV file (see `csv_chunks`)."""
    with path.open("wb") as file:
        for chunk in csv_chunks(header, rows, bom=bom, text_columns=text_columns):
            file.write(chunk)
