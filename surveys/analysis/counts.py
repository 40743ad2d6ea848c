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

DateRange = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class Selection:
    """Which responses to analyse, and the two periods to compare, if any: split at a
    day (before it / from it on) or two date ranges (only answers in one of them count).
    """

    survey: SurveyPage
    since: datetime.date | None = None
    until: datetime.date | None = None
    include_partial: bool = False
    split_at: datetime.date | None = None
    compare: tuple[DateRange, DateRange] | None = None

    def __post_init__(self):
        if self.split_at and self.compare:
            raise ValueError("Split at a day or compare two date ranges, not both.")
        if self.compare:
            (a_start, a_end), (b_start, b_end) = self.compare
            if a_start > a_end or b_start > b_end:
                raise ValueError("A date range ends before it starts.")
            if a_start <= b_end and b_start <= a_end:
                raise ValueError("The two date ranges overlap.")

    @property
    def has_periods(self) -> bool:
        return bool(self.split_at or self.compare)

    @property
    def first_period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """Inclusive bounds of period 0; everything else selected is period 1."""
        if self.compare:
            return self.compare[0]
        if self.split_at:
            return (None, self.split_at - datetime.timedelta(days=1))
        return (None, None)

    def response_lookups(self, prefix: str = "") -> Q:
        # Released responses only: what staff see anywhere (surveys/release.py).
        q = Q(**{f"{prefix}survey": self.survey.responses_survey, f"{prefix}released": True})
        if not self.include_partial:
            q &= Q(**{f"{prefix}status": Response.Status.COMPLETE})
        if self.since:
            q &= Q(**{f"{prefix}submitted_on__gte": self.since})
        if self.until:
            q &= Q(**{f"{prefix}submitted_on__lte": self.until})
        if self.compare:
            first, second = self.compare
            q &= Q(**{f"{prefix}submitted_on__range": first}) | Q(
                **{f"{prefix}submitted_on__range": second}
            )
        return q

    def period_of(self, field_name: str):
        """0 in the first period, 1 in the second; all 0 without periods."""
        if not self.has_periods:
            return Value(0, output_field=IntegerField())
        start, end = self.first_period
        bounds = {f"{field_name}__lte": end}
        if start:
            bounds[f"{field_name}__gte"] = start
        return Case(When(**bounds, then=Value(0)), default=Value(1), output_field=IntegerField())


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
    responses, margins = _with_margins(
        Response.objects.filter(selection.response_lookups()), selection, margin_keys, "answers"
    )
    rows = (
        responses.values("neighborhood", "period", *margins).annotate(count=Count("id")).order_by()
    )
    return [
        RespondentCount(
            neighborhood=row["neighborhood"],
            period=row["period"],
            categories=tuple(row[margin] for margin in margins),
            count=row["count"],
        )
        for row in rows
    ]


def _with_margins(queryset, selection: Selection, margin_keys: Sequence[str], answers: str):
    """`queryset` annotated with each row's period and, per raking question, the code the
    respondent gave it (`answers`: the path to the respondent's answers); and the names
    of those code columns, in the order of `margin_keys`."""
    relations = {
        f"margin_{i}": FilteredRelation(answers, condition=Q(**{f"{answers}__key": key}))
        for i, key in enumerate(margin_keys)
    }
    codes = {f"{name}_code": F(f"{name}__code") for name in relations}
    annotated = queryset.annotate(**relations).annotate(
        period=selection.period_of("submitted_on"), **codes
    )
    return annotated, list(codes)


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
    number. Without raking, one index-only GROUP BY; with raking, answers are joined to
    their respondents' answers to the margin questions."""
    wanted = set(keys)
    if margin_keys:
        rows = _value_counts_with_margins(selection, keys, margin_keys)
    else:
        rows = _value_counts_by_index(selection)
    return [
        ValueCount(hood, period, categories, key, code, number, count)
        for hood, period, categories, key, code, number, count in rows
        if key in wanted and (code is not None or number is not None)
    ]


