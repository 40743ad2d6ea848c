"""Weights for a report: none, post-stratification to neighborhoods, or raking.

Weights are per *cell*: a neighborhood and, when raking, the respondent's categories on
the raking questions. Respondents choose themselves, so these are post-stratification
weights (R: `postStratify(svydesign(id=~1, weights=~1), ~neighborhood, pop)`), not
sampling weights. With two periods, each period is weighted on its own to the same
populations, so a shift in who answered moves no city-wide figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .counts import Selection, respondent_counts
from .design import Design
from .raking import proportional_margins, rake

ANY_CATEGORY = ("*",)  # a neighborhood's mean weight (for figures not split by category)


class WeightingError(ValueError):
    """Weights that cannot be computed, with a message saying why."""


@dataclass
class Weights:
    scheme: str  # none, neighborhood (post-stratification), rake
    responses: int
    cell_respondents: dict[tuple, dict[int, float]]  # (neighborhood, categories) -> {period: n}
    periods: tuple[int, ...] = (0,)
    cell_weights: dict[tuple, float] = field(default_factory=dict)  # all periods together
    period_weights: dict[int, dict[tuple, float]] = field(default_factory=dict)
    populations: dict = field(default_factory=dict)
    finite_population: bool = False  # a probability sample: stratified with fpc
    detail: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def weighted(self) -> bool:
        return self.scheme != "none"

    def weight(self, neighborhood, categories: tuple, period: int | None = None) -> float | None:
        """The weight of a respondent in this cell (within `period` when given); None if
        weighting cannot cover it."""
        if not self.weighted:
            return 1.0
        table = self.cell_weights if period is None else self.period_weights.get(period, {})
        if categories == ANY_CATEGORY:
            return self._mean_weight(table, neighborhood, period)
        return table.get((neighborhood, categories))

    def neighborhood_categories(self, neighborhood) -> tuple:
        return ANY_CATEGORY if self.scheme == "rake" else ()

    def _mean_weight(self, table, neighborhood, period) -> float | None:
        cells = [
            (w, self._sampled(cell, period)) for cell, w in table.items() if cell[0] == neighborhood
        ]
        total = sum(n for _, n in cells)
        return sum(w * n for w, n in cells) / total if total else None

    def _sampled(self, cell, period) -> float:
        by_period = self.cell_respondents.get(cell, {})
        return sum(n for p, n in by_period.items() if period is None or p == period)

    def design(self, period: int | None, *, by_neighborhood: bool = False) -> Design | None:
        """The calibration design of the respondents of `period` (None: all), by raking
        cell, or by neighborhood only (`by_neighborhood`: figures weighted by each
        neighborhood's mean weight)."""
        if not self.weighted:
            return None
        cells: dict = defaultdict(float)
        rake = self.scheme == "rake" and not by_neighborhood
        for (hood, categories), _ in self.cell_respondents.items():
            if hood is None:
                continue
            key = (hood, *categories) if rake else (hood,)
            cells[key] += self._sampled((hood, categories), period)
        cells = {key: n for key, n in cells.items() if n > 0}
        table = self.cell_weights if period is None else self.period_weights.get(period, {})
        if rake:
            weights = {(hood, *cats): w for (hood, cats), w in table.items()}
        else:
            weights = {(hood,): self.weight(hood, ANY_CATEGORY, period) for (hood,) in cells}
        if self.finite_population:
            return Design(cells, weights=weights, populations=self.populations)
        dimensions = 1 + (len(next(iter(cells))) - 1 if rake and cells else 0)
        return Design(cells, weights=weights, dimensions=dimensions)


def build_weights(
    selection: Selection,
    scheme: str,
    neighborhoods: dict,
    margins: dict[str, dict[str, float]],
    margin_keys: list[str],
    *,
    finite_population: bool = False,
) -> Weights:
    rows = respondent_counts(selection, margin_keys)
    cells: dict[tuple, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        cells[(row.neighborhood, row.categories)][row.period] += row.count
    weights = Weights(
        scheme,
        int(sum(r.count for r in rows)),
        {k: dict(v) for k, v in cells.items()},
        periods=(0, 1) if selection.has_periods else (0,),
        finite_population=finite_population and scheme == "neighborhood",
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
        weights.finite_population = False
        weights.warnings.append(
            "Unweighted: no population is known for " + ", ".join(sorted(missing)) + "."
        )
        return weights
    _refuse_populations_below_respondents(weights, neighborhoods, populations)
    if sampled.get(None):
        weights.warnings.append(
            f"{int(sampled[None])} responses without a neighborhood are left out of weighted "
            "figures."
        )
    weights.populations = {h: populations[h] for h in sampled if h is not None}
    if scheme == "neighborhood":
        _post_stratify(weights, neighborhoods)
    else:
        _rake(weights, margins, margin_keys)
    return weights


def _refuse_populations_below_respondents(weights: Weights, neighborhoods, populations) -> None:
    by_period: dict = defaultdict(float)
    for (hood, _), counts in weights.cell_respondents.items():
        for _period, n in counts.items():
            by_period[hood] += n
    smaller = [
        f"{neighborhoods[h].name} (population {populations[h]:g}, {int(n)} responses)"
        for h, n in by_period.items()
        if h is not None and populations[h] < n
    ]
    if smaller:
        raise WeightingError(
            "A neighborhood's population cannot be smaller than its number of responses: "
            + "; ".join(sorted(smaller))
            + ". Correct the population before weighting."
        )


def _weighted_periods(weights: Weights) -> tuple:
    """None (the whole selection), then each period when there are two."""
    return (None, *weights.periods) if len(weights.periods) > 1 else (None,)


def _sampled_by_neighborhood(weights: Weights, period: int | None) -> dict:
    sampled: dict = defaultdict(float)
    for (hood, categories), _ in weights.cell_respondents.items():
        if hood is not None:
            sampled[hood] += weights._sampled((hood, categories), period)
    return {h: n for h, n in sampled.items() if n > 0}


def _post_stratify(weights: Weights, neighborhoods) -> None:
    """N_h / n_h, over the whole selection and within each period."""
    for period in _weighted_periods(weights):
        sampled = _sampled_by_neighborhood(weights, period)
        table = {
            cell: weights.populations[cell[0]] / sampled[cell[0]]
            for cell in weights.cell_respondents
            if cell[0] in sampled
        }
        if period is None:
            weights.cell_weights = weights.period_weights[0] = table
        else:
            weights.period_weights[period] = table
            _warn_missing(weights, sampled, neighborhoods, period)
    weights.detail = {
        "method": "post-stratification",
        "populations": {neighborhoods[h].code: p for h, p in weights.populations.items()},
        "finite_population_correction": weights.finite_population,
        "within_periods": len(weights.periods) > 1,
    }


def _warn_missing(weights: Weights, sampled, neighborhoods, period: int) -> None:
    absent = [neighborhoods[h].name for h in weights.populations if h not in sampled]
    if absent and len(weights.periods) > 1:
        weights.warnings.append(
            f"No responses from {', '.join(sorted(absent))} in the "
            f"{'first' if period == 0 else 'second'} period: that period's city-wide "
            "figures stand for the other neighborhoods only."
        )


def _rake(weights: Weights, margins, margin_keys) -> None:
    """Raking to neighborhood populations and each margin: over the whole selection and
    within each period."""
    names = ["neighborhood", *margin_keys]
    margin_list, note = proportional_margins(
        [weights.populations] + [margins[key] for key in margin_keys], names
    )
    if note:
        weights.warnings.append(note)
    detail: dict = {"method": "raking", "margins": margin_keys}
    for period in _weighted_periods(weights):
        counts = {
            (cell[0], *cell[1]): weights._sampled(cell, period)
            for cell in weights.cell_respondents
            if cell[0] is not None and weights._sampled(cell, period) > 0
        }
        sampled = _sampled_by_neighborhood(weights, period)
        start = {key: weights.populations[key[0]] / sampled[key[0]] for key in counts}
        hood_margin = {h: p for h, p in margin_list[0].items() if h in sampled}
        period_margins, _ = proportional_margins([hood_margin, *margin_list[1:]], names)
        result = rake(counts, period_margins, names=names, start=start)
        table = {(key[0], tuple(key[1:])): w for key, w in result.weights.items()}
        summary = {
            "iterations": result.iterations,
            "converged": result.converged,
            "max_relative_error": result.max_relative_error,
            "failed_margin": result.failed_margin,
            "trimmed_cells": result.trimmed,
        }
        if period is None:
            weights.cell_weights = weights.period_weights[0] = table
            detail.update(summary)
            weights.warnings.extend(result.warnings)
        else:
            weights.period_weights[period] = table
            if len(weights.periods) > 1:
                detail.setdefault("periods", []).append(summary)
                weights.warnings.extend(
                    f"{'First' if period == 0 else 'Second'} period: {w}" for w in result.warnings
                )
    weights.detail = detail
    unmatched = sum(
        sum(n.values()) for cell, n in weights.cell_respondents.items() if None in cell[1]
    )
    if unmatched:
        weights.warnings.append(
            f"{int(unmatched)} responses did not answer a raking question and keep their "
            "neighborhood weight for that margin."
        )
