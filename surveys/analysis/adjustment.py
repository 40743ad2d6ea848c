"""Adjusting trends and the impact comparison for who answered.

The raw series and cells (trends.py) post-stratify each period to the neighborhood
populations: a month in which one neighborhood answered more moves nothing, but a month
in which a neighborhood's *younger* residents answered more still does. The adjustment
also holds each neighborhood's mix of answers to about-the-respondent questions (age
group, language, years in the neighborhood) fixed across periods:

- **Target.** For neighborhood h and adjustment question j, the share π_hj(c) of
  category c over the whole survey span, each period counting equally (the mean over the
  periods h answered in of the period's share: the post-stratified distribution). The
  whole span rather than the pre-period: trends have no pre-period, one set of weights
  then serves the trends, the comparison from the start and from the announcement alike,
  and it rests on every respondent rather than on the earlier ones alone.
- **Weights.** Within each neighborhood × period, the respondents are raked (raking.py,
  no trimming) to the margins N_h·π_hj over each adjustment question, so the cell still
  weighs N_h in total (post-stratification to the neighborhood kept) and its mix on the
  adjustment questions is the neighborhood's usual one. With a single question this is
  post-stratification to neighborhood × category, N_h·π_h(c) / n_htc.
- **Missing answers.** A respondent who skipped an adjustment question or chose a
  non-substantive answer ("prefer not to say") is in a category of its own, `MISSING`,
  held at its usual share like any other: nobody is dropped, so raw and adjusted
  estimates rest on the same respondents.
- **A category absent from a cell.** When no respondent of h in period t falls in a
  category, the targets are rescaled over the categories present (and a warning counts
  the cells): nothing can stand in for residents who did not answer.

Standard errors of the adjusted trends linearise both on the calibration margins
(neighborhood × category of each question; design.py, as R's `rake` + `svymean`) and on
the targets, which are estimated from the same respondents (adjusted_variance.py):
treated as known margins, they gave intervals that covered 72 % of the time.
Pure: counts in, weights and series out (surveys/analysis/adjusted_report.py reads them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .adjusted_variance import TargetVariance, adjusted_point, answer_sums, group_se
from .design import Design
from .estimates import Observation, estimate
from .impact import Cells
from .raking import rake
from .trends import FAVORABLE, MEAN, QuestionSeries, Series, cell_value

MISSING = "(not answered or prefer not to say)"


@dataclass(frozen=True)
class AdjustedRow:
    """`count` answers of `code` / `number` by respondents of `neighborhood` in `period`
    whose categories on the adjustment questions are `categories`."""

    neighborhood: object
    period: int
    categories: tuple
    code: str | None
    number: float | None
    count: int


@dataclass
class AdjustmentWeights:
    weights: dict[tuple, float]  # (neighborhood, period, categories) -> weight
    counts: dict[tuple, float]  # respondents, keyed like `weights`
    targets: dict  # neighborhood -> [ {category: share} per adjustment question ]
    cells: int  # neighborhood × period cells weighted
    rescaled: int  # of which some category of the span had no respondent
    not_converged: int
    warnings: list[str] = field(default_factory=list)
    _variance: TargetVariance | None = field(default=None, repr=False, compare=False)

    def target_variance(self) -> TargetVariance:
        """The influence arithmetic of these weights (adjusted_variance.py), built once."""
        if self._variance is None:
            self._variance = TargetVariance(self)
        return self._variance


def adjustment_weights(
    respondents: Mapping[tuple, float], populations: Mapping | None
) -> AdjustmentWeights:
    """Weights per (neighborhood, period, categories) from the responses counted so,
    `respondents`. `populations` {neighborhood: N}; None (an unweighted survey): each
    neighborhood × period keeps its own number of respondents as its total, so only
    the mix within it is adjusted. Responses without a neighborhood get no weight."""
    by_cell: dict = defaultdict(lambda: defaultdict(float))
    for (hood, period, categories), n in respondents.items():
        if hood is not None and n > 0 and (populations is None or hood in populations):
            by_cell[(hood, period)][categories] += n
    targets = _targets(by_cell)
    weights: dict = {}
    counted: dict = {}
    rescaled = not_converged = 0
    for (hood, period), counts in by_cell.items():
        total = populations[hood] if populations is not None else sum(counts.values())
        margins = []
        for j, shares in enumerate(targets[hood]):
            present = {c: s for c, s in shares.items() if any(k[j] == c for k in counts)}
            if len(present) < len(shares):
                rescaled += 1
            scale = total / sum(present.values())
            margins.append({c: s * scale for c, s in present.items()})
        fit = rake(counts, margins, trim_ratio=None)
        not_converged += not fit.converged
        for categories, w in fit.weights.items():
            weights[(hood, period, categories)] = w
            counted[(hood, period, categories)] = counts[categories]
    result = AdjustmentWeights(weights, counted, targets, len(by_cell), rescaled, not_converged)
    if rescaled:
        result.warnings.append(
            f"In {rescaled} neighborhood × period cell(s) and question(s), a category of an "
            "adjustment question had no respondent: those cells are weighted to the "
            "categories present."
        )
    if not_converged:
        result.warnings.append(
            f"Raking to the adjustment margins did not converge in {not_converged} "
            "neighborhood × period cell(s)."
        )
    return result


def _targets(by_cell) -> dict:
    """Each neighborhood's share of each category, the mean over its periods."""
    sums: dict = {}
    periods: dict = defaultdict(int)
    for (hood, _), counts in by_cell.items():
        total = sum(counts.values())
        questions = len(next(iter(counts)))
        shares = sums.setdefault(hood, [defaultdict(float) for _ in range(questions)])
        periods[hood] += 1
        for categories, n in counts.items():
            for j, category in enumerate(categories):
                shares[j][category] += n / total
    return {
        hood: [{c: s / periods[hood] for c, s in shares.items()} for shares in questions]
        for hood, questions in sums.items()
    }


