"""The statistics, as pure functions of small tables (no database, no Django).

Each function takes counts or summaries that SQL produced and returns numbers with the
name of the method. Where scipy has the method it is used; what scipy lacks (Dunn's
test, Holm, Cronbach's alpha, Kruskal–Wallis from a count table) is written out here,
following the references in ../shared/STATISTICS.md.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@functools.lru_cache(maxsize=64)
def _normal_quantile(probability: float) -> float:
    return float(stats.norm.ppf(probability))


def t_quantile(probability: float, df: float) -> float:
    # scipy.special's ufunc: the same quantile as stats.t.ppf without its per-call
    # argument checking (a report asks for thousands).
    return float(special.stdtrit(df, probability))


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with `df` degrees of freedom."""
    return float(2 * special.stdtr(df, -abs(t)))


def normal_two_sided_p(z: float) -> float:
    return float(2 * special.ndtr(-abs(z)))


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion; `n` may be an effective (weighted) size."""
    if n <= 0:
        return (math.nan, math.nan)
    z = _normal_quantile(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(
    mean: float, se: float, df: float, confidence: float = 0.95
) -> tuple[float, float]:
    """A t interval around a mean."""
    if df <= 0 or not math.isfinite(se):
        return (math.nan, math.nan)
    t = t_quantile(0.5 + confidence / 2, df)
    return (mean - t * se, mean + t * se)


@dataclass(frozen=True)
class TestResult:
    """A named test: what was computed, and how strongly groups differ."""

    name: str
    statistic: float
    df: float | None
    p_value: float
    effect_size_name: str | None = None
    effect_size: float | None = None
    warnings: tuple[str, ...] = ()


def chi_square_test(table: Sequence[Sequence[float]]) -> TestResult:
    """Pearson's chi-square test of independence, with Cramér's V.

    Yates' continuity correction only when df = 1, as R's chisq.test does; a 2×2 table
    with an expected count under 5 is tested with Fisher's exact test instead.
    """
    observed = _drop_empty(np.asarray(table, dtype=float))
    rows, cols = observed.shape
    if rows < 2 or cols < 2:
        return TestResult("chi-square test of independence", math.nan, None, math.nan)
    expected = stats.contingency.expected_freq(observed)
    warnings = []
    if (rows, cols) == (2, 2) and expected.min() < 5:
        _, p = stats.fisher_exact(observed)
        return TestResult(
            "Fisher's exact test (statistic: odds ratio)",
            odds_ratio(observed),
            None,
            float(p),
            "Cramér's V, bias-corrected",
            cramers_v(observed),
        )
    small = float((expected < 5).mean())
    if small > 0:
        warnings.append(f"{small:.0%} of expected counts are under 5")
    statistic, p, df, _ = stats.chi2_contingency(observed, correction=True)
    return TestResult(
        "Pearson's chi-square test of independence",
        float(statistic),
        float(df),
        float(p),
        "Cramér's V, bias-corrected",
        cramers_v(observed),
        tuple(warnings),
    )


def cramers_v(table: np.ndarray) -> float:
    """Bergsma's bias-corrected Cramér's V (J. Korean Stat. Soc. 2013), from the
    uncorrected chi-square: it does not grow with many small groups as the plain V does.
    """
    observed = np.asarray(table, dtype=float)
    n = observed.sum()
    rows, cols = observed.shape
    if n <= 1 or min(rows, cols) < 2:
        return math.nan
    statistic = stats.chi2_contingency(observed, correction=False)[0]
    phi2 = max(0.0, statistic / n - (rows - 1) * (cols - 1) / (n - 1))
    rows_c = rows - (rows - 1) ** 2 / (n - 1)
    cols_c = cols - (cols - 1) ** 2 / (n - 1)
    denominator = min(rows_c - 1, cols_c - 1)
    return float(math.sqrt(phi2 / denominator)) if denominator > 0 else math.nan


def odds_ratio(table) -> float:
    """The sample odds ratio (ad)/(bc) of a 2×2 table (inf or nan when a cell is 0), as
    scipy's fisher_exact reports it."""
    return float(stats.fisher_exact(np.asarray(table))[0])


def fisher_exact(table: Sequence[Sequence[float]], alternative: str = "two-sided") -> float:
    """Fisher's exact test of a 2×2 table; returns the p-value."""
    return float(stats.fisher_exact(np.asarray(table), alternative=alternative)[1])


