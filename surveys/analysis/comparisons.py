"""Comparing neighborhoods and periods: omnibus tests, pairwise tests, changes.

Categorical questions: Pearson's chi-square (Fisher for sparse 2×2), Cramér's V, and
pairwise chi-square/Fisher. Ordinal and numeric: Kruskal–Wallis, ε², and Dunn's test.
Pairwise p-values are adjusted with Holm and Benjamini–Hochberg within each question.
All work on count tables; the pairwise statistics are computed for all pairs at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from scipy import stats

from .estimates import Estimate
from .statistics import (
    RankSummary,
    TestResult,
    benjamini_hochberg,
    chi_square_test,
    epsilon_squared,
    fisher_exact,
    holm,
    kruskal_wallis,
    normal_two_sided_p,
    t_quantile,
    t_two_sided_p,
    wilson_interval,
)


class Pairwise(NamedTuple):
    """Two neighborhoods compared (a tuple: a question of 50 neighborhoods has 1,225)."""

    a: str
    b: str
    statistic: float
    p_value: float
    p_holm: float
    p_bh: float


def _adjusted(
    groups: Sequence[str], first, second, statistics: list[float], p_values: list[float]
) -> list[Pairwise]:
    """Pairs (groups[first[i]], groups[second[i]]) with Holm and BH adjusted p-values."""
    return list(
        map(
            Pairwise,
            [groups[i] for i in first],
            [groups[j] for j in second],
            statistics,
            p_values,
            holm(p_values),
            benjamini_hochberg(p_values),
        )
    )


def compare_categories(
    table: Mapping[str, Mapping[str, float]], codes: Sequence[str], *, small_group: int
) -> tuple[TestResult, list[Pairwise]]:
    """Neighborhoods × codes: the omnibus test and every pair of neighborhoods."""
    groups = sorted(g for g in table if sum(table[g].get(c, 0) for c in codes) > 0)
    matrix = np.array([[table[g].get(c, 0) for c in codes] for g in groups], dtype=float)
    if len(groups) < 2 or len(codes) < 2:
        return TestResult("Pearson's chi-square test of independence", math.nan, None, math.nan), []
    test = chi_square_test(matrix)
    test = _with_small_group_warning(test, matrix.sum(axis=1), small_group)
    first, second = np.triu_indices(len(groups), k=1)
    statistics, p_values = _pairwise_chi_square(matrix, first, second)
    return test, _adjusted(groups, first.tolist(), second.tolist(), statistics, p_values)


def _pairwise_chi_square(matrix: np.ndarray, first, second) -> tuple[list[float], list[float]]:
    """Chi-square for every pair of rows at once (Yates when df = 1; Fisher for a sparse
    2×2)."""
    pairs = np.stack([matrix[first], matrix[second]], axis=1)  # (pairs, 2, codes)
    used = pairs.sum(axis=1) > 0  # codes present in the pair
    row_totals = pairs.sum(axis=2, keepdims=True)
    col_totals = pairs.sum(axis=1, keepdims=True)
    total = pairs.sum(axis=(1, 2), keepdims=True)
    expected = np.where(total > 0, row_totals * col_totals / np.maximum(total, 1), 0)
    df = (used.sum(axis=1) - 1).astype(float)
    yates = (df == 1)[:, None, None]
    difference = np.abs(pairs - expected)
    difference = np.where(yates, np.maximum(difference - 0.5, 0), difference)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, difference**2 / expected, 0)
    statistic = terms.sum(axis=(1, 2))
    p_values = np.where(df > 0, stats.chi2.sf(statistic, np.maximum(df, 1)), 1.0)
    statistics, p_list = statistic.tolist(), p_values.tolist()
    smallest = np.where(used[:, None, :], expected, np.inf).min(axis=(1, 2))
    for index in np.flatnonzero((df == 1) & (smallest < 5)).tolist():
        sub = pairs[index][:, used[index]]
        statistics[index], p_list[index] = float(sub[0, 0]), fisher_exact(sub)
    return statistics, p_list


def compare_ranks(
    distributions: Mapping[str, Mapping[float, float]], *, small_group: int
) -> tuple[TestResult, list[Pairwise]]:
    """Kruskal–Wallis across neighborhoods, ε², and Dunn's test for every pair."""
    groups = sorted(g for g in distributions if sum(distributions[g].values()) > 0)
    summary = kruskal_wallis([distributions[g] for g in groups])
    test = TestResult(
        "Kruskal–Wallis rank-sum test",
        summary.statistic,
        float(summary.df),
        summary.p_value,
        "epsilon-squared",
        epsilon_squared(summary.statistic, summary.n),
    )
    test = _with_small_group_warning(test, summary.sizes, small_group)
    if len(groups) < 2 or not math.isfinite(summary.statistic):
        return test, []
    first, second = np.triu_indices(len(groups), k=1)
    statistics, p_values = _dunn_all_pairs(summary, first, second)
    return test, _adjusted(groups, first.tolist(), second.tolist(), statistics, p_values)


