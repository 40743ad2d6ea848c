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

import numpy as np

from cms.models import Neighborhood

from ..question_types import question_type
from ..questionnaire import IndexDefinition, Question
from .comparisons import (
    Pairwise,
    PeriodChange,
    adjust_changes,
    compare_categories,
    compare_ranks,
    period_change,
)
from .counts import Selection, answered_counts, index_score_counts, item_moments, value_counts
from .design import Stratum, rao_scott_test
from .estimates import Estimate, Observation, estimate, index_estimate
from .questions import analysable_questions
from .statistics import TestResult, alpha_if_dropped, cronbach_alpha
from .suppression import RELIABLE_N_EFFECTIVE, RELIABLE_RSE
from .weighting import Weights, build_weights


class _CityWide:
    """The "neighborhood" of city-wide figures: not None, which is a respondent's
    neighborhood when they gave none."""

    def __repr__(self) -> str:
        return "CITY"


CITY = _CityWide()


@dataclass
class GroupResult:
    neighborhood: str | None  # code; None for city-wide
    name: str
    estimate: Estimate
    suppressed: bool = False  # fewer than k answers: never published
    unreliable: bool = False  # effective n < 30 or relative standard error ≥ 30%


@dataclass
class QuestionResult:
    key: str
    type: str
    label: str
    measure: str  # nominal, ordinal, numeric, index
    codes: list[tuple[str, str, bool]]  # (code, label, non-substantive)
    favorable_codes: tuple[str, ...]
    about_respondent: bool
    overall: GroupResult
    groups: list[GroupResult]
    test: TestResult | None = None
    pairwise: list[Pairwise] = field(default_factory=list)
    periods: list[PeriodChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class IndexResult(QuestionResult):
    items: tuple[str, ...] = ()
    reversed_items: tuple[str, ...] = ()
    alpha: float | None = None
    alpha_if_dropped: dict[str, float] = field(default_factory=dict)
    complete_respondents: int = 0


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
) -> Report:
    """Analyse the responses `selection` picks. `weighting` is "none", "neighborhood"
    (post-stratification to neighborhood populations) or "rake" (also to `margins`)."""
    survey = selection.survey.responses_survey
    questions, indices = analysable_questions(survey)
    neighborhoods = {n.pk: n for n in Neighborhood.objects.all()}
    margin_keys = list(margins or {}) if weighting == "rake" else []
    weights = build_weights(selection, weighting, neighborhoods, margins or {}, margin_keys)
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
    return Report(
        survey=survey.slug,
        title=survey.title,
        responses=weights.responses,
        weighting=weights.scheme,
        k=survey.small_cell_threshold,
        selection=selection,
        questions=results,
        indices=index_results,
        weighting_detail=weights.detail,
        warnings=list(weights.warnings),
    )


