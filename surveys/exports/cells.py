"""Values as spreadsheet cells: formula injection neutralised, numbers as numbers.

A text a resident typed may start with `=`, `+`, `-`, `@`, a tab or a carriage return;
a spreadsheet that reads it as a formula runs it (`=HYPERLINK(...)`, `=cmd|...`). In
XLSX, texts are always written as text cells, never formulas, and a dangerous one also
carries Excel's "quote prefix" style, so that editing the cell keeps it text. In CSV,
where there is no cell type, a dangerous text gets a leading apostrophe (OWASP's advice).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_dangerous(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_text(value: object) -> object:
    """`value` made safe for a CSV cell (texts only; numbers and dates pass)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_number(number: float | None) -> int | float | None:
    """A stored number as analysts expect it: 3, not 3.0."""
    if number is None:
        return None
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def code_value(code: str) -> int | str:
    """A choice code as a cell: a number when the code is one (1..5 on a scale), so that
    spreadsheets and statistics packages read scales as numbers; otherwise its text."""
    if code.isdigit() and (code == "0" or not code.startswith("0")):
        return int(code)
    return code
