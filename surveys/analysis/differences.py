"""Pairwise differences between neighborhoods, with intervals and adjusted p-values.

For each question, every pair of neighborhoods (a, b) gets the difference a − b in the
question's headline measure — its favorable share where it has one, its mean otherwise —
with a 95% interval and a p-value:

- unweighted: means by Welch's t-test (R `t.test`); favorable shares by Newcombe's hybrid
  score interval with Pearson's chi-square or Fisher's test (R `prop.test`,
  `fisher.test`), as period changes are (periods.py);
- weighted: the weighted estimates with the linearised variance of the contrast,
  Var(a) + Var(b) − 2 Cov(a, b), the covariance from the calibration residuals (zero
  under post-stratification to neighborhoods, not under raking), and t on the two
  neighborhoods' degrees of freedom, (n_a − 1) + (n_b − 1). R: `svyttest(y ~ hood,
  subset(design, hood %in% c(a, b)))`, or `svycontrast` on `svyglm(y ~ 0 + hood, design)`
  (tests/data/pairwise_reference.R).

Adjusted p-values are set by `adjust_families`: the organizer's primary questions form
one Holm family (confirmatory); with primary questions named, every other question's
pairs are adjusted with Benjamini–Hochberg within the question (exploratory); with none
named, with Holm within each question.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import NamedTuple

import numpy as np
from scipy import special

from .design import Design
from .estimates import Estimate, Observation
from .periods import FAVORABLE, MEAN, two_by_two
from .statistics import benjamini_hochberg, holm

HOLM, BH = "holm", "bh"
PRIMARY, QUESTION = "primary", "question"
WELCH = "Welch's t-test"
CHI_SQUARE = "Pearson's chi-square test of independence"
WEIGHTED_TESTS = {
    MEAN: "t-test on the difference of weighted means",
    FAVORABLE: "t-test on the difference of weighted proportions",
}
_Z = 1.959963984540054  # the normal quantile of a 95% Wilson interval


class Difference(NamedTuple):
    """Neighborhood a minus neighborhood b (codes), in `measure`; None: not computed."""

    a: str
    b: str
    measure: str
    difference: float | None
    ci: tuple[float, float] | None
    test: str
    p_value: float | None
    se: float | None
    df: float | None
    p_adjusted: float | None
    adjustment: str  # holm or bh
    family: str  # primary (every pair of every primary question together) or question


def _values(column: np.ndarray) -> list[float | None]:
    """The column as floats, None for NaN (not computed)."""
    return [None if x != x else x for x in column.tolist()]


@dataclass
class Differences:
    """A question's pairs as columns (50 neighborhoods make 1,225 pairs a question, so
    they are computed with arrays); iterating gives each pair as a `Difference`."""

    codes: list[str] = field(default_factory=list)
    first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    second: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    measure: str = ""
    difference: np.ndarray = field(default_factory=lambda: np.zeros(0))
    low: np.ndarray = field(default_factory=lambda: np.zeros(0))
    high: np.ndarray = field(default_factory=lambda: np.zeros(0))
    se: np.ndarray = field(default_factory=lambda: np.zeros(0))
    df: np.ndarray = field(default_factory=lambda: np.zeros(0))
    p_value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    tests: list[str] = field(default_factory=list)
    p_adjusted: np.ndarray = field(default_factory=lambda: np.zeros(0))
    adjustment: str = HOLM
    family: str = QUESTION

    def __len__(self) -> int:
        return len(self.first)

    def __iter__(self) -> Iterator[Difference]:
        count, codes = len(self), self.codes
        intervals = [
            None if low != low else (low, high)
            for low, high in zip(self.low.tolist(), self.high.tolist(), strict=True)
        ]
        return map(
            Difference,
            [codes[i] for i in self.first.tolist()],
            [codes[j] for j in self.second.tolist()],
            repeat(self.measure, count),
            _values(self.difference),
            intervals,
            self.tests,
            _values(self.p_value),
            _values(self.se),
            _values(self.df),
            _values(self.p_adjusted),
            repeat(self.adjustment, count),
            repeat(self.family, count),
        )


def headline_measure(groups: Sequence[tuple[str, Estimate]]) -> str | None:
    """FAVORABLE where the groups have a favorable share, MEAN where they have a mean."""
    if any(e.favorable for _, e in groups):
        return FAVORABLE
    if any(e.mean is not None for _, e in groups):
        return MEAN
    return None


def pairwise_differences(
    groups: Sequence[tuple[str, Estimate]],
    *,
    weighted: bool,
    observations: dict[str, list[Observation]] | None = None,
    design: Design | None = None,
    favorable_codes: Iterable[str] = (),
    non_substantive: frozenset[str] = frozenset(),
) -> Differences:
    """Every pair of `groups` ((code, estimate), in report order). Weighted, the
    covariances come from each group's `observations` and the calibration `design`."""
    measure = headline_measure(groups)
    if measure is None or len(groups) < 2:
        return Differences()
    first, second = np.triu_indices(len(groups), k=1)
    result = Differences(codes=[code for code, _ in groups], first=first, second=second)
    result.measure = measure
    estimates = [e for _, e in groups]
    if weighted and design is not None and observations is not None:
        score = (
            _mean_score
            if measure == MEAN
            else _favorable_score(set(favorable_codes), non_substantive)
        )
        covariance = _covariance(
            [(e, observations.get(code, [])) for code, e in groups], design, measure, score
        )
        _weighted(result, estimates, measure, covariance)
    elif measure == MEAN:
        _welch(result, estimates)
    else:
        _newcombe(result, estimates)
    result.p_adjusted = np.full(len(first), math.nan)
    return result


