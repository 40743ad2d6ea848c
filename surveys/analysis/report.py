"""The report: one object with every figure, feeding the admin, public pages and files.

`build_report` runs the count queries (counts.py), weights the cells (weighting.py),
estimates per neighborhood and city-wide (estimates.py), compares neighborhoods and
periods (comparisons.py), marks what is too small or unreliable to publish
(suppression.py), and returns a `Report`; `Report.as_dict()` is the documented JSON.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cms.models import Neighborhood

from ..question_types import question_type
from ..questionnaire import IndexDefinition, Question
from .comparisons import compare_categories, compare_ranks
from .counts import Selection, answered_counts, value_counts
from .differences import adjust_families, families_statement, question_differences
from .estimates import Observation, estimate
from .indices import IndexResult, index_result
from .periods import (
    FAVORABLE,
    MEAN,
    adjust_changes,
    composition_note,
    distribution_change,
    period_change,
)
from .questions import analysable_questions
from .rao_scott import rao_scott_test
from .results import GroupResult, QuestionResult
from .statistics import TestResult
from .suppression import unreliable_reasons
from .weighting import ANY_CATEGORY, WeightingError, Weights, build_weights

WEIGHTING_NAMES = {"none": "none", "neighborhood": "post-stratification", "rake": "raking"}
MULTIPLE_COMPARISONS = families_statement(())


class _CityWide:
    """The "neighborhood" of city-wide figures: not None, which is a respondent's
    neighborhood when they gave none."""

    def __repr__(self) -> str:
        return "CITY"


CITY = _CityWide()


@dataclass
class Report:
    survey: str
    title: str
    responses: int
    weighting: str
    k: int
    selection: Selection
    questions: list[QuestionResult]
    indices: list[IndexResult]
    weighting_detail: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    scheme: str = "none"  # the weighting asked for and used: none, neighborhood, rake
    composition: str | None = None  # neighborhoods' shares of the sample moved
    multiple_comparisons: str = MULTIPLE_COMPARISONS
    primary_questions: list[str] = field(default_factory=list)  # one Holm family

    def question(self, key: str) -> QuestionResult | None:
        return next((q for q in [*self.questions, *self.indices] if q.key == key), None)

    def as_dict(self) -> dict[str, Any]:
        from .serialise import report_as_dict  # serialise imports this module's types

        return report_as_dict(self)


def build_report(
    selection: Selection,
    *,
    weighting: str = "none",
    margins: dict[str, dict[str, float]] | None = None,
    finite_population: bool = False,
) -> Report:
    """Analyse the responses `selection` picks. `weighting` is "none", "neighborhood"
    (post-stratification to neighborhood populations) or "rake" (also to `margins`).
    `finite_population` treats the responses as a stratified probability sample drawn
    from a frame (a finite population correction); never for opt-in answers.
    Raises WeightingError when the populations cannot be used."""
    survey = selection.survey.responses_survey
    questions, indices = analysable_questions(survey)
    neighborhoods = {n.pk: n for n in Neighborhood.objects.all()}
    margin_keys = list(margins or {}) if weighting == "rake" else []
    weights = build_weights(
        selection,
        weighting,
        neighborhoods,
        margins or {},
        margin_keys,
        finite_population=finite_population,
    )
    counts = value_counts(selection, [q.key for q in questions], margin_keys)
    multi_keys = [q.key for q in questions if q.type == "multiple_choice"]
    answered = answered_counts(selection, multi_keys, margin_keys) if multi_keys else []
    builder = _Builder(selection, weights, neighborhoods, survey.small_cell_threshold)
    by_key: dict[str, list] = defaultdict(list)
    for row in counts:
        by_key[row.key].append(row)
    respondents_by_key: dict[str, list] = defaultdict(list)
    for row in answered:
        respondents_by_key[row[3]].append(row)
    results = [
        builder.question(q, by_key.get(q.key, []), respondents_by_key.get(q.key)) for q in questions
    ]
    index_results = [builder.index(definition, questions) for definition in indices]
    known = {q.key for q in [*results, *index_results]}
    primary = [key for key in survey.primary_keys if key in known]
    adjust_families([*results, *index_results], primary)
    warnings = list(weights.warnings)
    if builder.composition:
        warnings.append(builder.composition)
    return Report(
        survey=survey.slug,
        title=survey.title,
        responses=weights.responses,
        weighting=WEIGHTING_NAMES[weights.scheme],
        scheme=weights.scheme,
        composition=builder.composition,
        k=survey.small_cell_threshold,
        selection=selection,
        questions=results,
        indices=index_results,
        weighting_detail=weights.detail,
        warnings=warnings,
        multiple_comparisons=families_statement(primary),
        primary_questions=primary,
    )


class _Builder:
    """Turns count rows into results, with the weights and strata of one report."""

    def __init__(self, selection: Selection, weights: Weights, neighborhoods, k: int):
        self.selection, self.weights, self.k = selection, weights, k
        self.neighborhoods = neighborhoods
        self.periods = (0, 1) if selection.has_periods else (0,)
        self._design_cache: dict = {}
        self.composition = self._composition() if selection.has_periods else None

    # --- shared pieces ----------------------------------------------------------------

    def _name(self, neighborhood_id) -> tuple[str | None, str]:
        if neighborhood_id is CITY:
            return None, "City-wide"
        hood = self.neighborhoods.get(neighborhood_id)
        return (hood.code, hood.name) if hood else ("", "No neighborhood given")

    def _observations(self, rows, *, by_period: bool = False) -> list:
        """Count rows as weighted observations (weighted within their period with
        `by_period`); rows the weights cannot cover are left out of weighted figures (and
        said so in the report's warnings)."""
        result = []
        for row in rows:
            period = row.period if by_period else None
            weight = self.weights.weight(row.neighborhood, row.categories, period)
            if weight is None:
                continue
            cell = (
                (row.neighborhood,)
                if row.categories == ANY_CATEGORY
                else (row.neighborhood, *row.categories)
            )
            result.append(
                Observation(row.neighborhood, weight, row.code, row.number, row.count, cell)
            )
        return result

    def _design(self, period: int | None, *, by_neighborhood: bool = False):
        key = (period, by_neighborhood)
        if key not in self._design_cache:
            self._design_cache[key] = self.weights.design(period, by_neighborhood=by_neighborhood)
        return self._design_cache[key]

    def _composition(self) -> str | None:
        """Neighborhoods' shares of each period's respondents, when they moved (only said
        of unweighted reports: weighting within each period removes the shift)."""
        if self.weights.weighted:
            return None
        counts: dict = defaultdict(lambda: [0.0, 0.0])
        for (hood, _), by_period in self.weights.cell_respondents.items():
            for period, n in by_period.items():
                counts[hood][period] += n
        totals = [sum(c[p] for c in counts.values()) for p in (0, 1)]
        if not all(totals):
            return None
        shares = {
            self._name(hood)[1]: (c[0] / totals[0], c[1] / totals[1]) for hood, c in counts.items()
        }
        return composition_note(shares)

    def _flags(self, group: GroupResult) -> GroupResult:
        group.suppressed = group.estimate.n < self.k
        group.reasons = unreliable_reasons(group.estimate)
        group.unreliable = bool(group.reasons)
        return group

    def _groups(self, make_estimate, observations: list[Observation]) -> tuple[GroupResult, list]:
        overall = self._flags(GroupResult(*self._name(CITY), make_estimate(observations, CITY)))
        by_group: dict = defaultdict(list)
        for obs in observations:
            by_group[obs.stratum].append(obs)
        groups = [
            self._flags(GroupResult(*self._name(hood), make_estimate(obs, hood)))
            for hood, obs in sorted(by_group.items(), key=lambda kv: self._name(kv[0])[1])
            if hood is not None
        ]
        return overall, groups

    # --- questions --------------------------------------------------------------------

    def question(self, question: Question, rows, answered_rows) -> QuestionResult:
        qtype = question_type(question.type)
        measure = qtype.measure
        non_substantive = question.non_substantive_codes
        weighted = self.weights.weighted
        respondents = self._respondents(answered_rows) if answered_rows is not None else None

        def make(observations, hood, period=None):
            return estimate(
                observations,
                design=self._design(period),
                non_substantive=non_substantive,
                favorable_codes=question.favorable,
                respondents=None if respondents is None else respondents(hood, period),
                weighted=weighted,
            )

        observations = self._observations(rows)
        overall, groups = self._groups(make, observations)
        result = QuestionResult(
            key=question.key,
            type=question.type,
            label=question.label,
            measure=measure,
            codes=[(c.code, c.label, c.non_substantive) for c in question.choices],
            favorable_codes=question.favorable,
            about_respondent=question.about_respondent,
            overall=overall,
            groups=groups,
        )
        self._compare(result, question, rows)
        result.differences = self.differences(
            result, observations, self._design(None), question.favorable, non_substantive
        )
        if self.selection.has_periods:
            result.periods, estimates = self._periods(rows, make, bool(question.favorable))
            if measure == "nominal" or question.type == "multiple_choice":
                codes = [c for c, _, non in result.codes if not non]
                result.distributions = [
                    distribution_change(
                        self._name(hood)[0],
                        self._name(hood)[1],
                        codes,
                        *pair,
                        multiple=question.type == "multiple_choice",
                    )
                    for hood, pair in estimates
                ]
        return result

    def differences(self, result, observations, design, favorable=(), non_substantive=()):
        """Every pair of the result's neighborhoods, with intervals (differences.py)."""
        return question_differences(
            result,
            observations,
            code_of=lambda hood: self._name(hood)[0],
            weighted=self.weights.weighted,
            design=design,
            favorable_codes=favorable,
            non_substantive=frozenset(non_substantive),
        )

    def _respondents(self, answered_rows):
        """A function (neighborhood, period) -> (respondents, their weight)."""
        table: dict = defaultdict(lambda: [0.0, 0.0])
        for hood, period, categories, _key, count in answered_rows:
            for p in (period, None):
                weight = self.weights.weight(hood, categories, p)
                if weight is None:
                    continue
                for group in (hood, CITY):
                    table[(group, p)][0] += count
                    table[(group, p)][1] += count * weight
        return lambda hood, period: tuple(table[(hood, period)])

    def _compare(self, result: QuestionResult, question: Question, rows) -> None:
        """The omnibus test across neighborhoods and every pair (unweighted counts;
        Rao–Scott for weighted categorical questions)."""
        if result.type == "multiple_choice":
            result.notes.append(
                "Each option of a multiple-choice question is reported as a proportion; "
                "no omnibus test."
            )
            return
        by_group = [r for r in rows if r.neighborhood is not None]
        codes = [c for c, _, non in result.codes if not non]
        if result.measure == "nominal":
            table: dict = defaultdict(lambda: defaultdict(float))
            for row in by_group:
                if row.code in codes:
                    table[self._name(row.neighborhood)[0]][row.code] += row.count
            result.test, result.pairwise = compare_categories(table, codes, small_group=self.k)
            if self.weights.weighted:
                result.test = self._rao_scott(by_group, codes) or result.test
        else:
            distributions: dict = defaultdict(lambda: defaultdict(float))
            for row in by_group:
                if row.number is not None:
                    distributions[self._name(row.neighborhood)[0]][row.number] += row.count
            result.test, result.pairwise = compare_ranks(distributions, small_group=self.k)

    def _rao_scott(self, rows, codes) -> TestResult | None:
        cells = [
            (o.calibration_cell, o.weight, o.stratum, o.code, o.count)
            for o in self._observations(rows)
            if o.code in codes
        ]
        if not cells:
            return None
        names = {hood: self._name(hood)[1] for hood in self.weights.populations}
        rs = rao_scott_test(cells, self._design(None), row_names=names, columns=codes)
        if not math.isfinite(rs.statistic):
            return None
        return TestResult(
            "Rao–Scott corrected chi-square test (F)",
            rs.statistic,
            rs.df_numerator,
            rs.p_value,
            "mean generalised design effect",
            rs.design_effect,
            (f"denominator df {rs.df_denominator:.1f}", *rs.warnings),
        )

    def _periods(self, rows, make, has_favorable: bool):
        """The changes per neighborhood and city-wide (the headline measure first, then
        the mean of a scale with a favorable share), and the estimates they rest on."""
        changes, estimates = [], []
        # Each row weighed once, within its period, then sorted into (group, period).
        observed: dict = defaultdict(list)
        hoods = []
        for observation, row in zip(
            self._observations(rows, by_period=True), self._covered(rows), strict=True
        ):
            observed[(CITY, row.period)].append(observation)
            observed[(row.neighborhood, row.period)].append(observation)
            if row.neighborhood not in hoods and row.neighborhood is not None:
                hoods.append(row.neighborhood)
        groups = [CITY, *sorted(hoods, key=lambda h: self._name(h)[1])]
        for hood in groups:
            pair = [make(observed[(hood, p)], hood, p) for p in (0, 1)]
            estimates.append((hood, pair))
            code, name = self._name(hood)
            measures = [FAVORABLE, MEAN] if has_favorable else [MEAN]
            for measure in measures:
                if measure == MEAN and pair[0].mean is None and pair[1].mean is None:
                    continue
                change = period_change(
                    code,
                    *pair,
                    measure=measure,
                    weighted=self.weights.weighted,
                    name=name,
                    headline=measure == measures[0],
                )
                if hood is CITY and self.composition:
                    change.notes.append(self.composition)
                changes.append(change)
        adjust_changes(changes)
        return changes, estimates

    def _covered(self, rows):
        """The rows that period weights cover, in order (as _observations keeps them)."""
        return [
            row
            for row in rows
            if self.weights.weight(row.neighborhood, row.categories, row.period) is not None
        ]

    # --- indices ----------------------------------------------------------------------

    def index(self, definition: IndexDefinition, questions: list[Question]) -> IndexResult:
        return index_result(self, definition, questions)


__all__ = [
    "Report",
    "QuestionResult",
    "IndexResult",
    "GroupResult",
    "WeightingError",
    "build_report",
]
