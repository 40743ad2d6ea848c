"""Difference-in-differences on neighborhood × period cells (the event study, on the same
cells and fit, is surveys/analysis/impact_events.py).

The model is the two-way fixed-effects regression on respondents,

    y_i = β · covered_h × after_t + α_h + γ_t + ε_i,      weighted by w_i,

with standard errors clustered by neighborhood (CR1, as Stata and R's `fixest`; t with
G − 1 degrees of freedom, G the number of neighborhoods), computed with statsmodels'
own arithmetic for `WLS(...).fit(cov_type="cluster")` (surveys/analysis/impact_fit.py;
the tests hold it to statsmodels within 1e-9) so that a design shared by several
questions is decomposed once rather than rebuilt as a model per fit. One
difference from `fixest`'s default: fixest leaves fixed effects nested in the cluster
(here every neighborhood effect) out of K in the small-sample factor (N − 1)/(N − K);
this module counts them, as Stata's `regress` with dummies does. With respondents N in
the thousands the two factors differ in the third decimal or less.

**Identification.** β is reported only when covered and comparison neighborhoods each
answered before and after the start and the weighted design has full column rank
(`fit_cells` checks the rank as np.linalg.matrix_rank does); otherwise there is no estimate and
`no_estimate_reason` says why, rather than a pseudo-inverse's number.

**Cells instead of respondents.** Every regressor is constant within a neighborhood ×
period cell, so the weighted least-squares fit on respondents equals the fit on the
cells' weighted means ȳ_c weighted by the cells' weight sums W_c (the normal equations
only hold Σ w_i y_i per cell), and each neighborhood's score Σ_i w_i x_i e_i equals the
cell version Σ_c W_c x_c (ȳ_c − ŷ_c). Only the small-sample factor
(N − 1)/(N − K) of CR1 sees the number of rows N; `fit_cells` rescales it to the number
of respondents. So a million answers cost as much as their cells, and
tests/analysis/test_impact_regression.py checks the equivalence against statsmodels
fitted on the respondent rows.

**Few neighborhoods.** Cluster-robust t-tests over-reject with few clusters. Below
`FEW_CLUSTERS` neighborhoods the headline p-value and interval come from the wild
cluster bootstrap with the null imposed (WCR; Cameron, Gelbach & Miller 2008; MacKinnon
& Webb), with Webb's six-point weights up to 12 neighborhoods and Rademacher weights
above (drawn at random: from 13 neighborhoods on, 2^G sign patterns exceed any usual
number of draws, so there is no full enumeration). The interval inverts
the bootstrap test. The bootstrap is linear in the draws, so it runs as a few matrix
products on the cells.

Pure numpy/scipy: no Django here (surveys/analysis/impact_report.py feeds it).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from .impact_fit import (  # noqa: F401 (fixed_effects, full_rank, forget_designs: public)
    _clustered_wls,
    _solve,
    fixed_effects,
    forget_designs,
    full_rank,
)

FEW_CLUSTERS = 50  # below this many neighborhoods, the wild cluster bootstrap decides
WEBB_UP_TO = 12  # Webb's weights up to this many neighborhoods, Rademacher above
ALPHA = 0.05


@dataclass
class Cells:
    """Neighborhood × period cells: the weighted mean outcome, the sum of the weights
    and the number of respondents behind it. Neighborhoods and periods are integers;
    periods count consecutive months or quarters."""

    neighborhood: np.ndarray
    period: np.ndarray
    mean: np.ndarray
    weight: np.ndarray
    count: np.ndarray

    @classmethod
    def from_rows(cls, rows) -> Cells:
        """From (neighborhood, period, value, weight, count) rows: `count` respondents
        of weight `weight` who answered `value`."""
        # The weight sum is taken per weight (each weight times its respondents), so it
        # does not depend on the order of the rows: questions answered by the same
        # respondents get bit-identical cell weights and share one decomposition of the
        # design (surveys/analysis/impact_fit.py).
        totals: dict = {}
        for hood, period, value, weight, count in rows:
            cell = totals.setdefault((hood, period), [0.0, {}, 0.0])
            cell[0] += weight * value * count
            cell[1][weight] = cell[1].get(weight, 0) + count
            cell[2] += count
        sums = {
            key: (total, sum(w * n for w, n in sorted(counts.items())), answered)
            for key, (total, counts, answered) in totals.items()
        }
        keys = sorted(k for k, v in sums.items() if v[1] > 0)
        return cls(
            np.array([k[0] for k in keys], dtype=int),
            np.array([k[1] for k in keys], dtype=int),
            np.array([sums[k][0] / sums[k][1] for k in keys]),
            np.array([sums[k][1] for k in keys]),
            np.array([sums[k][2] for k in keys]),
        )

    def without(self, neighborhood: int) -> Cells:
        return self._keep(self.neighborhood != neighborhood)

    def within(self, last_period: int) -> Cells:
        """The cells up to `last_period` (an intervention's end)."""
        return self._keep(self.period <= last_period)

    def at_least(self, answers: int) -> Cells:
        """The cells with at least `answers` respondents (smaller ones are left out of
        the regression, as the trends suppress them)."""
        return self._keep(self.count >= answers)

    def _keep(self, keep: np.ndarray) -> Cells:
        return Cells(*(getattr(self, name)[keep] for name in _CELL_FIELDS))


_CELL_FIELDS = ("neighborhood", "period", "mean", "weight", "count")


class TooFewCells(ValueError):
    """Fewer neighborhood × period cells than coefficients, or a single neighborhood."""


class NotIdentified(TooFewCells):
    """The weighted design has rank below its number of columns: some coefficient is not
    determined by the data (statsmodels' pseudo-inverse would still print a number)."""


def comparison_gap(cells: Cells, covered: set[int], start_period: int) -> str | None:
    """Why covered × after cannot be compared, or None: each side (covered and
    comparison neighborhoods) needs cells both before and after the start."""
    is_covered = np.isin(cells.neighborhood, list(covered))
    after = cells.period >= start_period
    for side, name in ((is_covered, "covered"), (~is_covered, "comparison")):
        if not side.any():
            return f"No {name} neighborhood answered."
        if not (side & after).any() or not (side & ~after).any():
            return f"No {name} neighborhood answered both before and after the start."
    return None


@dataclass
class Fit:
    params: np.ndarray
    cov: np.ndarray  # clustered by neighborhood, CR1 with the respondents' N
    clusters: int
    respondents: float
    columns: int
    design: np.ndarray
    names: list[str]

    def se(self, j: int) -> float:
        return math.sqrt(max(self.cov[j, j], 0.0))

    @property
    def df(self) -> int:
        return self.clusters - 1


def fit_cells(cells: Cells, regressors: np.ndarray, names: list[str]) -> Fit:
    """WLS of the cell means on `regressors` (cells × q, first in the result) and the
    fixed effects, weighted by the cells' weight sums, clustered by neighborhood."""
    solved = _solve(cells, np.asarray(regressors, dtype=float))
    design = solved.design
    if len(cells.mean) <= design.shape[1] or solved.clusters < 2:
        raise TooFewCells
    if not solved.full_rank:
        raise NotIdentified
    params, cov = _clustered_wls(solved, cells.mean, cells.weight)
    rows, k = design.shape
    respondents = float(cells.count.sum())
    # CR1's factor counts cells; the respondent-level fit counts respondents.
    rescale = ((respondents - 1) / (respondents - k)) / ((rows - 1) / (rows - k))
    return Fit(
        params=params,
        cov=cov * rescale,
        clusters=solved.clusters,
        respondents=respondents,
        columns=k,
        design=design,
        names=names,
    )


@functools.lru_cache(maxsize=256)
def _t_quantile(df: int) -> float:
    return float(stats.t.ppf(1 - ALPHA / 2, df))


@dataclass
class Bootstrap:
    p_value: float
    ci: tuple[float, float] | None
    weights: str  # "webb" or "rademacher"
    draws: int


@dataclass
class Estimate:
    """A difference-in-differences: covered minus comparison, after minus before."""

    estimate: float
    se: float
    df: int
    ci: tuple[float, float]  # analytic, t(G − 1)
    p_value: float
    clusters: int
    covered: int
    respondents: int
    bootstrap: Bootstrap | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def headline_ci(self) -> tuple[float, float] | None:
        return self.bootstrap.ci if self.bootstrap else self.ci

    @property
    def headline_p(self) -> float:
        return self.bootstrap.p_value if self.bootstrap else self.p_value


def _t_summary(value: float, se: float, df: int) -> tuple[tuple[float, float], float]:
    q = _t_quantile(df)
    p = 2 * special.stdtr(df, -abs(value / se)) if se > 0 else (0.0 if value else 1.0)
    return (value - q * se, value + q * se), float(p)


def difference_in_differences(
    cells: Cells,
    covered: set[int],
    start_period: int,
    *,
    bootstrap: bool | None = None,
    draws: int = 999,
    seed: int = 23,
) -> Estimate | None:
    """β of covered × after (after: periods from the one holding the start on).
    `bootstrap` None: only with fewer than FEW_CLUSTERS neighborhoods. None when there is
    no comparison to make (`comparison_gap` says why) or when the design does not
    identify β (rank below its columns; `no_estimate_reason` says so)."""
    if comparison_gap(cells, covered, start_period):
        return None
    is_covered = np.isin(cells.neighborhood, list(covered))
    after = cells.period >= start_period
    treated = (is_covered & after).astype(float)
    hoods_covered = set(cells.neighborhood[is_covered])
    hoods_other = set(cells.neighborhood[~is_covered])
    try:
        fit = fit_cells(cells, treated[:, None], ["covered × after"])
    except TooFewCells:
        return None
    value, se = float(fit.params[0]), fit.se(0)
    ci, p = _t_summary(value, se, fit.df)
    result = Estimate(
        value, se, fit.df, ci, p, fit.clusters, len(hoods_covered), int(fit.respondents)
    )
    if min(len(hoods_covered), len(hoods_other)) < 3:
        result.warnings.append(
            "Fewer than three neighborhoods on one side of the comparison: clustered "
            "intervals, bootstrapped or not, are unreliable."
        )
    if bootstrap or (bootstrap is None and fit.clusters < FEW_CLUSTERS):
        result.bootstrap = wild_cluster_bootstrap(cells, fit, 0, draws=draws, seed=seed)
    return result


def no_estimate_reason(cells: Cells, covered: set[int], start_period: int) -> str:
    """Why `difference_in_differences` gave None, in one sentence."""
    gap = comparison_gap(cells, covered, start_period)
    if gap:
        return gap
    is_covered = np.isin(cells.neighborhood, list(covered))
    treated = (is_covered & (cells.period >= start_period)).astype(float)
    design = np.column_stack([treated, fixed_effects(cells)])
    if len(cells.mean) <= design.shape[1] or len(np.unique(cells.neighborhood)) < 2:
        return "Too few neighborhood × period cells for the regression."
    return (
        "The answers do not identify the difference: the covered and comparison "
        "neighborhoods share no periods both before and after the start."
    )


def wild_cluster_bootstrap(
    cells: Cells, fit: Fit, column: int, *, draws: int = 999, seed: int = 23
) -> Bootstrap:
    """Restricted wild cluster bootstrap (WCR) of coefficient `column`: its p-value and
    the interval that inverts the test."""
    clusters = len(np.unique(cells.neighborhood))
    name, signs = _bootstrap_weights(clusters, draws, np.random.default_rng(seed))
    statistic = BootstrapStatistic(cells, fit, column, signs)
    return Bootstrap(
        statistic.p_value(0.0),
        _invert(statistic.p_value, statistic.beta, statistic.se),
        name,
        int(signs.shape[1]),
    )


class BootstrapStatistic:
    """The bootstrap t statistics of coefficient `column` under H0: β = b0, for the
    bootstrap weights `signs` (neighborhoods × draws).

    With the null imposed, y* = ŷ₀ + v_g·ũ₀ (ŷ₀, ũ₀ the restricted fit and residuals),
    and t* = (β* − b0) / se*(y*). Both are linear in v and in b0 (ũ₀ = u0 − b0·ud),
    so every draw and every b0 is a matrix product, not a refit.
    """

    def __init__(self, cells: Cells, fit: Fit, column: int, signs: np.ndarray):
        X, w = fit.design, cells.weight
        groups = np.unique(cells.neighborhood, return_inverse=True)[1]
        g = int(groups.max()) + 1
        A = np.linalg.pinv(X.T @ (w[:, None] * X)) @ (X * w[:, None]).T  # params = A @ y
        a = A[column]
        others = np.delete(X, column, axis=1)
        B = np.linalg.pinv(others.T @ (w[:, None] * others)) @ (others * w[:, None]).T
        summing = np.zeros((g, len(w)))
        summing[groups, np.arange(len(w))] = 1.0
        n, k = fit.respondents, X.shape[1]
        self.factor = g / (g - 1) * (n - 1) / (n - k)
        weights = signs[groups]  # cells × draws

        def parts(u):
            U = u[:, None] * weights
            residuals = U - X @ (A @ U)  # never a cells × cells matrix
            return a @ U, summing @ (a[:, None] * residuals)

        def restricted_residuals(y):
            return y - others @ (B @ y)

        self.num0, self.q0 = parts(restricted_residuals(cells.mean))
        self.numd, self.qd = parts(restricted_residuals(X[:, column]))
        self.beta, self.se = float(fit.params[column]), fit.se(column)

    def t_star(self, b0: float) -> np.ndarray:
        num = self.num0 - b0 * self.numd
        q = self.q0 - b0 * self.qd
        boot_se = np.sqrt(self.factor * (q * q).sum(axis=0))
        safe = np.where(boot_se > 0, boot_se, 1.0)
        return np.where(boot_se > 0, num / safe, 0.0)

    def p_value(self, b0: float) -> float:
        t = (self.beta - b0) / self.se
        return float(np.mean(np.abs(self.t_star(b0)) >= abs(t) - 1e-12))


def _bootstrap_weights(g: int, draws: int, rng) -> tuple[str, np.ndarray]:
    """(name, clusters × draws) of bootstrap weights."""
    if g <= WEBB_UP_TO:
        points = np.array([-math.sqrt(1.5), -1, -math.sqrt(0.5), math.sqrt(0.5), 1, math.sqrt(1.5)])
        return "webb", rng.choice(points, size=(g, draws))
    return "rademacher", rng.choice([-1.0, 1.0], size=(g, draws))


def _invert(p_value, beta: float, se: float) -> tuple[float, float] | None:
    """The values b0 the bootstrap test does not reject at ALPHA: bisection on each side."""
    if not se > 0:
        return None
    bounds = []
    for direction in (-1, 1):
        inside, outside = beta, beta + direction * 4 * se
        steps = 0
        while p_value(outside) > ALPHA and steps < 8:
            inside, outside, steps = outside, outside + direction * 4 * se, steps + 1
        if p_value(outside) > ALPHA:
            return None
        for _ in range(40):
            middle = (inside + outside) / 2
            if p_value(middle) > ALPHA:
                inside = middle
            else:
                outside = middle
        bounds.append((inside + outside) / 2)
    return bounds[0], bounds[1]
