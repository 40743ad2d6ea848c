"""Estimates for one question in one group (a neighborhood or the whole city).

The input is a list of `Observation`s — how many respondents of a stratum and weight
class gave one code or number — drawn from the count tables; the output is an
`Estimate`: n, effective n, counts and percentages per code, mean, standard deviation,
standard error and interval, and the favorable proportion with its Wilson interval.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from .design import Cell, Design, weighted_estimate
from .statistics import mean_interval, wilson_interval


@dataclass(frozen=True)
class Observation:
    """`count` respondents of `stratum` with weight `weight` answered `code` / `number`;
    `cell` is their calibration cell (neighborhood, raking categories...)."""

    stratum: Hashable
    weight: float
    code: str | None
    number: float | None
    count: float
    cell: tuple = ()

    @property
    def calibration_cell(self) -> tuple:
        return self.cell or (self.stratum,)


@dataclass
class Estimate:
    n: int
    n_effective: float
    counts: dict[str, float] = field(default_factory=dict)  # respondents per code
    percent: dict[str, float] = field(default_factory=dict)  # weighted, substantive codes
    mean: float | None = None
    sd: float | None = None
    se: float | None = None
    ci: tuple[float, float] | None = None
    favorable: dict | None = None  # {"p", "ci"}
    total: float | None = None  # weighted estimate of the population total (numbers)
    total_se: float | None = None
    n_mean: int = 0  # substantive numeric answers: the mean's n (n counts "don't know" too)
    df: float | None = None  # degrees of freedom of the mean's t interval
    # Numbers: the two largest answers by size and the sum of all sizes, unweighted (the
    # dominance rule of public means, surveys/disclosure/dominance.py).
    largest: tuple[float, ...] = ()
    magnitude: float = 0.0

    @property
    def relative_se(self) -> float | None:
        if self.mean in (None, 0) or self.se is None:
            return None
        return abs(self.se / self.mean)


def estimate(
    observations: Sequence[Observation],
    *,
    design: Design | None,
    non_substantive: frozenset[str],
    favorable_codes: Sequence[str] = (),
    respondents: tuple[float, float] | None = None,
    weighted: bool = False,
) -> Estimate:
    """Everything reported for one question in one group.

    `respondents` — (how many answered, their total weight) — is given for multiple
    choice, where percentages are of respondents, not of codes chosen.
    """
    counts: dict[str, float] = defaultdict(float)
    weighted_counts: dict[str, float] = defaultdict(float)
    numbers, answered = [], 0.0
    for obs in observations:  # one pass: a report makes about 50 estimates per question
        answered += obs.count
        if obs.code is not None:
            counts[obs.code] += obs.count
            weighted_counts[obs.code] += obs.weight * obs.count
        if obs.number is not None:
            numbers.append(obs)
    n = int(respondents[0] if respondents else sum(counts.values()) or answered)
    substantive = {c: w for c, w in weighted_counts.items() if c not in non_substantive}
    base = respondents[1] if respondents else sum(substantive.values())
    percent = {c: 100 * w / base for c, w in substantive.items()} if base else {}
    # Reliability rests on substantive answers: "don't know" says nothing about the mean.
    informative = [o for o in observations if o.code is None or o.code not in non_substantive]
    n_informative = n if respondents else _n(informative)
    result = Estimate(n=n, n_effective=_kish(informative) if weighted else float(n_informative))
    result.counts = dict(counts)
    result.percent = percent
    if numbers:
        _add_mean(result, numbers, design, weighted)
    if favorable_codes:
        result.favorable = _favorable(
            observations, favorable_codes, non_substantive, design, weighted
        )
    return result


def _n(observations: Iterable[Observation]) -> int:
    return int(sum(o.count for o in observations))


def _kish(observations: Sequence[Observation]) -> float:
    total = sum(o.weight * o.count for o in observations)
    squares = sum(o.weight * o.weight * o.count for o in observations)
    return total * total / squares if squares else 0.0


def _add_mean(result: Estimate, numbers, design: Design | None, weighted: bool) -> None:
    n = result.n_mean = _n(numbers)
    sizes = sorted(((abs(o.number), o.count) for o in numbers), reverse=True)
    result.largest = tuple(size for size, count in sizes[:2] for _ in range(min(int(count), 2)))[:2]
    result.magnitude = sum(size * count for size, count in sizes)
    if weighted:
        cells = [Cell(o.calibration_cell, o.weight, o.number, o.count) for o in numbers]
        fit = weighted_estimate(cells, design)
        result.mean, result.se = fit.mean, fit.se
        result.total, result.total_se = fit.total, fit.total_se
        result.n_effective = fit.n_effective
        df = max(fit.df, 1)
    else:
        df = n - 1
        result.mean = sum(o.number * o.count for o in numbers) / n
    if n > 1:
        mean = result.mean
        total_w = sum(o.weight * o.count for o in numbers)
        variance = sum(o.weight * o.count * (o.number - mean) ** 2 for o in numbers) / total_w
        result.sd = math.sqrt(variance * n / (n - 1))
        if not weighted:
            # All weights equal: the same sum of squares gives the standard error.
            result.se = result.sd / math.sqrt(n)
    if result.se is not None and n > 1:
        result.df = df
        result.ci = mean_interval(result.mean, result.se, df)


def _favorable(observations, codes, non_substantive, design, weighted) -> dict | None:
    """Share answering a favorable code, among substantive answers, with a Wilson interval
    (weighted: effective n), its standard error (weighted: linearised) and the degrees
    of freedom that go with it."""
    chosen = set(codes)
    answering = [o for o in observations if o.code is not None and o.code not in non_substantive]
    if not answering:
        return None
    if weighted:
        cells = [
            Cell(o.calibration_cell, o.weight, 1.0 if o.code in chosen else 0.0, o.count)
            for o in answering
        ]
        fit = weighted_estimate(cells, design)
        p, n_eff, se, df = fit.mean, fit.n_effective, fit.se, fit.df
    else:
        n_eff = float(_n(answering))
        p = sum(o.count for o in answering if o.code in chosen) / n_eff
        se, df = math.sqrt(p * (1 - p) / n_eff), n_eff - 1
    low, high = wilson_interval(p * n_eff, n_eff)
    return {"p": p, "ci": (low, high), "se": se, "df": df, "n": _n(answering)}


def index_estimate(
    scores: Sequence[Observation],
    *,
    design: Design | None,
    favorable_at_least: float | None,
    weighted: bool,
) -> Estimate:
    """An index is reported like a numeric question; favorable is a score threshold."""
    result = Estimate(n=_n(scores), n_effective=_kish(scores) if weighted else float(_n(scores)))
    if scores:
        _add_mean(result, list(scores), design, weighted)
    if favorable_at_least is not None and scores:
        marked = [
            Observation(
                o.stratum,
                o.weight,
                "1" if o.number >= favorable_at_least - 1e-9 else "0",
                None,
                o.count,
                o.cell,
            )
            for o in scores
        ]
        result.favorable = _favorable(marked, ("1",), frozenset(), design, weighted)
    return result
