"""SQL aggregates: the only place the analysis touches the database.

Every function returns a small table — counts per (neighborhood, question, code or
number), per respondent cell, sums of item products — computed by the database with
GROUP BY. Nothing here loops over answers in Python. Answers carry their response's
survey, neighborhood, status and day, so counting them needs no join: one index-only
scan of `answer_analysis`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Q, Value, When

from ..models import Answer, Response, SurveyPage

NO_NEIGHBORHOOD = None


@dataclass(frozen=True)
class Selection:
    """Which responses to analyse."""

    survey: SurveyPage
    since: datetime.date | None = None
    until: datetime.date | None = None
    include_partial: bool = False
    split_at: datetime.date | None = None  # periods: before / from this day

    def response_lookups(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}survey": self.survey.responses_survey})
        if not self.include_partial:
            q &= Q(**{f"{prefix}status": Response.Status.COMPLETE})
        if self.since:
            q &= Q(**{f"{prefix}submitted_on__gte": self.since})
        if self.until:
            q &= Q(**{f"{prefix}submitted_on__lte": self.until})
        return q

    def period_of(self, field_name: str):
        """0 before `split_at`, 1 from it on; all 0 without a split."""
        if self.split_at is None:
            return Value(0, output_field=IntegerField())
        return Case(
            When(**{f"{field_name}__lt": self.split_at}, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )


@dataclass(frozen=True)
class RespondentCount:
    neighborhood: int | None
    period: int
    categories: tuple = field(default=())  # raking categories, in the order asked for
    count: int = 0


def respondent_counts(
    selection: Selection, margin_keys: Sequence[str] = ()
) -> list[RespondentCount]:
    """Responses counted by neighborhood and period, and by the codes they gave to
    `margin_keys` (the raking variables; None where not answered)."""
    relations = {
        f"margin_{i}": FilteredRelation("answers", condition=Q(answers__key=key))
        for i, key in enumerate(margin_keys)
    }
    names = [f"margin_{i}" for i in range(len(margin_keys))]
    rows = (
        Response.objects.filter(selection.response_lookups())
        .annotate(**relations)
        .annotate(
            period=selection.period_of("submitted_on"),
            **{f"{name}_code": F(f"{name}__code") for name in names},
        )
        .values("neighborhood", "period", *[f"{name}_code" for name in names])
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        RespondentCount(
            neighborhood=row["neighborhood"],
            period=row["period"],
            categories=tuple(row[f"{name}_code"] for name in names),
            count=row["count"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ValueCount:
    neighborhood: int | None
    period: int
    categories: tuple  # the respondent's raking categories (empty without raking)
    key: str
    code: str | None
    number: float | None
    count: int


def value_counts(
    selection: Selection, keys: Sequence[str], margin_keys: Sequence[str] = ()
) -> list[ValueCount]:
    """Answers counted by neighborhood, period, raking categories, question, code and
    number — one GROUP BY over answers joined to their responses."""
    relations = {
        f"margin_{i}": FilteredRelation(
            "response__answers", condition=Q(response__answers__key=key)
        )
        for i, key in enumerate(margin_keys)
    }
    names = [f"margin_{i}" for i in range(len(margin_keys))]
    rows = (
        Answer.objects.filter(selection.response_lookups(), key__in=keys)
        .filter(Q(code__isnull=False) | Q(number__isnull=False))
        .annotate(**relations)
        .annotate(
            answer_neighborhood=F("neighborhood_id"),
            period=selection.period_of("submitted_on"),
            **{f"{name}_code": F(f"{name}__code") for name in names},
        )
        .values(
            "answer_neighborhood", "period", *[f"{n}_code" for n in names], "key", "code", "number"
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        ValueCount(
            neighborhood=row["answer_neighborhood"],
            period=row["period"],
            categories=tuple(row[f"{name}_code"] for name in names),
            key=row["key"],
            code=row["code"],
            number=row["number"],
            count=row["count"],
        )
        for row in rows
    ]


def _answer_filter_sql(selection: Selection) -> tuple[str, list]:
    sql, params = ["a.survey_id = %s"], [selection.survey.responses_survey.pk]
    if not selection.include_partial:
        sql.append("a.status = %s")
        params.append(Response.Status.COMPLETE)
    if selection.since:
        sql.append("a.submitted_on >= %s")
        params.append(selection.since)
    if selection.until:
        sql.append("a.submitted_on <= %s")
        params.append(selection.until)
    return " AND ".join(sql), params


def _scored_items_sql(items: Sequence[str], reversed_items: dict[str, float]) -> tuple[str, list]:
    """A CASE that reverse-codes items: (top + 1) − x for reversed ones."""
    if not reversed_items:
        return "a.number", []
    whens, params = [], []
    for key, top in reversed_items.items():
        whens.append("WHEN a.key = %s THEN %s - a.number")
        params += [key, top + 1]
    return f"CASE {' '.join(whens)} ELSE a.number END", params


def index_score_counts(
    selection: Selection,
    items: Sequence[str],
    reversed_items: dict[str, float],
    minimum_items: int,
) -> list[tuple[int | None, int, float, int]]:
    """Respondents counted by neighborhood, period and index score (the mean of their
    substantive item answers, reverse-coded), among those who answered `minimum_items`
    or more items: (neighborhood, period, score, count)."""
    where, where_params = _answer_filter_sql(selection)
    value, value_params = _scored_items_sql(items, reversed_items)
    period = "0"
    period_params: list = []
    if selection.split_at:
        period, period_params = (
            "CASE WHEN a.submitted_on < %s THEN 0 ELSE 1 END",
            [selection.split_at],
        )
    placeholders = ", ".join(["%s"] * len(items))
    sql = f"""
        SELECT neighborhood, period, score, COUNT(*) FROM (
            SELECT a.neighborhood_id AS neighborhood, {period} AS period,
                   AVG({value}) AS score, COUNT(*) AS answered
            FROM {Answer._meta.db_table} a
            WHERE {where} AND a.key IN ({placeholders}) AND a.number IS NOT NULL
            GROUP BY a.response_id, a.neighborhood_id, a.submitted_on
        ) scored
        WHERE answered >= %s
        GROUP BY neighborhood, period, score
    """  # noqa: S608 (identifiers are ours; values are parameters)
    params = [*period_params, *value_params, *where_params, *items, minimum_items]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(n, int(p), float(s), int(c)) for n, p, s, c in cursor.fetchall()]


def item_moments(
    selection: Selection, items: Sequence[str], reversed_items: dict[str, float]
) -> tuple[int, list[float], list[list[float]]]:
    """For respondents who answered every item: their number, Σx per item and Σxᵢxⱼ per
    pair (reverse-coded) — what the items' covariance matrix needs."""
    where, where_params = _answer_filter_sql(selection)
    value, value_params = _scored_items_sql(items, reversed_items)
    columns, column_params = [], []
    for key in items:
        columns.append(f"MAX(CASE WHEN a.key = %s THEN {value} END)")
        column_params += [key, *value_params]
    aliases = [f"i{index}" for index in range(len(items))]
    pivot = ", ".join(
        f"{column} AS {alias}" for column, alias in zip(columns, aliases, strict=True)
    )
    sums = [f"SUM({alias})" for alias in aliases]
    products = [f"SUM({a} * {b})" for i, a in enumerate(aliases) for b in aliases[i:]]
    placeholders = ", ".join(["%s"] * len(items))
    sql = f"""
        SELECT COUNT(*), {", ".join(sums + products)} FROM (
            SELECT {pivot}, COUNT(*) AS answered
            FROM {Answer._meta.db_table} a
            WHERE {where} AND a.key IN ({placeholders}) AND a.number IS NOT NULL
            GROUP BY a.response_id
        ) pivoted
        WHERE answered = %s
    """  # noqa: S608 (identifiers are ours; values are parameters)
    params = [*column_params, *where_params, *items, len(items)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    n, k = int(row[0] or 0), len(items)
    totals = [float(v or 0) for v in row[1 : 1 + k]]
    flat = iter(float(v or 0) for v in row[1 + k :])
    cross = [[0.0] * k for _ in range(k)]
    for i in range(k):
        for j in range(i, k):
            cross[i][j] = cross[j][i] = next(flat)
    return n, totals, cross


def answered_counts(
    selection: Selection, keys: Sequence[str], margin_keys: Sequence[str] = ()
) -> list[tuple[int | None, int, tuple, str, int]]:
    """Respondents who answered each of `keys` (multiple choice: once, however many codes
    they chose), by neighborhood, period and raking categories:
    (neighborhood, period, categories, key, respondents)."""
    relations = {
        f"margin_{i}": FilteredRelation(
            "response__answers", condition=Q(response__answers__key=key)
        )
        for i, key in enumerate(margin_keys)
    }
    names = [f"margin_{i}" for i in range(len(margin_keys))]
    rows = (
        Answer.objects.filter(selection.response_lookups(), key__in=keys)
        .annotate(**relations)
        .annotate(
            answer_neighborhood=F("neighborhood_id"),
            period=selection.period_of("submitted_on"),
            **{f"{name}_code": F(f"{name}__code") for name in names},
        )
        .values("answer_neighborhood", "period", *[f"{n}_code" for n in names], "key")
        .annotate(respondents=Count("response", distinct=True))
        .order_by()
    )
    return [
        (
            row["answer_neighborhood"],
            row["period"],
            tuple(row[f"{name}_code"] for name in names),
            row["key"],
            row["respondents"],
        )
        for row in rows
    ]