def _column(estimates, read) -> np.ndarray:
    return np.array([_nan(read(e)) for e in estimates], dtype=float)


def _nan(value) -> float:
    return math.nan if value is None else float(value)


def _t(result: Differences, difference, se, df, tests) -> None:
    """A t-test and interval per pair (periods.t_result, for arrays)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(se > 0, 2 * special.stdtr(df, -np.abs(difference / se)), math.nan)
        p = np.where((se == 0) & (difference != 0), 0.0, p)
        # One quantile per distinct df (weighted pairs share few): stdtrit is slow.
        distinct, where = np.unique(np.maximum(np.nan_to_num(df, nan=1.0), 1), return_inverse=True)
        half = special.stdtrit(distinct, 0.975)[where] * se
    result.difference, result.se, result.df, result.p_value = difference, se, df, p
    result.low, result.high = difference - half, difference + half
    result.tests = _named(tests, difference)


def _named(tests: list[str], difference: np.ndarray) -> list[str]:
    """Each pair's test, "none" where no difference could be computed."""
    computed = np.isfinite(difference).tolist()
    return [test if ok else "none" for test, ok in zip(tests, computed, strict=True)]


def _welch(result: Differences, estimates) -> None:
    """a − b in means: Welch's t (R t.test)."""
    mean, se = _column(estimates, lambda e: e.mean), _column(estimates, lambda e: e.se)
    n = np.array([max(e.n_mean - 1, 1) for e in estimates], dtype=float)
    a, b = result.first, result.second
    va, vb = se[a] ** 2, se[b] ** 2
    denominator = va * va / n[a] + vb * vb / n[b]
    with np.errstate(invalid="ignore", divide="ignore"):
        df = np.where(denominator > 0, (va + vb) ** 2 / denominator, 1.0)
    _t(result, mean[a] - mean[b], np.sqrt(va + vb), df, [WELCH] * len(a))


def _weighted(result: Differences, estimates, measure: str, covariance) -> None:
    """a − b in weighted estimates, the contrast's variance from the covariance matrix,
    t on (n_a − 1) + (n_b − 1) degrees of freedom."""
    if measure == MEAN:
        level, df = _column(estimates, lambda e: e.mean), _column(estimates, lambda e: e.df)
    else:
        level = _column(estimates, lambda e: (e.favorable or {}).get("p"))
        df = _column(estimates, lambda e: (e.favorable or {}).get("df"))
    a, b = result.first, result.second
    variance = covariance[a, a] + covariance[b, b] - 2 * covariance[a, b]
    difference = np.where((df[a] > 0) & (df[b] > 0), level[a] - level[b], math.nan)
    se = np.sqrt(np.maximum(variance, 0.0))
    _t(result, difference, se, df[a] + df[b], [WEIGHTED_TESTS[measure]] * len(a))


