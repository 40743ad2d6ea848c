"""How surveys/analysis/impact.py fits its cells: the fixed-effects design, its rank
check and pseudo-inverse from one singular value decomposition, and the weighted least
squares with standard errors clustered by neighborhood in statsmodels' own arithmetic
(`WLS(y, X, weights).fit(cov_type="cluster")`; tests/analysis/test_impact_regression.py
holds it to statsmodels within 1e-9). A design shared by several questions — the same
cells, regressors and weights — is built and decomposed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .impact import Cells


def fixed_effects(cells: Cells) -> np.ndarray:
    """The intercept and neighborhood and period indicators (the first of each left out)."""
    key = (cells.neighborhood.tobytes(), cells.period.tobytes())
    cached = _FIXED_EFFECTS.get(key)
    if cached is None:
        columns = [np.ones((len(cells.mean), 1))]
        for labels in (cells.neighborhood, cells.period):
            levels = np.unique(labels)[1:]
            columns.append((labels[:, None] == levels[None, :]).astype(float))
        cached = np.hstack(columns)
        cached.flags.writeable = False  # shared by every fit on these cells
        _FIXED_EFFECTS.put(key, cached)
    return cached


def full_rank(design: np.ndarray, weight: np.ndarray) -> bool:
    return _decompose(design, weight)[0]


class _Recent:
    """A small most-recently-used cache: the questions of one survey usually share their
    cells' neighborhoods, periods and weights, so each design is built and decomposed
    once, not once per question."""

    def __init__(self, size: int):
        self.size, self.entries = size, {}

    def get(self, key):
        value = self.entries.pop(key, None)
        if value is not None:
            self.entries[key] = value
        return value

    def put(self, key, value):
        self.entries[key] = value
        while len(self.entries) > self.size:
            self.entries.pop(next(iter(self.entries)))
        return value


# One survey's impact section fits at most 15 designs (the estimate, the announcement
# date, the event study, up to 12 neighborhoods left out), each a few MB.
_FIXED_EFFECTS = _Recent(16)
_SOLVED = _Recent(16)


def forget_designs() -> None:
    """Free the cached designs (surveys/analysis/impact_report.py, after a section)."""
    _FIXED_EFFECTS.entries.clear()
    _SOLVED.entries.clear()


@dataclass(frozen=True)
class _Solved:
    """A design X, its weighted version sqrt(w)·X, whether that has full column rank and
    its pseudo-inverse (statsmodels' WLS computes the same from the same singular value
    decomposition), and the matrix summing rows by neighborhood."""

    design: np.ndarray
    wexog: np.ndarray
    full_rank: bool
    pinv: np.ndarray | None
    bread: np.ndarray | None  # pinv · pinvᵀ: (X'WX)⁻¹, statsmodels' normalized_cov_params
    summing: np.ndarray  # neighborhoods × cells, ones where a cell is the neighborhood's
    clusters: int


def _decompose(design: np.ndarray, weight: np.ndarray) -> tuple[bool, tuple]:
    """Full column rank of sqrt(w)·X as np.linalg.matrix_rank decides it (singular values
    above max(s)·max(shape)·eps), and the SVD it rests on."""
    wexog = np.sqrt(weight)[:, None] * design
    u, s, vt = np.linalg.svd(wexog, full_matrices=False)
    rank = int(np.count_nonzero(s > s.max() * max(wexog.shape) * np.finfo(s.dtype).eps))
    return rank == design.shape[1], (wexog, u, s, vt)


def _solve(cells: Cells, regressors: np.ndarray) -> _Solved:
    key = (
        regressors.shape,
        regressors.tobytes(),
        cells.neighborhood.tobytes(),
        cells.period.tobytes(),
        cells.weight.tobytes(),
    )
    solved = _SOLVED.get(key)
    if solved is not None:
        return solved
    design = np.column_stack([regressors, fixed_effects(cells)])
    design.flags.writeable = False  # shared by every fit of these cells and regressors
    groups, inverse = np.unique(cells.neighborhood, return_inverse=True)
    summing = np.zeros((len(groups), len(design)))
    summing[inverse, np.arange(len(design))] = 1.0
    pinv = bread = None
    rank_ok = False
    if len(design) > design.shape[1] and len(groups) >= 2:
        rank_ok, (wexog, u, s, vt) = _decompose(design, cells.weight)
        if rank_ok:  # statsmodels' pinv_extended: singular values under 1e-15·max are 0
            inverse_s = np.where(s > 1e-15 * s.max(), 1.0 / np.where(s > 0, s, 1.0), 0.0)
            pinv = np.dot(vt.T, inverse_s[:, None] * u.T)
            bread = np.dot(pinv, pinv.T)
    else:
        wexog = np.sqrt(cells.weight)[:, None] * design
    return _SOLVED.put(key, _Solved(design, wexog, rank_ok, pinv, bread, summing, len(groups)))


def _clustered_wls(solved: _Solved, y, weight) -> tuple[np.ndarray, np.ndarray]:
    """WLS coefficients and their CR1 covariance clustered by neighborhood, with CR1's
    factor on the rows given: the arithmetic of statsmodels'
    `WLS(y, X, weights).fit(cov_type="cluster")` (params = pinv·√w·y; scores √w·X·û
    summed by neighborhood; bread·meat·bread · G/(G − 1)·(n − 1)/(n − k)), without
    rebuilding the model for each fit. tests/analysis/test_impact_regression.py holds it
    to statsmodels within 1e-9."""
    wendog = np.sqrt(weight) * y
    params = np.dot(solved.pinv, wendog)
    wresid = wendog - np.dot(solved.wexog, params)
    sums = np.dot(solved.summing, solved.wexog * wresid[:, None])
    meat = np.dot(sums.T, sums)
    cov = np.dot(np.dot(solved.bread, meat), solved.bread.T)
    rows, k = solved.wexog.shape
    g = solved.clusters
    cov *= g / (g - 1.0) * ((rows - 1.0) / float(rows - k))
    return params, cov
