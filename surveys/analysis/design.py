"""Weighted estimation for a design stratified by neighborhood, from aggregated cells.

The sample is treated as R's `survey` package treats
`svydesign(id=~1, strata=~neighborhood, weights=~w, fpc=~N)`: stratified simple random
sampling with a finite population correction. Standard errors come from Taylor
linearisation (R's `svyrecvar`). Everything works on *cells*: respondents who share a
stratum, a weight and a value, with how many there are; SQL's GROUP BY gives those, so
no per-respondent loop is needed.

Raking (iterative proportional fitting) adjusts the weights so that weighted totals match
known margins; its standard errors treat the raked weights as fixed (a conservative
approximation; R's calibrated variance is smaller).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, stats

from .statistics import kish_effective_n


@dataclass(frozen=True)
class Cell:
    """`count` respondents of `stratum`, each with weight `weight`, who answered `value`."""

    stratum: Hashable
    weight: float
    value: float
    count: float


@dataclass(frozen=True)
class Stratum:
    sampled: int  # responses in the stratum (answering this question or not)
    population: float | None = None  # N_h; None: no finite population correction


@dataclass(frozen=True)
class WeightedEstimate:
    mean: float
    se: float
    total: float
    total_se: float
    n: int  # respondents who answered
    n_effective: float
    df: int  # degrees of freedom: sampled units minus strata


def _linearised_variance(
    scores: Iterable[tuple[Hashable, float, float]], strata: Mapping[Hashable, Stratum]
) -> float:
    """Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (z_hi − z̄_h)², from (stratum, z, count) triples;
    units of a stratum not listed have z = 0."""
    sums: dict[Hashable, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for stratum, z, count in scores:
        sums[stratum][0] += z * count
        sums[stratum][1] += z * z * count
    variance = 0.0
    for stratum, (s1, s2) in sums.items():
        design = strata[stratum]
        n = design.sampled
        if n < 2:
            continue
        fpc = 1 - n / design.population if design.population else 1.0
        variance += fpc * n / (n - 1) * (s2 - s1 * s1 / n)
    return max(variance, 0.0)


def weighted_estimate(
    cells: Sequence[Cell], strata: Mapping[Hashable, Stratum]
) -> WeightedEstimate:
    """Weighted mean and total of `value`, with linearised standard errors."""
    weight_sum = sum(c.weight * c.count for c in cells)
    n = int(round(sum(c.count for c in cells)))
    df = sum(s.sampled for s in strata.values()) - len(strata)
    if weight_sum <= 0:
        return WeightedEstimate(math.nan, math.nan, 0.0, math.nan, n, 0.0, df)
    mean = sum(c.weight * c.value * c.count for c in cells) / weight_sum
    total = sum(c.weight * c.value * c.count for c in cells)
    mean_var = _linearised_variance(
        ((c.stratum, c.weight * (c.value - mean) / weight_sum, c.count) for c in cells), strata
    )
    total_var = _linearised_variance(
        ((c.stratum, c.weight * c.value, c.count) for c in cells), strata
    )
    n_eff = kish_effective_n([(c.weight, c.count) for c in cells])
    return WeightedEstimate(mean, math.sqrt(mean_var), total, math.sqrt(total_var), n, n_eff, df)


def post_stratification_weights(strata: Mapping[Hashable, Stratum]) -> dict[Hashable, float]:
    """N_h / n_h for every stratum with a population and responses."""
    return {
        key: s.population / s.sampled for key, s in strata.items() if s.population and s.sampled
    }


@dataclass
class RakingResult:
    weights: dict[tuple, float]  # by cell key (stratum, margin categories...)
    iterations: int
    converged: bool
    max_relative_error: float
    trimmed: int
    warnings: list[str] = field(default_factory=list)


def rake(
    cell_counts: Mapping[tuple, float],
    margins: Sequence[Mapping[Hashable, float]],
    *,
    start: Mapping[tuple, float] | None = None,
    tolerance: float = 1e-7,
    max_iterations: int = 200,
    trim_ratio: float | None = 5.0,
) -> RakingResult:
    """Iterative proportional fitting of per-respondent weights to population margins.

    `cell_counts` maps a cell key — one category per margin, in the order of `margins` —
    to its number of respondents. `margins[i]` maps categories of dimension i to
    population totals. Respondents whose category is not in a margin (they did not
    answer that question) keep their weights in that step, and the margin is matched as
    proportions among those who did. Weights above `trim_ratio` × the median weight are
    trimmed and the fit repeated.
    """
    weights = {cell: (start or {}).get(cell, 1.0) for cell in cell_counts}
    warnings, trimmed, iterations, error = [], 0, 0, math.inf
    for _ in range(5):  # raking, trimming, raking again
        for iterations in range(1, max_iterations + 1):  # noqa: B007
            for dimension, margin in enumerate(margins):
                totals = _margin_totals(weights, cell_counts, dimension)
                targets = _targets(margin, totals)
                for cell in weights:
                    category = cell[dimension]
                    if category in targets and totals.get(category, 0) > 0:
                        weights[cell] *= targets[category] / totals[category]
            error = _max_margin_error(weights, cell_counts, margins)
            if error < tolerance:
                break
        if trim_ratio is None:
            break
        cap = trim_ratio * float(np.median([w for w in weights.values()]))
        over = [cell for cell, w in weights.items() if w > cap]
        if not over:
            break
        trimmed += len(over)
        for cell in over:
            weights[cell] = cap
    converged = error < 1e-4
    if not converged:
        warnings.append(
            f"Raking did not converge: margins are off by up to {error:.2%} after "
            f"{iterations} iterations (trimmed {trimmed} cells)."
        )
    for dimension, margin in enumerate(margins):
        for category in margin:
            if not any(cell[dimension] == category for cell in cell_counts):
                warnings.append(f"No respondent falls in margin category {category!r}.")
    return RakingResult(weights, iterations, converged, error, trimmed, warnings)


def _margin_totals(weights, cell_counts, dimension: int) -> dict[Hashable, float]:
    totals: dict[Hashable, float] = defaultdict(float)
    for cell, count in cell_counts.items():
        totals[cell[dimension]] += weights[cell] * count
    return totals


def _targets(margin: Mapping[Hashable, float], totals: Mapping[Hashable, float]) -> dict:
    """The margin as totals; rescaled to the answering respondents' weight when some
    respondents fall outside it."""
    if all(category in margin for category in totals):
        return dict(margin)
    answering = sum(totals.get(category, 0.0) for category in margin)
    population = sum(margin.values())
    return {c: v * answering / population for c, v in margin.items()} if population else {}


def _max_margin_error(weights, cell_counts, margins) -> float:
    worst = 0.0
    for dimension, margin in enumerate(margins):
        totals = _margin_totals(weights, cell_counts, dimension)
        for category, target in _targets(margin, totals).items():
            if target and totals.get(category):
                worst = max(worst, abs(totals[category] - target) / target)
    return worst


@dataclass(frozen=True)
class RaoScott:
    statistic: float  # F
    df_numerator: float
    df_denominator: float
    p_value: float
    design_effect: float  # mean generalised design effect, tr(Δ)/((r−1)(c−1))


def rao_scott_test(
    cells: Sequence[tuple[Hashable, float, int, int, float]],
    strata: Mapping[Hashable, Stratum],
    shape: tuple[int, int],
) -> RaoScott:
    """Rao–Scott second-order corrected test of independence (R's svychisq, "F").

    `cells` are (stratum, weight, row, column, count) for respondents who answered both.
    """
    rows, cols = shape
    n = sum(c[4] for c in cells)
    weight_sum = sum(c[1] * c[4] for c in cells)
    p = np.zeros(rows * cols)
    for _, weight, row, col, count in cells:
        p[row * cols + col] += weight * count / weight_sum
    # Pearson's statistic on the weighted table scaled to the sample size.
    table = p.reshape(rows, cols) * n
    keep_rows, keep_cols = table.sum(axis=1) > 0, table.sum(axis=0) > 0
    pearson = stats.chi2_contingency(table[keep_rows][:, keep_cols], correction=False)[0]
    # Design covariance of the estimated cell proportions, by linearisation.
    covariance = np.zeros((rows * cols, rows * cols))
    per_stratum: dict[Hashable, list] = defaultdict(list)
    for stratum, weight, row, col, count in cells:
        indicator = np.zeros(rows * cols)
        indicator[row * cols + col] = 1
        per_stratum[stratum].append((weight * (indicator - p) / weight_sum, count))
    for stratum, scores in per_stratum.items():
        design = strata[stratum]
        m = design.sampled
        if m < 2:
            continue
        fpc = 1 - m / design.population if design.population else 1.0
        s1 = sum(z * c for z, c in scores)
        s2 = sum(np.outer(z, z) * c for z, c in scores)
        covariance += fpc * m / (m - 1) * (s2 - np.outer(s1, s1) / m)
    # Contrasts for the interaction (independence) after the main effects, as R builds.
    grid = [(r, c) for r in range(rows) for c in range(cols)]
    main = np.array(
        [
            [1.0]
            + [float(r == i) for i in range(1, rows)]
            + [float(c == j) for j in range(1, cols)]
            for r, c in grid
        ]
    )
    interaction = np.array(
        [
            [float(r == i and c == j) for i in range(1, rows) for j in range(1, cols)]
            for r, c in grid
        ]
    )
    q, _ = np.linalg.qr(main)
    contrasts = interaction - q @ (q.T @ interaction)
    inverse_p = np.diag([1 / v if v > 0 else 0.0 for v in p])
    denominator = contrasts.T @ (inverse_p / n) @ contrasts
    numerator = contrasts.T @ (inverse_p @ covariance @ inverse_p) @ contrasts
    delta = linalg.lstsq(denominator, numerator)[0]
    trace, trace_squared = float(np.trace(delta)), float(np.trace(delta @ delta))
    df_design = sum(s.sampled for s in strata.values()) - len(strata)
    if trace <= 0 or trace_squared <= 0:
        return RaoScott(math.nan, math.nan, math.nan, math.nan, math.nan)
    f = pearson / trace
    d0 = trace * trace / trace_squared
    p_value = float(stats.f.sf(f, d0, d0 * df_design))
    return RaoScott(float(f), d0, d0 * df_design, p_value, trace / ((rows - 1) * (cols - 1)))