def _dunn_all_pairs(summary: RankSummary, first, second) -> tuple[list[float], list[float]]:
    """Dunn's z and two-sided p for every pair of groups at once."""
    n = summary.n
    sizes = np.array(summary.sizes, dtype=float)
    ranks = np.array(summary.mean_ranks, dtype=float)
    variance = (n * (n + 1) / 12 - summary.tie_sum / (12 * (n - 1))) * (
        1 / sizes[first] + 1 / sizes[second]
    )
    z = (ranks[second] - ranks[first]) / np.sqrt(variance)
    p = 2 * stats.norm.sf(np.abs(z))
    return z.tolist(), p.tolist()


def _with_small_group_warning(test: TestResult, sizes, small_group: int) -> TestResult:
    small = sum(1 for size in sizes if 0 < size < small_group)
    if not small:
        return test
    warning = f"{small} group(s) have fewer than {small_group} answers"
    return TestResult(**{**test.__dict__, "warnings": (*test.warnings, warning)})


@dataclass
class PeriodChange:
    neighborhood: str | None
    before: dict
    after: dict
    change: float | None
    ci: tuple[float, float] | None
    test: str
    p_value: float | None
    p_bh: float | None = None
    measure: str = "mean"
    notes: list[str] = field(default_factory=list)


def period_change(
    neighborhood: str | None,
    before: Estimate,
    after: Estimate,
    *,
    favorable_counts: tuple[tuple[float, float], tuple[float, float]] | None,
    weighted: bool,
) -> PeriodChange:
    """The change from `before` to `after`: in the mean when there is one, otherwise in
    the favorable proportion."""
    summary = {
        "before": {"n": before.n, "mean": before.mean, "favorable": before.favorable},
        "after": {"n": after.n, "mean": after.mean, "favorable": after.favorable},
    }
    if (
        before.mean is not None
        and after.mean is not None
        and before.se is not None
        and (after.se is not None)
    ):
        change = after.mean - before.mean
        if weighted:
            se = math.hypot(before.se, after.se)
            return PeriodChange(
                neighborhood,
                **summary,
                change=change,
                ci=(change - 1.96 * se, change + 1.96 * se),
                test="z-test on the difference of weighted means",
                p_value=normal_two_sided_p(change / se) if se > 0 else (0.0 if change else None),
                notes=[] if se > 0 else ["No variation within either period."],
            )
        # Welch's t-test from the two periods' means and standard errors.
        se = math.hypot(before.se, after.se)
        df = _welch_df(before, after)
        half = t_quantile(0.975, df) * se
        notes = []
        if se > 0:
            p_value = t_two_sided_p(change / se, df)
        elif change:  # every answer the same within each period, but not across: t is infinite
            p_value, notes = 0.0, ["No variation within either period."]
        else:
            p_value, notes = None, ["No variation in either period: no test."]
        return PeriodChange(
            neighborhood,
            **summary,
            change=change,
            ci=(change - half, change + half),
            test="Welch's t-test",
            p_value=p_value,
            notes=notes,
        )
    if before.favorable and after.favorable and favorable_counts:
        (yes_before, n_before), (yes_after, n_after) = favorable_counts
        p1, p2 = before.favorable["p"], after.favorable["p"]
        l1, u1 = wilson_interval(p1 * n_before, n_before)
        l2, u2 = wilson_interval(p2 * n_after, n_after)
        change = p2 - p1
        # Newcombe's hybrid score interval for a difference of proportions.
        ci = (
            change - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
            change + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
        )
        table = [[yes_before, n_before - yes_before], [yes_after, n_after - yes_after]]
        test = chi_square_test(table)
        return PeriodChange(
            neighborhood,
            **summary,
            change=change,
            ci=ci,
            test=test.name,
            p_value=test.p_value,
            measure="favorable proportion",
        )
    return PeriodChange(
        neighborhood,
        **summary,
        change=None,
        ci=None,
        test="none",
        p_value=None,
        notes=["Not enough answers in one of the periods."],
    )


def _welch_df(a: Estimate, b: Estimate) -> float:
    va, vb = a.se**2, b.se**2
    denominator = va * va / max(a.n_mean - 1, 1) + vb * vb / max(b.n_mean - 1, 1)
    return (va + vb) ** 2 / denominator if denominator else 1.0


def adjust_changes(changes: list[PeriodChange]) -> None:
    """Benjamini–Hochberg across neighborhoods (the city-wide change is not in the family)."""
    family = [c for c in changes if c.neighborhood is not None and c.p_value is not None]
    for change, adjusted in zip(
        family, benjamini_hochberg([c.p_value for c in family]), strict=True
    ):
        change.p_bh = adjusted
