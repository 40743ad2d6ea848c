"""Weights for a report: none, post-stratification to neighborhoods, or raking.

Weights are per *cell*: a neighborhood and, when raking, the respondent's categories on
the raking questions. Design: strata are neighborhoods, with the finite population
correction when populations are known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .counts import Selection, respondent_counts
from .design import Stratum, rake

ANY_CATEGORY = ("*",)  # a neighborhood's mean weight (for figures not split by category)


@dataclass
class Weights:
    scheme: str  # none, neighborhood, rake
    responses: int
    cell_respondents: dict[tuple, dict[int, float]]  # (neighborhood, categories) -> {period: n}
    cell_weights: dict[tuple, float] = field(default_factory=dict)
    populations: dict = field(default_factory=dict)
    detail: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def weighted(self) -> bool:
        return self.scheme != "none"

    def weight(self, neighborhood, categories: tuple) -> float | None:
        """The weight of a respondent in this cell; None if weighting cannot cover it."""
        if not self.weighted:
            return 1.0
        if categories == ANY_CATEGORY:
            return self._mean_weight(neighborhood)
        return self.cell_weights.get((neighborhood, categories))

    def neighborhood_categories(self, neighborhood) -> tuple:
        return ANY_CATEGORY if self.scheme == "rake" else ()

    def _mean_weight(self, neighborhood) -> float | None:
        cells = [
            (w, sum(self.cell_respondents.get(cell, {}).values()))
            for cell, w in self.cell_weights.items()
            if cell[0] == neighborhood
        ]
        total = sum(n for _, n in cells)
        return sum(w * n for w, n in cells) / total if total else None

    def strata(self, period: int | None) -> dict:
        sampled: dict = defaultdict(float)
        for (hood, _), by_period in self.cell_respondents.items():
            sampled[hood] += sum(n for p, n in by_period.items() if period is None or p == period)
        return {
            hood: Stratum(int(n), self.populations.get(hood) if self.weighted else None)
            for hood, n in sampled.items()
        }


def build_weights(
    selection: Selection,
    scheme: str,
    neighborhoods: dict,
    margins: dict[str, dict[str, float]],
    margin_keys: list[str],
) -> Weights:
    rows = respondent_counts(selection, margin_keys)
    cells: dict[tuple, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        cells[(row.neighborhood, row.categories)][row.period] += row.count
    weights = Weights(
        scheme, int(sum(r.count for r in rows)), {k: dict(v) for k, v in cells.items()}
    )
    if scheme == "none":
        return weights
    populations = {pk: n.population for pk, n in neighborhoods.items() if n.population}
    sampled: dict = defaultdict(float)
    for (hood, _), by_period in weights.cell_respondents.items():
        sampled[hood] += sum(by_period.values())
    missing = [neighborhoods[h].name for h in sampled if h is not None and h not in populations]
    if missing:
        weights.scheme = "none"
        weights.warnings.append(
            "Unweighted: no population is known for " + ", ".join(sorted(missing)) + "."
        )
        return weights
    if sampled.get(None):
        weights.warnings.append(
            f"{int(sampled[None])} responses without a neighborhood are left out of weighted "
            "figures."
        )
    weights.populations = {h: populations[h] for h in sampled if h is not None}
    base = {h: weights.populations[h] / n for h, n in sampled.items() if h is not None}
    if scheme == "neighborhood":
        weights.cell_weights = {cell: base[cell[0]] for cell in cells if cell[0] is not None}
        weights.detail = {
            "populations": {neighborhoods[h].code: p for h, p in weights.populations.items()}
        }
        return weights
    # Raking: neighborhoods first, then each margin.
    counts = {
        (cell[0], *cell[1]): sum(by_period.values())
        for cell, by_period in weights.cell_respondents.items()
        if cell[0] is not None
    }
    start = {key: base[key[0]] for key in counts}
    margin_list = [weights.populations] + [margins[key] for key in margin_keys]
    result = rake(counts, margin_list, start=start)
    weights.cell_weights = {(key[0], tuple(key[1:])): w for key, w in result.weights.items()}
    weights.warnings.extend(result.warnings)
    weights.detail = {
        "margins": margin_keys,
        "iterations": result.iterations,
        "converged": result.converged,
        "max_relative_error": result.max_relative_error,
        "trimmed_cells": result.trimmed,
    }
    unmatched = sum(n for key, n in counts.items() if any(c is None for c in key[1:]))
    if unmatched:
        weights.warnings.append(
            f"{int(unmatched)} responses did not answer a raking question and keep their "
            "neighborhood weight for that margin."
        )
    return weights
