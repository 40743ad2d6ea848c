"""The periods a public results page shows: calendar months, quarters, or named periods.

A period's figures are published only once it has closed (its last day before today),
and then frozen (surveys/frozen_releases.py). A page's periods never overlap, and a
period partly overlapping a stored one of the same survey (from any page) is refused
(`overlaps_partly`), so no two releases can be subtracted to read the answers of the few
people in between.

Named periods are written one per line, the first day, the last day and a name:

    2026-01-01 2026-03-31 Winter survey
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext, gettext_lazy as _

MONTHS, QUARTERS, NAMED, WINDOW = "months", "quarters", "named", "window"
PERIOD_KINDS = [
    (WINDOW, _("One period: the dates below")),
    (MONTHS, _("Calendar months")),
    (QUARTERS, _("Quarters")),
    (NAMED, _("Named periods (below)")),
]
MAX_NAMED = 60
NAME_LENGTH = 80
_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class Period:
    key: str  # stable, in addresses (?period=…) and in stored releases
    start: datetime.date | None
    end: datetime.date
    name: str = ""  # the organizer's name of a named period

    def is_closed(self, today: datetime.date) -> bool:
        return self.end < today

    def holds(self, day: datetime.date) -> bool:
        return (self.start is None or self.start <= day) and day <= self.end

    @property
    def label(self) -> str:
        """The period in the reader's language (or the organizer's own name)."""
        if self.name:
            return self.name
        if self.key.count("-") == 1 and self.key[5:].isdigit():  # a month: 2026-03
            return formats.date_format(self.end, "YEAR_MONTH_FORMAT")
        if "-q" in self.key:
            return gettext("Quarter %(quarter)s, %(year)s") % {
                "quarter": self.key[-1],
                "year": self.key[:4],
            }
        end = formats.date_format(self.end, "DATE_FORMAT")
        if self.start is None:
            return gettext("Until %(end)s") % {"end": end}
        start = formats.date_format(self.start, "DATE_FORMAT")
        return gettext("%(start)s to %(end)s") % {"start": start, "end": end}


class PeriodError(ValueError):
    """Named periods that cannot be used; the message says why, in the reader's language."""


def parse_named(text: str) -> list[Period]:
    """The named periods in `text`, one per line; PeriodError names the first problem."""
    periods = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise PeriodError(
                gettext(
                    "Line %(line)s: write the first day, the last day and a name, like "
                    "“2026-01-01 2026-03-31 Winter”."
                )
                % {"line": number}
            )
        try:
            start = datetime.date.fromisoformat(match[1])
            end = datetime.date.fromisoformat(match[2])
        except ValueError:
            raise PeriodError(gettext("Line %(line)s: not a date.") % {"line": number}) from None
        if end < start:
            raise PeriodError(
                gettext("Line %(line)s: the period ends before it starts.") % {"line": number}
            )
        if len(match[3]) > NAME_LENGTH:
            raise PeriodError(
                gettext("Line %(line)s: the name is longer than %(most)s characters.")
                % {"line": number, "most": NAME_LENGTH}
            )
        periods.append(Period(f"{start}..{end}", start, end, match[3]))
    if not periods:
        raise PeriodError(gettext("Give at least one period."))
    if len(periods) > MAX_NAMED:
        raise PeriodError(gettext("Give at most %(most)s periods.") % {"most": MAX_NAMED})
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start <= before.end:
            raise PeriodError(
                gettext(
                    "“%(first)s” and “%(second)s” overlap: periods must not share a day, "
                    "or subtracting one from the other would reveal the answers in between."
                )
                % {"first": before.name, "second": after.name}
            )
    if len({p.name for p in periods}) != len(periods):
        raise PeriodError(gettext("Two periods have the same name."))
    return ordered


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def calendar_periods(kind: str, first: datetime.date, last: datetime.date) -> list[Period]:
    """The months or quarters from the one holding `first` to the one holding `last`."""
    step = 3 if kind == QUARTERS else 1
    year, month = first.year, first.month - (first.month - 1) % step
    periods = []
    while datetime.date(year, month, 1) <= last:
        end = _month_end(year, month + step - 1) if month + step - 1 <= 12 else None
        end = end or _month_end(year, 12)
        key = f"{year}-q{(month - 1) // 3 + 1}" if step == 3 else f"{year}-{month:02d}"
        periods.append(Period(key, datetime.date(year, month, 1), end))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return periods


def overlaps_partly(
    start: datetime.date | None,
    end: datetime.date,
    other_start: datetime.date | None,
    other_end: datetime.date,
) -> bool:
    """Two periods that share a day without being the same days (one holding the other
    counts): subtracting one from the other reads the answers of the days between."""
    if (start, end) == (other_start, other_end):
        return False
    apart = (other_start is not None and end < other_start) or (
        start is not None and other_end < start
    )
    return not apart
