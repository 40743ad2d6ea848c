"""Comparing neighborhoods: omnibus tests and pairwise tests (periods: periods.py).

Categorical questions: Pearson's chi-square (Fisher for sparse 2×2, with its odds
ratio), bias-corrected Cramér's V, and
pairwise chi-square/Fisher. Ordinal and numeric: Kruskal–Wallis, ε² adjusted for the number of
groups, and Dunn's test.
Pairwise p-values are adjusted with Holm and Benjamini–Hochberg within each question.
All work on count tables; the pairwise statistics are computed for all pairs at once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from scipy import stats

from .statistics import (
    RankSummary,
    TestResult,
    benjamini_hochberg,
    chi_square_test,
    epsilon_squared,
    fisher_exact,
    holm,
    kruskal_wallis,
    odds_ratio,
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
        statistics[index], p_list[index] = odds_ratio(sub), fisher_exact(sub)
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
        "epsilon-squared, adjusted for the number of groups",
        epsilon_squared(summary.statistic, summary.n, summary.df + 1),
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
