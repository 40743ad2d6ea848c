"""Pairwise differences between neighborhoods, with intervals and adjusted p-values.

For each question, every pair of neighborhoods (a, b) gets the difference a − b in the
question's headline measure — its favorable share where it has one, its mean otherwise —
with a 95% interval and a p-value:

- unweighted: means by Welch's t-test (R `t.test`); favorable shares by Newcombe's hybrid
  score interval with Pearson's chi-square or Fisher's test (R `prop.test`,
  `fisher.test`), as period changes are (periods.py);
- weighted: the weighted estimates with the linearised variance of the contrast,
  Var(a) + Var(b) − 2 Cov(a, b), the covariance from the calibration residuals (zero
  under post-stratification to neighborhoods, not under raking), and t on the two
  neighborhoods' degrees of freedom, (n_a − 1) + (n_b − 1). R: `svyttest(y ~ hood,
  subset(design, hood %in% c(a, b)))`, or `svycontrast` on `svyby(..., covmat = TRUE)`.

Adjusted p-values are set by `adjust_families`: the organizer's primary questions form
one Holm family (confirmatory); with primary questions named, every other question's
pairs are adjusted with Benjamini–Hochberg within the question (exploratory); with none
named, with Holm within each question.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .design import Design
from .estimates import Estimate, Observation
from .periods import FAVORABLE, MEAN, favorable_change, mean_change, t_result
from .statistics import benjamini_hochberg, holm

HOLM, BH = "holm", "bh"
PRIMARY, QUESTION = "primary", "question"


@dataclass
class Difference:
    """Neighborhood a minus neighborhood b (codes), in `measure`."""

    a: str
    b: str
    measure: str
    difference: float | None
    ci: tuple[float, float] | None
    test: str
    p_value: float | None
    se: float | None = None
    df: float | None = None
    p_adjusted: float | None = None
    adjustment: str = HOLM  # holm or bh
    family: str = QUESTION  # primary (all primary questions together) or question


def headline_measure(groups: Sequence[tuple[str, Estimate]]) -> str | None:
    """FAVORABLE where the groups have a favorable share, MEAN where they have a mean."""
    if any(e.favorable for _, e in groups):
        return FAVORABLE
    if any(e.mean is not None for _, e in groups):
        return MEAN
    return None


def pairwise_differences(
    groups: Sequence[tuple[str, Estimate]],
    *,
    weighted: bool,
    observations: dict[str, list[Observation]] | None = None,
    design: Design | None = None,
    favorable_codes: Iterable[str] = (),
    non_substantive: frozenset[str] = frozenset(),
) -> list[Difference]:
    """Every pair of `groups` ((code, estimate), in report order). Weighted, the
    covariances come from each group's `observations` and the calibration `design`."""
    measure = headline_measure(groups)
    if measure is None or len(groups) < 2:
        return []
    covariance = None
    if weighted and design is not None and observations is not None:
        score = _favorable_score(set(favorable_codes), non_substantive)
        if measure == MEAN:
            score = _mean_score
        covariance = _covariance(
            [(e, observations.get(code, [])) for code, e in groups], design, measure, score
        )
    result = []
    for i in range(len(groups)):
        for j in range(i + 1, len(groups)):
            (code_a, a), (code_b, b) = groups[i], groups[j]
            base = {"a": code_a, "b": code_b, "measure": measure}
            if covariance is not None:
                values = _weighted(a, b, measure, covariance, i, j)
            else:
                values = _unweighted(a, b, measure)
            if values is None:
                values = {"difference": None, "ci": None, "test": "none", "p_value": None}
            values.pop("notes", None)
            result.append(Difference(**base, **values))
    return result


def _unweighted(a: Estimate, b: Estimate, measure: str) -> dict | None:
    """a − b, as a period change from b to a."""
    if measure == MEAN:
        if a.se is None or b.se is None or a.mean is None or b.mean is None:
            return None
        values = mean_change(b, a, False)
    else:
        if not a.favorable or not b.favorable:
            return None
        values = favorable_change(b.favorable, a.favorable, False)
    p_value = values["p_value"]
    return {
        "difference": values["change"],
        "ci": values["ci"],
        "test": values["test"],
        # Both shares 0 (or 1): no test, and not in the family.
        "p_value": p_value if p_value is not None and math.isfinite(p_value) else None,
        "se": values.get("se"),
        "df": values.get("df"),
    }


def _weighted(a: Estimate, b: Estimate, measure: str, covariance, i: int, j: int) -> dict | None:
    if measure == MEAN:
        level_a, level_b, df_a, df_b = a.mean, b.mean, a.df, b.df
        test = "t-test on the difference of weighted means"
    else:
        if not a.favorable or not b.favorable:
            return None
        level_a, level_b = a.favorable["p"], b.favorable["p"]
        df_a, df_b = a.favorable["df"], b.favorable["df"]
        test = "t-test on the difference of weighted proportions"
    if level_a is None or level_b is None or not df_a or not df_b:
        return None
    variance = covariance[i, i] + covariance[j, j] - 2 * covariance[i, j]
    se, df = math.sqrt(max(variance, 0.0)), df_a + df_b
    values = t_result(level_a - level_b, se, df, test)
    return {
        "difference": values["change"],
        "ci": values["ci"],
        "test": values["test"],
        "p_value": values["p_value"],
        "se": se,
        "df": df,
    }


def _mean_score(observation: Observation) -> float | None:
    return observation.number