def _drop_empty(table: np.ndarray) -> np.ndarray:
    table = table[table.sum(axis=1) > 0]
    return table[:, table.sum(axis=0) > 0]


@dataclass(frozen=True)
class RankSummary:
    """Kruskal–Wallis from counts of values per group, and what Dunn's test needs."""

    statistic: float
    df: int
    p_value: float
    n: int
    sizes: tuple[int, ...]
    mean_ranks: tuple[float, ...]
    tie_sum: float  # Σ(t³ − t) over tied values


def kruskal_wallis(groups: Sequence[Mapping[float, float]]) -> RankSummary:
    """Kruskal–Wallis H with the tie correction, from {value: count} per group.

    Equal to scipy.stats.kruskal on the raw values, but needs only the count table.
    """
    values = sorted({value for group in groups for value in group})
    totals = [sum(group.get(v, 0) for group in groups) for v in values]
    n = int(sum(totals))
    # Midrank of each distinct value: ties share the average of their ranks.
    midrank, below = {}, 0
    for value, count in zip(values, totals, strict=True):
        midrank[value] = below + (count + 1) / 2
        below += count
    sizes = tuple(int(sum(group.values())) for group in groups)
    rank_sums = [sum(midrank[v] * c for v, c in group.items()) for group in groups]
    mean_ranks = tuple(
        s / size if size else math.nan for s, size in zip(rank_sums, sizes, strict=True)
    )
    tie_sum = float(sum(t**3 - t for t in totals))
    k = sum(1 for size in sizes if size)
    if n < 2 or k < 2:
        return RankSummary(math.nan, k - 1, math.nan, n, sizes, mean_ranks, tie_sum)
    h = (
        12
        / (n * (n + 1))
        * sum(s * s / size for s, size in zip(rank_sums, sizes, strict=True) if size)
    )
    h -= 3 * (n + 1)
    correction = 1 - tie_sum / (n**3 - n)
    h = h / correction if correction > 0 else math.nan
    p = float(stats.chi2.sf(h, k - 1)) if math.isfinite(h) else math.nan
    return RankSummary(float(h), k - 1, p, n, sizes, mean_ranks, tie_sum)


def epsilon_squared(h: float, n: int, groups: int) -> float:
    """Effect size for Kruskal–Wallis adjusted for the number of groups:
    (H − k + 1)/(n − k), floored at 0 (H / (n − 1) grows with many small groups)."""
    if n <= groups or not math.isfinite(h):
        return math.nan
    return max(0.0, (h - groups + 1) / (n - groups))


def holm(p_values: Sequence[float | None]) -> list[float]:
    """Holm's step-down adjustment (family-wise error); undefined p-values stay NaN and
    are not counted in the family."""
    p = np.asarray(p_values, dtype=float)  # None becomes NaN
    adjusted = np.full(p.shape, math.nan)
    family = np.isfinite(p)
    m = int(family.sum())
    if m:
        values = p[family]
        order = np.argsort(values, kind="stable")
        stepped = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * values[order]))
        result = np.empty(m)
        result[order] = stepped
        adjusted[family] = result
    return adjusted.tolist()


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float]:
    """Benjamini–Hochberg adjustment (false discovery rate); undefined p-values stay NaN."""
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full(p.shape, math.nan)
    family = np.isfinite(p)
    if family.any():
        adjusted[family] = stats.false_discovery_control(p[family], method="bh")
    return adjusted.tolist()


def cronbach_alpha(covariance: np.ndarray) -> float:
    """Cronbach's alpha from the items' covariance matrix."""
    k = covariance.shape[0]
    total = covariance.sum()
    if k < 2 or total <= 0:
        return math.nan
    return float(k / (k - 1) * (1 - np.trace(covariance) / total))


def alpha_if_dropped(covariance: np.ndarray) -> list[float]:
    """Cronbach's alpha with each item left out in turn."""
    k = covariance.shape[0]
    keep = [np.array([j for j in range(k) if j != i]) for i in range(k)]
    return [cronbach_alpha(covariance[np.ix_(rows, rows)]) for rows in keep]


def kish_effective_n(weights_and_counts: Sequence[tuple[float, float]]) -> float:
    """Kish's effective sample size (Σw)²/Σw², from (weight, number of respondents) pairs."""
    total = sum(w * c for w, c in weights_and_counts)
    squares = sum(w * w * c for w, c in weights_and_counts)
    return total * total / squares if squares else 0.0
