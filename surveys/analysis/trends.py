"""Monthly or quarterly series of a question's headline measure, per neighborhood and
city-wide, and the neighborhood × period cells the impact regression reads.

Each period is post-stratified on its own to the **same** neighborhood populations (a
respondent of neighborhood h in period t weighs N_h / n_ht, n_ht the respondents of h in
t), so a month in which one neighborhood answered far more moves no city-wide figure.
Estimates and intervals are the report's own (estimates.py, design.py): the favorable
share with its Wilson interval on Kish's effective n, or the mean with its t interval.
Groups with fewer than k answers are marked suppressed; unreliable ones say why.

Pure: rows in, results out (surveys/analysis/impact_report.py runs the queries).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .design import Design
from .estimates import Observation, estimate
from .impact import Cells
from .suppression import unreliable_reasons

FAVORABLE = "favorable proportion"
MEAN = "mean"
UNITS = ("month", "quarter")


def period_index(day: datetime.date, unit: str) -> int:
    """Consecutive integers: months (or quarters) since year 0."""
    if unit == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year * 12 + day.month - 1


def period_label(index: int, unit: str) -> str:
    if unit == "quarter":
        return f"{index // 4}-Q{index % 4 + 1}"
    return f"{index // 12}-{index % 12 + 1:02d}"


def period_start(index: int, unit: str) -> datetime.date:
    if unit == "quarter":
        return datetime.date(index // 4, (index % 4) * 3 + 1, 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Row:
    """`count` answers of `code` / `number` in neighborhood `neighborhood`, period
    `period` (an index)."""

    neighborhood: object
    period: int
    code: str | None
    number: float | None
    count: int


@dataclass
class Point:
    period: int
    n: int
    estimate: float | None
    se: float | None
    ci: tuple[float, float] | None
    suppressed: bool
    unreliable: bool
    reasons: list[str] = field(default_factory=list)


@dataclass
class Series:
    neighborhood: object  # None: city-wide
    points: list[Point]


@dataclass
class QuestionSeries:
    measure: str  # FAVORABLE or MEAN
    series: list[Series]  # city-wide first
    cells: Cells  # neighborhood × period means of the headline outcome, for impact.py
    neighborhoods: list  # the neighborhood of each index in `cells`


def question_series(
    rows: Sequence[Row],
    respondents: Mapping[tuple, float],
    populations: Mapping | None,
    *,
    favorable: Sequence[str],
    non_substantive: frozenset[str],
    k: int,
    designs: dict | None = None,
) -> QuestionSeries:
    """The series of one question. `respondents`: {(neighborhood, period): responses};
    `populations`: {neighborhood: N}, or None for unweighted series. Rows without a
    neighborhood count city-wide only when unweighted. `designs`, a dict kept across the
    questions of one survey (same respondents and populations), holds each period's
    weights and design so they are built once, not once per question."""
    measure = FAVORABLE if favorable else MEAN
    weighted = populations is not None
    by_period: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        if row.neighborhood is None and weighted:
            continue
        by_period[row.period].append(row)
    hoods = sorted({r.neighborhood for r in rows if r.neighborhood is not None}, key=repr)
    position = {hood: i for i, hood in enumerate(hoods)}
    series = {hood: Series(hood, []) for hood in [None, *hoods]}
    cell_rows = []
    for period in sorted(by_period):
        weights, design = _period_design(respondents, populations, period, designs)
        observations = [
            Observation(r.neighborhood, weights.get(r.neighborhood, 1.0), r.code, r.number, r.count)
            for r in by_period[period]
        ]
        groups: dict = defaultdict(list)
        for obs in observations:
            groups[None].append(obs)
            if obs.stratum is not None:
                groups[obs.stratum].append(obs)
        for hood, obs in groups.items():
            result = estimate(
                obs,
                design=design,
                non_substantive=non_substantive,
                favorable_codes=favorable,
                weighted=weighted,
            )
            series[hood].points.append(period_point(period, result, measure, k))
        chosen = set(favorable) if measure == FAVORABLE else None
        for obs in observations:
            if obs.stratum is None:
                continue
            value = cell_value(obs.code, obs.number, chosen, non_substantive)
            if value is not None:
                cell_rows.append((position[obs.stratum], period, value, obs.weight, obs.count))
    return QuestionSeries(measure, list(series.values()), Cells.from_rows(cell_rows), hoods)


def cell_value(
    code: str | None, number: float | None, favorable: set | None, non_substantive
) -> float | None:
    """An answer's value in the regression cells: 1/0 for favorable or not (with
    `favorable` codes), else its number; None for "don't know" and the like, or an answer
    without that value."""
    if code is not None and code in non_substantive:
        return None
    if favorable is not None:
        return None if code is None else float(code in favorable)
    return number


def _period_design(respondents, populations, period, designs) -> tuple[dict, Design | None]:
    """The weights and design of `period` (from `designs` when built already)."""
    if designs is not None and period in designs:
        return designs[period]
    weights = _weights(respondents, populations, period)
    design = (
        Design(
            {(h,): respondents[(h, period)] for h in weights},
            weights={(h,): w for h, w in weights.items()},
        )
        if populations is not None
        else None
    )
    if designs is not None:
        designs[period] = (weights, design)
    return weights, design


def _weights(respondents, populations, period) -> dict:
    """Each neighborhood's post-stratification weight within `period`."""
    if populations is None:
        return {}
    return {
        hood: populations[hood] / n
        for (hood, p), n in respondents.items()
        if p == period and hood is not None and n > 0 and hood in populations
    }


def period_point(period: int, result, measure: str, k: int) -> Point:
    if measure == FAVORABLE:
        favorable = result.favorable
        value = favorable["p"] if favorable else None
        se = favorable["se"] if favorable else None
        ci = tuple(favorable["ci"]) if favorable else None
    else:
        value, se, ci = result.mean, result.se, result.ci
    reasons = unreliable_reasons(result)
    return Point(
        period, result.n, value, se, ci, result.n < k, bool(reasons) or value is None, reasons
    )
