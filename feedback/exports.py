"""Feedback as spreadsheet rows, and a workbook of them.

`feedback_rows` is the one source for every sheet of feedback (this app's command and
the analyst workbook). Public rows carry only what the public page may show; the
original text is included only for moderators. Every text cell is neutralised against
formula injection and written as a string.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import xlsxwriter

from .models import Feedback
from .selectors import public_feedback

# A spreadsheet treats text starting with these as a formula (or DDE) on some readers.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")

# What a public row may carry: the public page's fields, nothing about when it was sent.
PUBLIC_HEADER = [
    "id",
    "published_on",
    "topic",
    "neighborhood",
    "language",
    "public_text",
    "reply",
    "reply_language",
    "replied_on",
]
MODERATOR_HEADER = [
    "id",
    "submitted_on",
    "published_on",
    "topic",
    "neighborhood",
    "language",
    "status",
    "may_publish",
    "original_text",
    "public_text",
    "reply",
    "reply_language",
    "replied_on",
]


def neutralise(value):
    """`value` safe for a spreadsheet cell: text that a reader could run as a formula gets
    a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _day(value) -> datetime.date | None:
    """A date as a date: spreadsheets sort and filter it as one."""
    return value or None


CELLS = {
    "id": lambda item: str(item.key),
    "submitted_on": lambda item: _day(item.submitted_on),
    "published_on": lambda item: _day(item.published_on),
    "topic": lambda item: item.topic.code,
    "neighborhood": lambda item: item.neighborhood.code if item.neighborhood else "",
    "language": lambda item: item.language,
    "status": lambda item: item.status,
    "may_publish": lambda item: "yes" if item.may_publish else "no",
    "original_text": lambda item: item.text,
    "public_text": lambda item: item.public_text,
    "reply": lambda item: item.reply,
    # Replies written before the language was asked were in the site's default language.
    "reply_language": lambda item: item.reply_lang if item.reply else "",
    "replied_on": lambda item: _day(item.replied_on),
}


def feedback_rows(*, include_original: bool) -> Iterator[list]:
    """The header, then one row per item: every item with its original text when
    `include_original` (moderators only), else only published items' public text."""
    if include_original:
        yield list(MODERATOR_HEADER)
        items = Feedback.objects.select_related("topic", "neighborhood").order_by(
            "submitted_on", "key"
        )
    else:
        yield list(PUBLIC_HEADER)
        items = public_feedback().order_by("published_on", "key")
    header = MODERATOR_HEADER if include_original else PUBLIC_HEADER
    for item in items.iterator(chunk_size=2000):
        # Only the header's fields are read: public rows never load the original.
        yield [neutralise(CELLS[name](item)) for name in header]


def write_feedback_xlsx(path: Path | str, *, include_original: bool) -> int:
    """Write a one-sheet workbook of `feedback_rows`; returns the number of items."""
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Feedback")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    count = -1
    for row_index, row in enumerate(feedback_rows(include_original=include_original)):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(row_index, column, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, column, value, day)
            else:
                sheet.write(row_index, column, value)
        count += 1
    workbook.close()
    return count