def _newcombe(result: Differences, estimates) -> None:
    """a − b in favorable shares: Newcombe's hybrid score interval, and Pearson's
    chi-square with Yates' correction (Fisher's test where an expected count is under 5),
    as periods.favorable_change."""
    share = _column(estimates, lambda e: (e.favorable or {}).get("p"))
    n = _column(estimates, lambda e: (e.favorable or {}).get("n"))
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (share + _Z * _Z / (2 * n)) / (1 + _Z * _Z / n)
        half = _Z * np.sqrt(share * (1 - share) / n + _Z * _Z / (4 * n * n)) / (1 + _Z * _Z / n)
    lower, upper = np.maximum(0.0, centre - half), np.minimum(1.0, centre + half)
    a, b = result.first, result.second
    difference = share[a] - share[b]
    result.difference = difference
    result.low = difference - np.sqrt((share[a] - lower[a]) ** 2 + (upper[b] - share[b]) ** 2)
    result.high = difference + np.sqrt((upper[a] - share[a]) ** 2 + (share[b] - lower[b]) ** 2)
    result.se = np.full(len(a), math.nan)
    result.df = np.full(len(a), math.nan)
    yes = np.round(share * n)
    ya, yb, na, nb = yes[a], yes[b], n[a], n[b]
    total, chosen = na + nb, ya + yb
    margins = na * nb * chosen * (total - chosen)
    with np.errstate(invalid="ignore", divide="ignore"):
        smallest = np.minimum(na, nb) * np.minimum(chosen, total - chosen) / total
        cross = np.abs(ya * (nb - yb) - (na - ya) * yb)
        statistic = total * np.maximum(0.0, cross - total / 2) ** 2 / margins
    p = special.erfc(np.sqrt(statistic / 2))
    tests = [CHI_SQUARE] * len(a)
    closed = (margins > 0) & (smallest >= 5)
    for k in np.flatnonzero(~closed & np.isfinite(difference)).tolist():
        tests[k], p[k] = two_by_two(ya[k], na[k] - ya[k], yb[k], nb[k] - yb[k])
    p = np.where(np.isfinite(difference), p, math.nan)
    result.p_value = np.where(np.isfinite(p), p, math.nan)  # both shares 0 or 1: no test
    result.tests = _named(tests, difference)


def _mean_score(observation: Observation) -> float | None:
    return observation.number


def _favorable_score(chosen: set[str], non_substantive: frozenset[str]) -> Callable:
    def score(observation: Observation) -> float | None:
        if observation.code is None or observation.code in non_substantive:
            return None
        return 1.0 if observation.code in chosen else 0.0

    return score


def _covariance(groups, design: Design, measure: str, score: Callable) -> np.ndarray:
    """The linearised covariance matrix of the groups' weighted estimates.

    Each group's influence score of a respondent of weight w and value y is
    w (y − ȳ_g) / W_g; the variance is scale · Σ (z − fit)², the fit the calibration's
    (Design.fitted). With S and Q each group's per-cell sums of z and z², F the fit of
    S and m the cell sizes: Cov(g, h) = Σ scale (Q δ_gh − F_g S_h − S_g F_h + m F_g F_h).
    """
    cells = len(design.keys)
    sums = np.zeros((cells, len(groups)))
    squares = np.zeros(len(groups))
    for g, (estimate, observations) in enumerate(groups):
        level = estimate.mean if measure == MEAN else (estimate.favorable or {}).get("p")
        scored = [(o, score(o)) for o in observations]
        scored = [(o, y) for o, y in scored if y is not None]
        total = sum(o.weight * o.count for o, _ in scored)
        if level is None or total <= 0:
            continue
        per_cell: dict = defaultdict(lambda: [0.0, 0.0])
        for o, y in scored:
            z = o.weight * (y - level) / total
            per_cell[o.calibration_cell][0] += z * o.count
            per_cell[o.calibration_cell][1] += z * z * o.count
        for cell, (s, q) in per_cell.items():
            row = design.position[cell]
            sums[row, g] += s
            squares[g] += design.scale[row] * q
    fitted = design.fitted(sums)
    scale = design.scale[:, None]
    cross = (fitted * scale).T @ sums
    covariance = -(cross + cross.T) + (fitted * scale * design.sampled[:, None]).T @ fitted
    covariance[np.diag_indices(len(groups))] += squares
    return covariance


