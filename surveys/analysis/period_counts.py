"""Counts for the trends (surveys/analysis/impact_report.py): answers and responses by
month or quarter, the period computed by the database from the day."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from ..models import Answer, Response
from .counts import Selection, _answer_filter_sql


def _period_index_sql(unit: str) -> str | None:
    """SQL for the consecutive month (or quarter) index of answer `a`'s day, as
    trends.period_index computes it; None on a database without one here (the caller
    then groups with the ORM)."""
    if connection.vendor == "sqlite":  # days are stored as YYYY-MM-DD text
        year = "CAST(substr(a.submitted_on, 1, 4) AS INTEGER)"
        month = "CAST(substr(a.submitted_on, 6, 2) AS INTEGER)"
    elif connection.vendor == "postgresql":
        year = "CAST(EXTRACT(YEAR FROM a.submitted_on) AS INTEGER)"
        month = "CAST(EXTRACT(MONTH FROM a.submitted_on) AS INTEGER)"
    else:
        return None
    if unit == "quarter":
        return f"({year} * 4 + ({month} - 1) / 3)"
    return f"({year} * 12 + {month} - 1)"


def period_value_counts(
    selection: Selection, keys: Sequence[str], unit: str
) -> list[tuple[str, int | None, str | None, float | None, int, int]] | None:
    """Released answers to `keys` counted by question, neighborhood, code, number and
    month (or quarter) index: (key, neighborhood, code, number, period, count). One
    GROUP BY over the covering index, the period computed by the database from the day
    (no per-row function call back into Python, as Django's TruncMonth is on SQLite).
    None on a database this does not know (the caller groups with the ORM)."""
    period = _period_index_sql(unit)
    if period is None or not keys:
        return None if period is None else []
    where, params = _answer_filter_sql(selection)
    placeholders = ", ".join(["%s"] * len(keys))
    sql = f"""
        SELECT a.key, a.neighborhood_id, a.code, a.number, {period}, COUNT(*)
        FROM {Answer._meta.db_table} a
        WHERE {where} AND a.key IN ({placeholders})
        GROUP BY a.key, a.neighborhood_id, a.code, a.number, {period}
    """  # noqa: S608 (identifiers are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keys])
        return cursor.fetchall()


def period_respondent_counts(selection: Selection, unit: str) -> dict[tuple, int] | None:
    """Released responses counted by neighborhood and month (or quarter) index:
    {(neighborhood, period): responses}; None on a database this does not know."""
    period = _period_index_sql(unit)
    if period is None:
        return None
    where, params = _answer_filter_sql(selection)
    sql = f"""
        SELECT a.neighborhood_id, {period}, COUNT(*)
        FROM {Response._meta.db_table} a
        WHERE {where}
        GROUP BY a.neighborhood_id, {period}
    """  # noqa: S608 (identifiers are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(hood, int(p)): count for hood, p, count in cursor.fetchall()}