def _value_counts_by_index(selection: Selection) -> list[tuple]:
    """Every answer of the survey counted in the order of the `answer_analysis` index, so
    the database groups as it reads the index. Grouping by an expression (the period)
    would make it sort first, so the periods are counted side by side instead. Keys are
    filtered by the caller: the few extra groups cost less than an IN list."""
    where, params = _answer_filter_sql(selection)
    before, before_params = "0", []
    if selection.has_periods:
        condition, before_params = _first_period_sql(selection)
        before = f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"
    sql = f"""
        SELECT a.key, a.neighborhood_id, a.code, a.number, {before}, COUNT(*)
        FROM {Answer._meta.db_table} a
        WHERE {where}
        GROUP BY a.key, a.neighborhood_id, a.code, a.number
    """  # noqa: S608 (identifiers are ours; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*before_params, *params])
        fetched = cursor.fetchall()
    rows = []
    for key, hood, code, number, earlier, count in fetched:
        if not selection.has_periods:
            rows.append((hood, 0, (), key, code, number, count))
            continue
        for period, n in ((0, int(earlier)), (1, count - int(earlier))):
            if n:
                rows.append((hood, period, (), key, code, number, n))
    return rows


def _value_counts_with_margins(
    selection: Selection, keys: Sequence[str], margin_keys: Sequence[str]
) -> list[tuple]:
    answers, margins = _with_margins(
        Answer.objects.filter(selection.response_lookups(), key__in=keys),
        selection,
        margin_keys,
        "response__answers",
    )
    rows = (
        answers.values("neighborhood", "period", *margins, "key", "code", "number")
        .annotate(count=Count("*"))
        .order_by()
    )
    return [
        (
            row["neighborhood"],
            row["period"],
            tuple(row[margin] for margin in margins),
            row["key"],
            row["code"],
            row["number"],
            row["count"],
        )
        for row in rows
    ]


def _first_period_sql(selection: Selection) -> tuple[str, list]:
    """SQL true when answer `a` is in the first period."""
    start, end = selection.first_period
    if start is None:
        return "a.submitted_on <= %s", [end]
    return "a.submitted_on BETWEEN %s AND %s", [start, end]


def _period_sql(selection: Selection) -> tuple[str, list]:
    """SQL for the period of an answer `a`: 0 in the first period, 1 in the second."""
    if not selection.has_periods:
        return "0", []
    condition, params = _first_period_sql(selection)
    return f"CASE WHEN {condition} THEN 0 ELSE 1 END", params


def _answer_filter_sql(selection: Selection) -> tuple[str, list]:
    """`response_lookups` for the answer rows read by SQL: released answers only, in the
    order of the `answer_analysis` index (survey, status, released)."""
    sql, params = ["a.survey_id = %s"], [selection.survey.responses_survey.pk]
    if not selection.include_partial:
        sql.append("a.status = %s")
        params.append(Response.Status.COMPLETE)
    sql.append("a.released = %s")
    params.append(True)
    if selection.since:
        sql.append("a.submitted_on >= %s")
        params.append(selection.since)
    if selection.until:
        sql.append("a.submitted_on <= %s")
        params.append(selection.until)
    if selection.compare:
        sql.append("(a.submitted_on BETWEEN %s AND %s OR a.submitted_on BETWEEN %s AND %s)")
        params += [*selection.compare[0], *selection.compare[1]]
    return " AND ".join(sql), params


def _scored_items_sql(items: Sequence[str], reversed_items: dict[str, float]) -> tuple[str, list]:
    """A CASE that reverse-codes items: (min + max) − x for reversed ones, given as
    {key: min + max}."""
    if not reversed_items:
        return "a.number", []
    whens, params = [], []
    for key, ends in reversed_items.items():
        whens.append("WHEN a.key = %s THEN %s - a.number")
        params += [key, ends]
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
    period, period_params = _period_sql(selection)
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
    answers, margins = _with_margins(
        Answer.objects.filter(selection.response_lookups(), key__in=keys),
        selection,
        margin_keys,
        "response__answers",
    )
    rows = (
        answers.values("neighborhood", "period", *margins, "key")
        .annotate(respondents=Count("response", distinct=True))
        .order_by()
    )
    return [
        (
            row["neighborhood"],
            row["period"],
            tuple(row[margin] for margin in margins),
            row["key"],
            row["respondents"],
        )
        for row in rows
    ]
