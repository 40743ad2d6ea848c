"""Raking: iterative proportional fitting of weights to population margins, with trimming.

Convergence is judged on the weights that are returned, after the last trimming step: a
fit whose weighted totals miss a margin by more than the tolerance is reported as not
converged, naming the margin and category that failed. Standard errors after raking are
in design.py (`Design` with one dimension per margin), as R's `rake` + `svymean`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

TOLERANCE = 1e-6  # largest relative miss of a margin total that counts as converged


@dataclass
class RakingResult:
    weights: dict[tuple, float]  # by cell key (one category per margin)
    iterations: int
    converged: bool
    max_relative_error: float
    trimmed: int
    failed_margin: str | None = None  # "margin = category" missed by the most
    warnings: list[str] = field(default_factory=list)


class _Cells:
    """Cells as arrays: one index per margin (-1: not answered), counts and weights."""

    def __init__(self, cell_counts: Mapping[tuple, float], margins, start):
        self.keys = list(cell_counts)
        self.counts = np.array([float(cell_counts[k]) for k in self.keys])
        self.weights = np.array([float((start or {}).get(k, 1.0)) for k in self.keys])
        self.categories = [list(margin) for margin in margins]
        self.index = []
        self.targets = []
        for dimension, margin in enumerate(margins):
            position = {c: i for i, c in enumerate(self.categories[dimension])}
            self.index.append(np.array([position.get(k[dimension], -1) for k in self.keys]))
            self.targets.append(np.array([float(margin[c]) for c in self.categories[dimension]]))

    def totals(self, dimension: int) -> np.ndarray:
        index = self.index[dimension]
        answered = index >= 0
        return np.bincount(
            index[answered],
            weights=(self.weights * self.counts)[answered],
            minlength=len(self.categories[dimension]),
        )

    def target(self, dimension: int, totals: np.ndarray) -> np.ndarray:
        """The margin as totals; in proportion among the respondents who answered the
        margin's question when some did not."""
        target = self.targets[dimension]
        if (self.index[dimension] >= 0).all():
            return target
        return target * totals.sum() / target.sum()

    def errors(self) -> list[tuple[float, int, int]]:
        """(relative miss, margin, category) for every category someone falls in."""
        result = []
        for dimension in range(len(self.index)):
            totals = self.totals(dimension)
            target = self.target(dimension, totals)
            for category, (got, wanted) in enumerate(zip(totals, target, strict=True)):
                if got > 0 and wanted > 0:
                    result.append((abs(got - wanted) / wanted, dimension, category))
        return result


def rake(
    cell_counts: Mapping[tuple, float],
    margins: Sequence[Mapping[Hashable, float]],
    *,
    names: Sequence[str] | None = None,
    start: Mapping[tuple, float] | None = None,
    tolerance: float = TOLERANCE,
    max_iterations: int = 1000,
    trim_ratio: float | None = 5.0,
    trim_passes: int = 5,
) -> RakingResult:
    """Iterative proportional fitting of per-respondent weights to population margins.

    `cell_counts` maps a cell key — one category per margin, in the order of `margins` —
    to its number of respondents. `margins[i]` maps categories of dimension i to
    population totals. Respondents whose category is not in a margin (they did not
    answer that question) keep their weights in that step, and the margin is matched as
    proportions among those who did. Weights above `trim_ratio` × the median weight are
    trimmed and the fit repeated, `trim_passes` times at most.
    """
    names = list(names or [f"margin {i + 1}" for i in range(len(margins))])
    cells = _Cells(cell_counts, margins, start)
    trimmed, iterations = 0, 0
    for _ in range(trim_passes):
        iterations = _fit(cells, tolerance, max_iterations)
        if trim_ratio is None:
            break
        cap = trim_ratio * float(np.median(cells.weights))
        over = cells.weights > cap
        if not over.any():
            break
        trimmed += int(over.sum())
        cells.weights[over] = cap
    # Judged on the weights returned: after the last trimming, not before it.
    errors = cells.errors()
    error, dimension, category = max(errors, default=(0.0, 0, 0))
    converged = bool(error <= tolerance)
    error = float(error)
    result = RakingResult(
        dict(zip(cells.keys, cells.weights.tolist(), strict=True)),
        iterations,
        converged,
        error,
        trimmed,
    )
    if not converged:
        failed = f"{names[dimension]} = {cells.categories[dimension][category]}"
        result.failed_margin = failed
        result.warnings.append(
            f"Raking did not converge: the margin {failed} is off by {error:.2%} "
            f"after {iterations} iterations (trimmed {trimmed} cells)."
        )
    for dimension, margin in enumerate(margins):
        for position, category in enumerate(margin):
            if not (cells.index[dimension] == position).any():
                result.warnings.append(
                    f"No respondent falls in margin category {names[dimension]} = {category}."
                )
    return result


def _fit(cells: _Cells, tolerance: float, max_iterations: int) -> int:
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007
        for dimension in range(len(cells.index)):
            totals = cells.totals(dimension)
            target = cells.target(dimension, totals)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(totals > 0, target / totals, 1.0)
            index = cells.index[dimension]
            answered = index >= 0
            cells.weights[answered] *= factor[index[answered]]
        if max(cells.errors(), default=(0.0,))[0] <= tolerance:
            break
    return iterations


def proportional_margins(
    margins: Sequence[Mapping[Hashable, float]], names: Sequence[str]
) -> tuple[list[dict], str | None]:
    """Margins rescaled to the first margin's total (the neighborhood populations), with
    a note naming those whose totals differed; unchanged when every total agrees."""
    total = sum(margins[0].values())
    result, differing = [dict(margins[0])], []
    for name, margin in zip(names[1:], margins[1:], strict=True):
        own = sum(margin.values())
        if own and not math.isclose(own, total, rel_tol=1e-9):
            differing.append(f"{name} ({own:g})")
            margin = {c: v * total / own for c, v in margin.items()}
        result.append(dict(margin))
    if not differing:
        return result, None
    return result, (
        f"Raking margins whose totals differ from the neighborhood populations ({total:g}) "
        f"were used as proportions of that total: {', '.join(differing)}."
    )