class _Builder:
    """Turns count rows into results, with the weights and strata of one report."""

    def __init__(self, selection: Selection, weights: Weights, neighborhoods, k: int):
        self.selection, self.weights, self.k = selection, weights, k
        self.neighborhoods = neighborhoods
        self.periods = (0, 1) if selection.has_periods else (0,)
        self._strata_cache: dict = {}

    # --- shared pieces ----------------------------------------------------------------

    def _name(self, neighborhood_id) -> tuple[str | None, str]:
        if neighborhood_id is CITY:
            return None, "City-wide"
        hood = self.neighborhoods.get(neighborhood_id)
        return (hood.code, hood.name) if hood else ("", "No neighborhood given")

    def _observations(self, rows, *, keep_all: bool = False) -> list:
        """Count rows as weighted observations; rows the weights cannot cover are left out
        of weighted figures (and said so in the report's warnings), or are None with
        `keep_all`, one per row."""
        result = []
        for row in rows:
            weight = self.weights.weight(row.neighborhood, row.categories)
            if weight is None:
                if keep_all:
                    result.append(None)
                continue
            result.append(Observation(row.neighborhood, weight, row.code, row.number, row.count))
        return result

    def _strata(self, period: int | None) -> dict:
        if period not in self._strata_cache:
            self._strata_cache[period] = self.weights.strata(period)
        return self._strata_cache[period]

    def _flags(self, group: GroupResult) -> GroupResult:
        e = group.estimate
        group.suppressed = e.n < self.k
        rse = e.relative_se
        favorable_rse = None
        if e.favorable and e.favorable["p"] and e.n_effective:
            p = e.favorable["p"]
            favorable_rse = math.sqrt(p * (1 - p) / e.n_effective) / p if p > 0 else None
        group.unreliable = e.n_effective < RELIABLE_N_EFFECTIVE or any(
            value is not None and value >= RELIABLE_RSE for value in (rse, favorable_rse)
        )
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
            strata = self._strata(period)
            return estimate(
                observations,
                strata=strata,
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
        if self.selection.has_periods:
            result.periods = self._periods(rows, make, question)
        return result

    def _respondents(self, answered_rows):
        """A function (neighborhood, period) -> (respondents, their weight)."""
        table: dict = defaultdict(lambda: [0.0, 0.0])
        for hood, period, categories, _key, count in answered_rows:
            weight = self.weights.weight(hood, categories)
            if weight is None:
                continue
            for group in (hood, CITY):
                for p in (period, None):
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
        hoods = sorted({r.neighborhood for r in rows})
        cells = []
        for row in rows:
            weight = self.weights.weight(row.neighborhood, row.categories)
            if weight is None or row.code not in codes:
                continue
            cells.append(
                (
                    row.neighborhood,
                    weight,
                    hoods.index(row.neighborhood),
                    codes.index(row.code),
                    row.count,
                )
            )
        if len(hoods) < 2 or len(codes) < 2 or not cells:
            return None
        rs = rao_scott_test(cells, self._strata(None), (len(hoods), len(codes)))
        return TestResult(
            "Rao–Scott corrected chi-square test (F)",
            rs.statistic,
            rs.df_numerator,
            rs.p_value,
            "design effect",
            rs.design_effect,
            (f"denominator df {rs.df_denominator:.1f}",),
        )

    def _periods(self, rows, make, question: Question) -> list[PeriodChange]:
        changes = []
        by_group: dict = defaultdict(list)
        for row in rows:
            by_group[row.neighborhood].append(row)
        # Each row weighed once, then sorted into (group, period).
        observed: dict = defaultdict(list)
        for row, observation in zip(rows, self._observations(rows, keep_all=True), strict=True):
            if observation is not None:
                observed[(CITY, row.period)].append(observation)
                observed[(row.neighborhood, row.period)].append(observation)
        groups = [(CITY, rows)] + [(h, r) for h, r in by_group.items() if h is not None]
        for hood, group_rows in groups:
            estimates = [make(observed[(hood, p)], hood, p) for p in (0, 1)]
            favorable = self._favorable_counts(group_rows, question) if question.favorable else None
            change = period_change(
                self._name(hood)[0],
                *estimates,
                favorable_counts=favorable,
                weighted=self.weights.weighted,
            )
            changes.append(change)
        adjust_changes(changes)
        return changes

    def _favorable_counts(self, rows, question: Question):
        chosen, non = set(question.favorable), question.non_substantive_codes
        counts = []
        for period in (0, 1):
            answering = [r for r in rows if r.period == period and r.code and r.code not in non]
            total = sum(r.count for r in answering)
            counts.append((sum(r.count for r in answering if r.code in chosen), total))
        return tuple(counts)

    # --- indices ----------------------------------------------------------------------

    def index(self, definition: IndexDefinition, questions: list[Question]) -> IndexResult:
        scale = {q.key: q for q in questions}
        tops = {
            key: max(float(c.code) for c in scale[key].choices if not c.non_substantive)
            for key in definition.items
            if key in scale
        }
        reversed_items = {key: tops[key] for key in definition.reversed_items if key in tops}
        rows = index_score_counts(
            self.selection, definition.items, reversed_items, definition.minimum_items
        )
        index_rows = [
            _Row(hood, period, self.weights.neighborhood_categories(hood), None, score, count)
            for hood, period, score, count in rows
        ]

        def make(observations, hood, period=None):
            return index_estimate(
                observations,
                strata=self._strata(period),
                favorable_at_least=definition.favorable_at_least,
                weighted=self.weights.weighted,
            )

        overall, groups = self._groups(make, self._observations(index_rows))
        result = IndexResult(
            key=definition.key,
            type="index",
            label=definition.label,
            measure="index",
            codes=[],
            favorable_codes=(),
            # An index of questions about the respondent is about the respondent too.
            about_respondent=any(
                scale[key].about_respondent for key in definition.items if key in scale
            ),
            overall=overall,
            groups=groups,
            items=definition.items,
            reversed_items=definition.reversed_items,
        )
        distributions: dict = defaultdict(lambda: defaultdict(float))
        for row in index_rows:
            if row.neighborhood is not None:
                distributions[self._name(row.neighborhood)[0]][row.number] += row.count
        result.test, result.pairwise = compare_ranks(distributions, small_group=self.k)
        n, sums, cross = item_moments(self.selection, definition.items, reversed_items)
        result.complete_respondents = n
        if n > 2:
            mean = np.array(sums) / n
            covariance = (np.array(cross) - n * np.outer(mean, mean)) / (n - 1)
            result.alpha = cronbach_alpha(covariance)
            result.alpha_if_dropped = dict(
                zip(definition.items, alpha_if_dropped(covariance), strict=True)
            )
        if self.selection.has_periods:
            result.periods = self._periods(index_rows, make, _NoFavorable())
        if self.weights.scheme == "rake":
            result.notes.append("Index scores use each neighborhood's mean raked weight.")
        return result


@dataclass(frozen=True)
class _Row:
    """A count row of an index, shaped like counts.ValueCount."""

    neighborhood: int | None
    period: int
    categories: tuple
    code: str | None
    number: float
    count: int


class _NoFavorable:
    favorable = ()
    non_substantive_codes = frozenset()


__all__ = ["Report", "QuestionResult", "IndexResult", "GroupResult", "build_report", "Stratum"]