def question_differences(
    result,
    observations: Iterable[Observation],
    *,
    code_of: Callable,
    weighted: bool,
    design: Design | None,
    favorable_codes: Iterable[str] = (),
    non_substantive: frozenset[str] = frozenset(),
) -> Differences:
    """The differences of a question's (or index's) neighborhoods; `code_of` gives a
    stratum's neighborhood code. Multiple-choice questions have none."""
    if result.type == "multiple_choice":
        return Differences()
    groups = [(g.neighborhood, g.estimate) for g in result.groups if g.neighborhood]
    by_code: dict = defaultdict(list)
    for observation in observations:
        by_code[code_of(observation.stratum)].append(observation)
    return pairwise_differences(
        groups,
        weighted=weighted,
        observations=by_code,
        design=design,
        favorable_codes=favorable_codes,
        non_substantive=non_substantive,
    )


def adjust_families(results: Sequence, primary: Sequence[str]) -> None:
    """Set every difference's adjusted p-value: the differences of all `primary`
    questions together, Holm (confirmatory); each other question's within it, with
    Benjamini–Hochberg when primary questions are named and Holm when none are.
    Untested pairs (p undefined) are in no family."""
    primary_set = set(primary)
    confirmatory = [r.differences for r in results if r.key in primary_set]
    _adjust(confirmatory, HOLM, PRIMARY)
    for result in results:
        if result.key not in primary_set:
            _adjust([result.differences], BH if primary_set else HOLM, QUESTION)


def _adjust(family: list[Differences], method: str, name: str) -> None:
    pooled = np.concatenate([d.p_value for d in family]) if family else np.zeros(0)
    adjust = holm if method == HOLM else benjamini_hochberg
    adjusted = np.array(adjust(pooled), dtype=float)
    start = 0
    for differences in family:
        end = start + len(differences)
        differences.p_adjusted = adjusted[start:end]
        differences.adjustment, differences.family = method, name
        start = end


def families_statement(primary: Sequence[str]) -> str:
    """The multiple-comparison families of a report, in one paragraph (the JSON's and
    the admin's `multiple_comparisons`)."""
    periods = (
        "Period changes: Benjamini–Hochberg within each question and measure, over "
        "neighborhoods (the city-wide change is not in the family). The omnibus tests' "
        "pairwise tests (chi-square, Fisher, Dunn) carry Holm and Benjamini–Hochberg "
        "within each question."
    )
    if primary:
        return (
            "Differences between pairs of neighborhoods: the primary questions named by "
            f"the organizers ({', '.join(primary)}) form one family adjusted with Holm's "
            "method (confirmatory, family-wise error), every pair of every primary "
            "question together; every other question is exploratory, its pairs adjusted "
            "with Benjamini–Hochberg (false discovery rate) within the question. " + periods
        )
    return (
        "Differences between pairs of neighborhoods: no primary questions are named, so "
        "each question's pairs form one family adjusted with Holm's method (family-wise "
        "error). " + periods
    )


def family_summary(primary: Sequence[str]) -> dict:
    """The families as data (the JSON's `families`)."""
    return {
        "primary_questions": list(primary),
        "confirmatory": {"adjustment": HOLM, "scope": "all pairs of all primary questions"}
        if primary
        else None,
        "other_questions": {
            "adjustment": BH if primary else HOLM,
            "scope": "the pairs of each question",
        },
        "period_changes": {"adjustment": BH, "scope": "neighborhoods, per question and measure"},
    }
