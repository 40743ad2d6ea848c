"""Weighted estimation from aggregated cells, with linearised standard errors.

Respondents choose themselves, so the weights are **post-stratification** (or raking)
weights, not sampling weights: R's
`postStratify(svydesign(id=~1, weights=~1), ~neighborhood, pop)`, or
`rake(svydesign(id=~1, weights=~1), ...)`. Standard errors come from Taylor linearisation
on the residuals of the calibration (R's `svyrecvar`): each respondent's score is
replaced by its residual from an unweighted least-squares fit on the indicators of the
calibration margins (a respondent of weight w and score z: e = w·(z/w − fit), the fit
unweighted on z/w, the limit R's raking variance iterates to), and the variance is
n/(n − 1) Σ e². A `Design` built with
neighborhood populations as a finite population correction is instead R's
`svydesign(id=~1, strata=~neighborhood, fpc=~N)`, for a real probability sample drawn
from a frame.

Everything works on *cells*: respondents who share a calibration cell (their
neighborhood and raking categories), a weight and a value, with how many there are;
SQL's GROUP BY gives those, so no per-respondent loop is needed.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .statistics import kish_effective_n


@dataclass(frozen=True)
class Cell:
    """`count` respondents of calibration cell `cell` (neighborhood first), each with
    weight `weight`, who answered `value`."""

    cell: tuple
    weight: float
    value: float
    count: float

    @property
    def stratum(self) -> Hashable:
        return self.cell[0]


class Design:
    """The respondents of a weighted analysis, by calibration cell.

    `cells` maps a calibration cell — (neighborhood, raking categories...) — to the number
    of respondents in it (answering a given question or not), `weights` to their weight.
    `dimensions` is how many leading entries of a cell are calibration margins (1:
    post-stratification to neighborhoods). With `populations`, the design is stratified
    simple random sampling with a finite population correction instead.
    """

    def __init__(
        self,
        cells: Mapping[tuple, float],
        *,
        weights: Mapping[tuple, float] | None = None,
        dimensions: int = 1,
        populations: Mapping[Hashable, float] | None = None,
    ):
        self.keys = list(cells)
        self.position = {key: i for i, key in enumerate(self.keys)}
        self.sampled = np.array([float(cells[key]) for key in self.keys])
        self.weights = np.array([float((weights or {}).get(key, 1.0)) for key in self.keys])
        self.n = float(self.sampled.sum())
        hoods = sorted({key[0] for key in self.keys}, key=repr)
        self.finite_population = populations is not None
        if populations is not None:
            self.projection, self.scale = self._stratified(hoods, populations)
            self.df = int(self.n) - len(hoods)
        else:
            self.projection = self._calibration_projection(dimensions)
            factor = self.n / (self.n - 1) if self.n > 1 else 0.0
            self.scale = np.full(len(self.keys), factor)
            self.df = int(self.n) - 1
        # Post-stratification (one cell per neighborhood) has a diagonal projection: a
        # score then moves only its own cell's fit, and `variance` needs no matrix.
        diagonal = np.diag(self.projection)
        self._diagonal = (
            list(zip(diagonal, self.weights, self.sampled, self.scale, strict=True))
            if np.array_equal(self.projection, np.diag(diagonal))
            else None
        )

    def _calibration_projection(self, dimensions: int) -> np.ndarray:
        """H with fitted = H @ (cell sums of scores): the unweighted least-squares fit of
        the scores on the indicators of every calibration margin."""
        columns: dict = {}
        for key in self.keys:
            for dimension in range(dimensions):
                if key[dimension] is not None:
                    columns.setdefault((dimension, key[dimension]), len(columns))
        indicators = np.zeros((len(self.keys), len(columns)))
        for row, key in enumerate(self.keys):
            for dimension in range(dimensions):
                if key[dimension] is not None:
                    indicators[row, columns[(dimension, key[dimension])]] = 1.0
        gram = indicators.T @ (self.sampled[:, None] * indicators)
        # The indicators of several margins are collinear (each sums to one); the fitted
        # values are unique all the same, which the pseudo-inverse gives.
        return indicators @ np.linalg.pinv(gram) @ indicators.T

    def _stratified(self, hoods, populations) -> tuple[np.ndarray, np.ndarray]:
        stratum_n = {h: 0.0 for h in hoods}
        for key, n in zip(self.keys, self.sampled, strict=True):
            stratum_n[key[0]] += n
        projection = np.zeros((len(self.keys), len(self.keys)))
        scale = np.zeros(len(self.keys))
        for i, a in enumerate(self.keys):
            n_h = stratum_n[a[0]]
            population = populations.get(a[0])
            fpc = 1 - n_h / population if population else 1.0
            scale[i] = fpc * n_h / (n_h - 1) if n_h > 1 else 0.0
            for j, b in enumerate(self.keys):
                if a[0] == b[0]:
                    projection[i, j] = 1 / n_h
        return projection, scale

    def variance(self, scores: Iterable[tuple[tuple, float, float]]) -> float:
        """Linearised variance of a statistic whose influence scores are given as
        (cell, z, count); respondents not listed have z = 0."""
        if self._diagonal is not None:
            return self._diagonal_variance(scores)
        sums = np.zeros(len(self.keys))
        squares = np.zeros(len(self.keys))
        for cell, z, count in scores:
            i = self.position[cell]
            sums[i] += z * count
            squares[i] += z * z * count
        # Residuals e = z − w·fit, the fit of z/w per cell.
        fitted = self.weights * (self.projection @ (sums / self.weights))
        residual = squares - 2 * fitted * sums + self.sampled * fitted * fitted
        return max(float(self.scale @ residual), 0.0)

    def _diagonal_variance(self, scores) -> float:
        """`variance` for a diagonal projection, element by element in the same
        arithmetic, over the cells that have scores (the others add exactly zero)."""
        sums: dict[int, float] = {}
        squares: dict[int, float] = {}
        position = self.position
        for cell, z, count in scores:
            i = position[cell]
            sums[i] = sums.get(i, 0.0) + z * count
            squares[i] = squares.get(i, 0.0) + z * z * count
        total = 0.0
        for i in sorted(sums):
            projection, weight, sampled, scale = self._diagonal[i]
            fitted = weight * (projection * (sums[i] / weight))
            residual = squares[i] - 2 * fitted * sums[i] + sampled * fitted * fitted
            total += scale * residual
        return max(float(total), 0.0)

    def fitted(self, sums: np.ndarray) -> np.ndarray:
        """The calibration fit w·fit(z/w) of each cell, from each cell's sums of scores
        (one row per cell)."""
        return self.weights[:, None] * (self.projection @ (sums / self.weights[:, None]))


@dataclass(frozen=True)
class WeightedEstimate:
    mean: float
    se: float
    total: float
    total_se: float
    n: int  # respondents who answered
    n_effective: float
    df: int  # degrees of freedom of the t interval


def weighted_estimate(cells: Sequence[Cell], design: Design) -> WeightedEstimate:
    """Weighted mean and total of `value`, with linearised standard errors. The t
    interval of one neighborhood has its answers minus one degrees of freedom; a
    city-wide one, the design's."""
    weight_sum = sum(c.weight * c.count for c in cells)
    n = int(round(sum(c.count for c in cells)))
    strata = {c.stratum for c in cells}
    df = n - 1 if len(strata) == 1 else design.df
    if weight_sum <= 0:
        return WeightedEstimate(math.nan, math.nan, 0.0, math.nan, n, 0.0, df)
    total = sum(c.weight * c.value * c.count for c in cells)
    mean = total / weight_sum
    mean_var = design.variance(
        (c.cell, c.weight * (c.value - mean) / weight_sum, c.count) for c in cells
    )
    total_var = design.variance((c.cell, c.weight * c.value, c.count) for c in cells)
    n_eff = kish_effective_n([(c.weight, c.count) for c in cells])
    return WeightedEstimate(mean, math.sqrt(mean_var), total, math.sqrt(total_var), n, n_eff, df)
