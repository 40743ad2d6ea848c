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
    wilson_interval,
)


@dataclass(frozen=True)
class Pairwise:
    a: str
    b: str
    statistic: float
    p_value: float
    p_holm: float
    p_bh: float


def _adjusted(pairs: list[tuple[str, str, float, float]]) -> list[Pairwise]:
    p_values = [p for *_, p in pairs]
    holms, bhs = holm(p_values), benjamini_hochberg(p_values)
    return [
        Pairwise(a, b, statistic, p, h, q)
        for (a, b, statistic, p), h, q in zip(pairs, holms, bhs, strict=True)
    ]


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
    return test, _adjusted(_pairwise_chi_square(groups, matrix))


def _pairwise_chi_square(
    groups: list[str], matrix: np.ndarray
) -> list[tuple[str, str, float, float]]:
    """Chi-square for every pair of rows at once (Yates when df = 1; Fisher for a sparse
    2×2)."""
    first, second = np.triu_indices(len(groups), k=1)
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
    result = []
    for index, (i, j) in enumerate(zip(first, second, strict=True)):
        statistic_ij, p_ij = float(statistic[index]), float(p_values[index])
        if df[index] == 1 and expected[index][:, used[index]].min() < 5:
            sub = pairs[index][:, used[index]]
            statistic_ij, p_ij = float(sub[0, 0]), fisher_exact(sub)
        result.append((groups[i], groups[j], statistic_ij, p_ij))
    return result


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
    return test, _adjusted(_dunn_all_pairs(groups, summary))


def _dunn_all_pairs(groups: list[str], summary: RankSummary) -> list[tuple[str, str, float, float]]:
    n = summary.n
    sizes = np.array(summary.sizes, dtype=float)
    ranks = np.array(summary.mean_ranks, dtype=float)
    first, second = np.triu_indices(len(groups), k=1)
    variance = (n * (n + 1) / 12 - summary.tie_sum / (12 * (n - 1))) * (
        1 / sizes[first] + 1 / sizes[second]
    )
    z = (ranks[second] - ranks[first]) / np.sqrt(variance)
    p = 2 * stats.norm.sf(np.abs(z))
    return [
        (groups[i], groups[j], float(zz), float(pp))
        for i, j, zz, pp in zip(first, second, z, p, strict=True)
    ]


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
            z = change / se
            return PeriodChange(
                neighborhood,
                **summary,
                change=change,
                ci=(change - 1.96 * se, change + 1.96 * se),
                test="z-test on the difference of weighted means",
                p_value=float(2 * stats.norm.sf(abs(z))),
            )
        t = stats.ttest_ind_from_stats(
            after.mean, after.sd, after.n, before.mean, before.sd, before.n, equal_var=False
        )
        se = math.hypot(before.se, after.se)
        df = _welch_df(before, after)
        half = float(stats.t.ppf(0.975, df)) * se
        p_value = float(t.pvalue) if math.isfinite(t.pvalue) else None
        return PeriodChange(
            neighborhood,
            **summary,
            change=change,
            ci=(change - half, change + half),
            test="Welch's t-test",
            p_value=p_value,
            notes=[] if p_value is not None else ["No variation in either period: no test."],
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
    denominator = va * va / max(a.n - 1, 1) + vb * vb / max(b.n - 1, 1)
    return (va + vb) ** 2 / denominator if denominator else 1.0


def adjust_changes(changes: list[PeriodChange]) -> None:
    """Benjamini–Hochberg across neighborhoods (the city-wide change is not in the family)."""
    family = [c for c in changes if c.neighborhood is not None and c.p_value is not None]
    for change, adjusted in zip(
        family, benjamini_hochberg([c.p_value for c in family]), strict=True
    ):
        change.p_bh = adjusted
