"""Composite indices: each respondent's mean of the items (reversed items as
(min + max) − x), reported and compared like a numeric question, with Cronbach's alpha
from sums of squares and products that SQL aggregates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..questionnaire import IndexDefinition, Question
from .comparisons import compare_ranks
from .counts import index_score_counts, item_moments
from .estimates import Observation, index_estimate
from .results import QuestionResult
from .statistics import alpha_if_dropped, cronbach_alpha


@dataclass
class IndexResult(QuestionResult):
    items: tuple[str, ...] = ()
    reversed_items: tuple[str, ...] = ()
    alpha: float | None = None
    alpha_if_dropped: dict[str, float] = field(default_factory=dict)
    complete_respondents: int = 0


def index_result(builder, definition: IndexDefinition, questions: list[Question]) -> IndexResult:
    """An index, reported and compared like a numeric question, with Cronbach's alpha;
    `builder` is the report's _Builder (its selection, weights and helpers)."""
    scale = {q.key: q for q in questions}
    # (min + max) − x reverses any scale: 1–5 to 5–1 and 0–10 to 10–0.
    ends = {key: sum(_scale_ends(scale[key])) for key in definition.items if key in scale}
    reversed_items = {key: ends[key] for key in definition.reversed_items if key in ends}
    rows = index_score_counts(
        builder.selection, definition.items, reversed_items, definition.minimum_items
    )
    index_rows = [
        _Row(hood, period, builder.weights.neighborhood_categories(hood), None, score, count)
        for hood, period, score, count in rows
    ]

    def make(observations, hood, period=None):
        return index_estimate(
            observations,
            design=builder._design(period, by_neighborhood=True),
            favorable_at_least=definition.favorable_at_least,
            weighted=builder.weights.weighted,
        )

    observations = builder._observations(index_rows)
    overall, groups = builder._groups(make, observations)
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
            distributions[builder._name(row.neighborhood)[0]][row.number] += row.count
    result.test, result.pairwise = compare_ranks(distributions, small_group=builder.k)
    threshold = definition.favorable_at_least
    if threshold is not None:  # scored as index_estimate marks favorable scores
        observations = [
            Observation(
                o.stratum,
                o.weight,
                str(int(o.number >= threshold - 1e-9)),
                o.number,
                o.count,
                o.cell,
            )
            for o in observations
        ]
    result.differences = builder.differences(
        result, observations, builder._design(None, by_neighborhood=True), ("1",)
    )
    n, sums, cross = item_moments(builder.selection, definition.items, reversed_items)
    result.complete_respondents = n
    if n > 2:
        mean = np.array(sums) / n
        covariance = (np.array(cross) - n * np.outer(mean, mean)) / (n - 1)
        result.alpha = cronbach_alpha(covariance)
        result.alpha_if_dropped = dict(
            zip(definition.items, alpha_if_dropped(covariance), strict=True)
        )
    if builder.selection.has_periods:
        result.periods, _ = builder._periods(
            index_rows, make, definition.favorable_at_least is not None
        )
    if builder.weights.scheme == "rake":
        result.notes.append("Index scores use each neighborhood's mean raked weight.")
    return result


def _scale_ends(question: Question) -> tuple[float, float]:
    values = [float(c.code) for c in question.choices if not c.non_substantive]
    return min(values), max(values)


@dataclass(frozen=True)
class _Row:
    """A count row of an index, shaped like counts.ValueCount."""

    neighborhood: int | None
    period: int
    categories: tuple
    code: str | None
    number: float
    count: int
