"""Opening an uploaded spreadsheet as the hostile file it may be.

An .xlsx is a zip of XML files. openpyxl parses XML through defusedxml (installed:
no entity expansion or external entities) but inflates zip entries without limits,
so a few kilobytes can expand to gigabytes. Everything that can be checked from the
zip's directory is checked here BEFORE openpyxl reads a byte of XML: the file's size,
that it is a zip, the number of entries, each entry's and the total inflated size,
the compression ratio, and that it carries no macros. A zip whose directory lies
about sizes fails its CRC check when read, and is refused then. Rows are read
through `sheet_rows`, which stops at a cap on cells however the sheet declares its
size.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import openpyxl
from django.utils.translation import gettext
from openpyxl.workbook.workbook import Workbook

from .problems import Problem, XLSFormError

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ENTRY_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_CELLS = 200_000
MAX_COLUMNS = 200
MACRO_MARKERS = ("vbaproject", "macroenabled", "activex")


def refuse(reason: str, sheet: str = "", row: int | None = None) -> XLSFormError:
    return XLSFormError([Problem(sheet, row, reason)])


def open_workbook(file_or_path: str | os.PathLike | IO[bytes]) -> Workbook:
    """The workbook in `file_or_path`, read-only, values not formulas; raises XLSFormError."""
    data = _read_capped(file_or_path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(gettext("This is not an .xlsx file (an .xlsx file is a zip archive)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_archive(archive)
    except zipfile.BadZipFile as error:
        raise refuse(gettext("The .xlsx file is damaged.")) from error
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises anything from KeyError to XML errors.
        raise refuse(
            gettext("The file could not be read as an .xlsx spreadsheet (%(error)s).")
            % {"error": type(error).__name__}
        ) from error


def _read_capped(file_or_path) -> bytes:
    if isinstance(file_or_path, str | os.PathLike):
        with Path(file_or_path).open("rb") as file:
            return _read_capped(file)
    if hasattr(file_or_path, "seek"):
        file_or_path.seek(0)
    data = file_or_path.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise refuse(
            gettext("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )
    return data


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse zip bombs and macro-carrying workbooks from the zip's directory alone."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise refuse(gettext("The .xlsx file holds too many parts to be a form."))
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or ratio > MAX_RATIO:
            raise refuse(
                gettext("The .xlsx file inflates to far more than a form could need; refused.")
            )
        if any(marker in entry.filename.lower() for marker in MACRO_MARKERS):
            raise refuse(_macros())
    if "[Content_Types].xml" not in archive.namelist():
        raise refuse(gettext("The file is a zip archive but not an .xlsx spreadsheet."))
    content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    if any(marker in content_types for marker in MACRO_MARKERS):
        raise refuse(_macros())


def _macros() -> str:
    return gettext("The workbook contains macros; save it as a plain .xlsx without macros.")


class CellBudget:
    """How many more cells may be read from one workbook."""

    def __init__(self, limit: int | None = None):
        self.left = MAX_CELLS if limit is None else limit

    def spend(self, count: int, sheet: str) -> None:
        self.left -= count
        if self.left < 0:
            raise refuse(
                gettext("The sheet has more than %(limit)d cells; a form never needs that many.")
                % {"limit": MAX_CELLS},
                sheet,
            )


def uncached_formulas(file_or_path, name: str, budget: CellBudget) -> list[tuple[int, int]]:
    """The cells of sheet `name` (row and column, from 1) holding a formula whose value
    was never calculated: read for values, they would be blank. Call after
    `open_workbook` has checked the file."""
    data = _read_capped(file_or_path)
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    found = []
    try:
        pairs = zip(
            formulas[name].iter_rows(max_col=MAX_COLUMNS, values_only=True),
            values[name].iter_rows(max_col=MAX_COLUMNS, values_only=True),
            strict=False,
        )
        for number, (written, calculated) in enumerate(pairs, start=1):
            budget.spend(max(len(written), 1), name)
            for column, (formula, value) in enumerate(zip(written, calculated, strict=False)):
                if isinstance(formula, str) and formula.startswith("=") and value is None:
                    found.append((number, column + 1))
    finally:
        formulas.close()
        values.close()
    return found


def sheet_rows(workbook: Workbook, name: str, budget: CellBudget) -> Iterator[tuple]:
    """The values of the rows of sheet `name`, at most MAX_COLUMNS wide, within `budget`."""
    worksheet = workbook[name]
    for row in worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
        budget.spend(max(len(row), 1), name)
        yield row
