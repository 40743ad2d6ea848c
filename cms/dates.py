"""Days that staff type into filters and commands: plausible ones only.

A survey's answers are dated to the day; a filter, split or period outside these years
can only be a slip of the keyboard (0001-01-01 once ended in an OverflowError when a day
before it was computed). Every staff form and command that takes a day checks it here.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


def check_plausible(day: datetime.date) -> None:
    """Raise ValidationError, with a plain message, for a day outside EARLIEST..LATEST."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            gettext("Give a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
            code="implausible_date",
        )


def parse_day(value: str) -> datetime.date:
    """A plausible day from YYYY-MM-DD text; ValueError with a plain message otherwise."""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"'{value}' is not a date (YYYY-MM-DD).") from error
    try:
        check_plausible(day)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error
    return day


def day_field(label, **options) -> forms.DateField:
    """An optional, plausible date, picked with the browser's own date input."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[check_plausible],
        **options,
    )