def adjusted_series(
    rows: Sequence[AdjustedRow],
    adjustment: AdjustmentWeights,
    *,
    favorable: Sequence[str],
    non_substantive: frozenset[str],
    k: int,
) -> QuestionSeries:
    """The adjusted series (city-wide first, then each neighborhood) and the
    neighborhood × period cells of one question, as trends.question_series gives the
    raw ones: neighborhoods in the same order, so indices into `cells` agree."""
    measure = FAVORABLE if favorable else MEAN
    weights = adjustment.weights
    rows = [r for r in rows if (r.neighborhood, r.period, r.categories) in weights]
    hoods = sorted({r.neighborhood for r in rows}, key=repr)
    series = {hood: Series(hood, []) for hood in [None, *hoods]}
    by_period: dict = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    share = measure == FAVORABLE
    sums = answer_sums(rows, share, favorable, non_substantive)
    variance = adjustment.target_variance()
    for period in sorted(by_period):
        design = _design(adjustment, period)
        groups: dict = defaultdict(list)
        for obs in _observations(by_period[period], weights):
            groups[None].append(obs)
            groups[obs.stratum].append(obs)
        parts = {
            hood: variance.parts(hood, period, sums.get((hood, period), {}))
            for hood in groups
            if hood is not None
        }
        for hood, group in groups.items():
            result = estimate(
                group,
                design=design,
                non_substantive=non_substantive,
                favorable_codes=favorable,
                weighted=True,
            )
            chosen = list(parts.values()) if hood is None else [parts[hood]]
            se = group_se(variance, period, chosen)
            series[hood].points.append(adjusted_point(period, result, share, k, se))
    cells = adjusted_cells(rows, adjustment, favorable=favorable, non_substantive=non_substantive)
    return QuestionSeries(measure, list(series.values()), cells, hoods)


def adjusted_cells(
    rows: Sequence[AdjustedRow],
    adjustment: AdjustmentWeights,
    *,
    favorable: Sequence[str],
    non_substantive: frozenset[str],
) -> Cells:
    """The neighborhood × period cells of one question's substantive answers (favorable
    or not, or the number), with the adjusted weights; neighborhoods numbered in the
    order of `adjusted_series`."""
    weights = adjustment.weights
    rows = [r for r in rows if (r.neighborhood, r.period, r.categories) in weights]
    hoods = {h: i for i, h in enumerate(sorted({r.neighborhood for r in rows}, key=repr))}
    chosen, cell_rows = (set(favorable) if favorable else None), []
    for r in rows:
        value = cell_value(r.code, r.number, chosen, non_substantive)
        if value is None:
            continue
        weight = weights[(r.neighborhood, r.period, r.categories)]
        cell_rows.append((hoods[r.neighborhood], r.period, value, weight, r.count))
    return Cells.from_rows(cell_rows)


def _observations(rows, weights) -> list[Observation]:
    return [
        Observation(
            r.neighborhood,
            weights[(r.neighborhood, r.period, r.categories)],
            r.code,
            r.number,
            r.count,
            _calibration_cell(r.neighborhood, r.categories),
        )
        for r in rows
    ]


def _calibration_cell(hood, categories: tuple) -> tuple:
    """One calibration margin per adjustment question: neighborhood × its category."""
    return tuple((hood, category) for category in categories)


def _design(adjustment: AdjustmentWeights, period: int) -> Design:
    cells: dict = {}
    weights: dict = {}
    for (hood, p, categories), w in adjustment.weights.items():
        if p == period:
            key = _calibration_cell(hood, categories)
            cells[key] = adjustment.counts[(hood, p, categories)]
            weights[key] = w
    dimensions = len(next(iter(cells))) if cells else 1
    return Design(cells, weights=weights, dimensions=dimensions)
