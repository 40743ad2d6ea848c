"""The API's query parameters, read strictly: an unknown name or a bad value is a 400
with a plain message, before anything is read or written.

Filters are the admin export's (`ExportOptions`, surveys/exports/options.py), checked
by the same rules. The responses cursor is opaque: a signed (day, id) of the last
response of a page, so a page starts where the last one ended, whatever was added since.
"""

from __future__ import annotations

import datetime
import uuid

from django.core import signing
from django.http import QueryDict

from cms.dates import parse_day

from ..exports.options import ExportError, ExportOptions
from .requests import ApiError

FILTERS = {"since", "until", "neighborhood", "channel", "include_partial"}
PERIODS = {"split_at", "compare", "weights"}
DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
CURSOR_SALT = "confianza.api.cursor"


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def check_names(query: QueryDict, allowed: set[str]) -> None:
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise bad_request(
            f"Unknown parameter(s): {', '.join(unknown)}. Known: {', '.join(sorted(allowed))}."
        )


def one(query: QueryDict, name: str) -> str:
    values = query.getlist(name)
    if len(values) > 1:
        raise bad_request(f"Give '{name}' once.")
    return values[0].strip() if values else ""


def day(query: QueryDict, name: str) -> datetime.date | None:
    value = one(query, name)
    if not value:
        return None
    try:
        return parse_day(value)
    except ValueError as error:
        raise bad_request(f"{name}: {error}") from error


def flag(query: QueryDict, name: str) -> bool:
    value = one(query, name).lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise bad_request(f"{name}: use true or false, not '{value}'.")


def choice(query: QueryDict, name: str, choices: tuple[str, ...]) -> str:
    value = one(query, name) or choices[0]
    if value not in choices:
        raise bad_request(f"{name}: use one of {', '.join(choices)}, not '{value}'.")
    return value


def limit(query: QueryDict) -> int:
    value = one(query, "limit")
    if not value:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise bad_request(f"limit: a whole number from 1 to {MAX_LIMIT}, not '{value}'.")
    return int(value)


def _periods(query: QueryDict) -> tuple[tuple[datetime.date, datetime.date], ...] | None:
    ranges = query.getlist("compare")
    if not ranges:
        return None
    if len(ranges) != 2:
        raise bad_request("compare: give two periods, compare=FROM:TO&compare=FROM:TO.")
    periods = []
    for text in ranges:
        start, separator, end = text.partition(":")
        if not separator:
            raise bad_request(f"compare: '{text}' is not a period (YYYY-MM-DD:YYYY-MM-DD).")
        try:
            periods.append((parse_day(start), parse_day(end)))
        except ValueError as error:
            raise bad_request(f"compare: {error}") from error
    return tuple(periods)


def export_options(query: QueryDict, *, periods: bool = False) -> ExportOptions:
    """The filters (and, for the report, the periods and weighting) as export options."""
    extra = {}
    if periods:
        extra = {
            "split_at": day(query, "split_at"),
            "compare": _periods(query),
            "weighting": choice(query, "weights", ("none", "neighborhood", "rake")),
        }
        if extra["split_at"] and extra["compare"]:
            raise bad_request("Use split_at or compare, not both.")
    try:
        options = ExportOptions(
            format="csv",
            since=day(query, "since"),
            until=day(query, "until"),
            neighborhoods=tuple(v.strip() for v in query.getlist("neighborhood") if v.strip()),
            channel=one(query, "channel"),
            include_partial=flag(query, "include_partial"),
            **extra,
        )
        options.check_neighborhoods()
    except ExportError as error:
        raise bad_request(str(error)) from error
    return options


def encode_cursor(submitted_on: datetime.date, response_id: str) -> str:
    return signing.dumps([submitted_on.isoformat(), str(response_id)], salt=CURSOR_SALT)


def decode_cursor(query: QueryDict) -> tuple[datetime.date, uuid.UUID] | None:
    value = one(query, "cursor")
    if not value:
        return None
    try:
        submitted_on, response_id = signing.loads(value, salt=CURSOR_SALT)
        return datetime.date.fromisoformat(submitted_on), uuid.UUID(response_id)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise bad_request(
            "This cursor is not one the API gave: use the 'next' link of the previous page."
        ) from error