def _favorable_score(chosen: set[str], non_substantive: frozenset[str]) -> Callable:
    def score(observation: Observation) -> float | None:
        if observation.code is None or observation.code in non_substantive:
            return None
        return 1.0 if observation.code in chosen else 0.0

    return score


def _covariance(groups, design: Design, measure: str, score: Callable) -> np.ndarray:
    """The linearised covariance matrix of the groups' weighted estimates.

    Each group's influence score of a respondent of weight w and value y is
    w (y − ȳ_g) / W_g; the variance is scale · Σ (z − fit)², the fit the calibration's
    (Design.fitted). With S and Q each group's per-cell sums of z and z², F the fit of
    S and m the cell sizes: Cov(g, h) = Σ scale (Q δ_gh − F_g S_h − S_g F_h + m F_g F_h).
    """
    cells = len(design.keys)
    sums = np.zeros((cells, len(groups)))
    squares = np.zeros(len(groups))
    for g, (estimate, observations) in enumerate(groups):
        level = estimate.mean if measure == MEAN else (estimate.favorable or {}).get("p")
        scored = [(o, score(o)) for o in observations]
        scored = [(o, y) for o, y in scored if y is not None]
        total = sum(o.weight * o.count for o, _ in scored)
        if level is None or total <= 0:
            continue
        per_cell: dict = defaultdict(lambda: [0.0, 0.0])
        for o, y in scored:
            z = o.weight * (y - level) / total
            per_cell[o.calibration_cell][0] += z * o.count
            per_cell[o.calibration_cell][1] += z * z * o.count
        for cell, (s, q) in per_cell.items():
            row = design.position[cell]
            sums[row, g] += s
            squares[g] += design.scale[row] * q
    fitted = design.fitted(sums)
    scale = design.scale[:, None]
    cross = (fitted * scale).T @ sums
    covariance = -(cross + cross.T) + (fitted * scale * design.sampled[:, None]).T @ fitted
    covariance[np.diag_indices(len(groups))] += squares
    return covariance


def question_differences(
    result,
    observations: Iterable[Observation],
    *,
    code_of: Callable,
    weighted: bool,
    design: Design | None,
    favorable_codes: Iterable[str] = (),
    non_substantive: frozenset[str] = frozenset(),
) -> list[Difference]:
    """The differences of a question's (or index's) neighborhoods; `code_of` gives a
    stratum's neighborhood code. Multiple-choice questions have none."""
    if result.type == "multiple_choice":
        return []
    groups = [(g.neighborhood, g.estimate) for g in result.groups if g.neighborhood]
    by_code: dict = defaultdict(list)
    for observation in observations:
        by_code[code_of(observation.stratum)].append(observation)
    return pairwise_differences(
        groups,
        weighted=weighted,
        observations=by_code,
        design=design,
        favorable_codes=favorable_codes,
        non_substantive=non_substantive,
    )


def adjust_families(results: Sequence, primary: Sequence[str]) -> None:
    """Set every difference's adjusted p-value: the differences of all `primary`
    questions together, Holm (confirmatory); each other question's within it, with
    Benjamini–Hochberg when primary questions are named and Holm when none are."""
    primary_set = set(primary)
    confirmatory = [d for r in results if r.key in primary_set for d in r.differences]
    _adjust(confirmatory, HOLM, PRIMARY)
    for result in results:
        if result.key not in primary_set:
            _adjust(result.differences, BH if primary_set else HOLM, QUESTION)


def _adjust(family: list[Difference], method: str, name: str) -> None:
    tested = [d for d in family if d.p_value is not None]
    adjusted = (holm if method == HOLM else benjamini_hochberg)([d.p_value for d in tested])
    for difference, p in zip(tested, adjusted, strict=True):
        difference.p_adjusted, difference.adjustment, difference.family = p, method, name
    for difference in family:
        difference.adjustment, difference.family = method, name


def families_statement(primary: Sequence[str]) -> str:
    """The multiple-comparison families of a report, in one paragraph (the JSON's and
    the admin's `multiple_comparisons`)."""
    periods = (
        "Period changes: Benjamini–Hochberg within each question and measure, over "
        "neighborhoods (the city-wide change is not in the family). The omnibus tests' "
        "pairwise tests (chi-square, Fisher, Dunn) carry Holm and Benjamini–Hochberg "
        "within each question."
    )
    if primary:
        return (
            "Differences between pairs of neighborhoods: the primary questions named by "
            f"the organizers ({', '.join(primary)}) form one family adjusted with Holm's "
            "method (confirmatory, family-wise error), every pair of every primary "
            "question together; every other question is exploratory, its pairs adjusted "
            "with Benjamini–Hochberg (false discovery rate) within the question. " + periods
        )
    return (
        "Differences between pairs of neighborhoods: no primary questions are named, so "
        "each question's pairs form one family adjusted with Holm's method (family-wise "
        "error). " + periods
    )


def family_summary(primary: Sequence[str]) -> dict:
    """The families as data (the JSON's `families`)."""
    return {
        "primary_questions": list(primary),
        "confirmatory": {"adjustment": HOLM, "scope": "all pairs of all primary questions"}
        if primary
        else None,
        "other_questions": {
            "adjustment": BH if primary else HOLM,
            "scope": "the pairs of each question",
        },
        "period_changes": {"adjustment": BH, "scope": "neighborhoods, per question and measure"},
    }
