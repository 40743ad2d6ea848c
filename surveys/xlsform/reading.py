"""An XLSForm workbook's sheets as plain rows, and its languages.

XLSForm puts one language per column (`label::Español (es)`); rows are read into
dictionaries keyed by (column, language) with the spreadsheet's own row numbers, so
every problem can point at the cell to fix.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from openpyxl.workbook.workbook import Workbook

from .problems import Problem, XLSFormError
from .safety import CellBudget, refuse, sheet_rows

SHEETS = ("survey", "choices", "settings")
# Columns that XLSForm writes once per language (`label::Español (es)`); in others
# (`media::image`) what follows `::` is not a language.
TRANSLATED_COLUMNS = frozenset(
    {
        "label",
        "hint",
        "guidance_hint",
        "constraint_message",
        "required_message",
        "form_title",
        # A rating's end labels, in exporting.py's own columns.
        "confianza::min_label",
        "confianza::max_label",
        # A condition in the organizer's words.
        "confianza::relevant_hint",
    }
)
_LANGUAGE_COLUMN = re.compile(r"^(?P<column>.+)::\s*(?P<language>[^:]+?)\s*$")
_CODE_IN_NAME = re.compile(r"\(\s*(?P<code>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\s*\)$")


def language_code(name: str) -> str:
    """`English (en)` -> `en`; `Español` or `Spanish` -> `es`; unknown names stay as given."""
    name = name.strip()
    match = _CODE_IN_NAME.search(name)
    if match:
        return match.group("code").lower().replace("_", "-")
    lowered = name.lower()
    for code, info in LANG_INFO.items():
        names = (code, info.get("name", ""), info.get("name_local", ""))
        if lowered in (n.lower() for n in names if n):
            return code
    return name


@dataclass
class Row:
    number: int
    cells: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def get(self, column: str, language: str | None = None) -> str:
        return self.cells.get((column, language), "")

    def text(self, column: str, language: str | None, default_language: str | None) -> str:
        """The column in `language`, else in the default language, else unmarked."""
        for candidate in (language, default_language, None):
            value = self.cells.get((column, candidate), "")
            if value:
                return value
        return ""

    @property
    def empty(self) -> bool:
        return not any(self.cells.values())


@dataclass
class Sheet:
    name: str
    rows: list[Row]
    languages: list[str]  # language codes of columns such as label::X, in column order


def read_sheets(workbook: Workbook) -> dict[str, Sheet]:
    """The survey, choices and settings sheets (names compared without case)."""
    by_name = {name.strip().lower(): name for name in workbook.sheetnames}
    if "survey" not in by_name:
        raise XLSFormError(
            [Problem("survey", None, gettext("The workbook has no 'survey' sheet."))]
        )
    budget = CellBudget()
    sheets = {}
    for name in SHEETS:
        if name in by_name:
            try:
                sheets[name] = _read_sheet(workbook, by_name[name], name, budget)
            except XLSFormError:
                raise
            except Exception as error:  # a damaged part is found only as it is read
                raise refuse(
                    gettext("The sheet could not be read (%(error)s).")
                    % {"error": type(error).__name__},
                    name,
                ) from error
    return sheets


def _read_sheet(workbook: Workbook, title: str, name: str, budget: CellBudget) -> Sheet:
    rows = sheet_rows(workbook, title, budget)
    header = next(rows, ())
    columns = [_column(value) for value in header]
    languages = []
    for column in columns:
        if column and column[1] and column[1] not in languages:
            languages.append(column[1])
    result = []
    for number, values in enumerate(rows, start=2):
        row = Row(number)
        for column, value in zip(columns, values, strict=False):
            if column is not None and value is not None:
                row.cells[column] = cell_text(value)
        if not row.empty:
            result.append(row)
    return Sheet(name, result, languages)


def _column(value) -> tuple[str, str | None] | None:
    text = cell_text(value)
    if not text:
        return None
    match = _LANGUAGE_COLUMN.match(text)
    if match and match.group("column").strip().lower() in TRANSLATED_COLUMNS:
        return match.group("column").strip().lower(), language_code(match.group("language"))
    return text.lower(), None


def cell_text(value) -> str:
    """A cell's value as the text XLSForm means (1.0 -> "1", TRUE -> "true")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.date().isoformat() if isinstance(value, datetime.datetime) else str(value)
    return str(value).strip()
