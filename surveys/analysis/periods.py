"""Comparing two periods (before / after a day, or two date ranges).

Each period is weighted on its own to the same populations (weighting.py), so a change
in who answered is not a change in opinion. The headline of a question is the change in
its favorable share (percentage points) where it has one, the change in the mean
otherwise; scales with both report the mean's change too. Categorical and
multiple-choice questions also get their distribution before and after, with a test.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .estimates import Estimate
from .statistics import (
    benjamini_hochberg,
    chi_square_test,
    t_quantile,
    t_two_sided_p,
    wilson_interval,
)

FAVORABLE = "favorable proportion"
MEAN = "mean"
COMPOSITION_SHIFT = 0.05  # a neighborhood's share of the sample moving this much is reported


@dataclass
class PeriodChange:
    neighborhood: str | None
    before: dict
    after: dict
    change: float | None
    ci: tuple[float, float] | None
    test: str
    p_value: float | None
    p_bh: float | None = None
    measure: str = MEAN
    notes: list[str] = field(default_factory=list)
    name: str = ""
    headline: bool = True  # the question's headline measure (else a secondary one)
    se: float | None = None  # of a t-test's change
    df: float | None = None


@dataclass
class DistributionChange:
    """A categorical question's distribution before and after, with its test."""

    neighborhood: str | None
    name: str
    codes: list[str]
    before: dict[str, float]  # percent per code
    after: dict[str, float]
    n: tuple[int, int]
    test: str
    statistic: float | None
    df: float | None
    p_value: float | None
    per_code_p: dict[str, float] = field(default_factory=dict)  # multiple choice: per option


def _side(estimate: Estimate, measure: str) -> dict:
    favorable = estimate.favorable
    level, ci = (
        (favorable["p"], favorable["ci"])
        if measure == FAVORABLE and favorable
        else (estimate.mean, estimate.ci)
    )
    return {
        "n": estimate.n,
        "mean": estimate.mean,
        "favorable": favorable,
        "level": level,
        "ci": ci,
    }


def period_change(
    neighborhood: str | None,
    before: Estimate,
    after: Estimate,
    *,
    measure: str,
    weighted: bool,
    name: str = "",
    headline: bool = True,
) -> PeriodChange:
    """The change in `measure` (MEAN or FAVORABLE) from `before` to `after`."""
    base = {
        "neighborhood": neighborhood,
        "before": _side(before, measure),
        "after": _side(after, measure),
        "measure": measure,
        "name": name,
        "headline": headline,
    }
    if measure == MEAN and before.se is not None and after.se is not None:
        return PeriodChange(**base, **mean_change(before, after, weighted))
    if measure == FAVORABLE and before.favorable and after.favorable:
        return PeriodChange(**base, **favorable_change(before.favorable, after.favorable, weighted))
    return PeriodChange(
        **base,
        change=None,
        ci=None,
        test="none",
        p_value=None,
        notes=["Not enough answers in one of the periods."],
    )


def t_result(change: float, se: float, df: float, test: str) -> dict:
    notes = []
    if se > 0:
        p_value = t_two_sided_p(change / se, df)
    elif change:  # every answer the same within each period, but not across: t is infinite
        p_value, notes = 0.0, ["No variation within either period."]
    else:
        p_value, notes = None, ["No variation in either period: no test."]
    half = t_quantile(0.975, max(df, 1)) * se
    return {
        "se": se,
        "df": df,
        "change": change,
        "ci": (change - half, change + half),
        "test": test,
        "p_value": p_value,
        "notes": notes,
    }


def mean_change(before: Estimate, after: Estimate, weighted: bool) -> dict:
    change = after.mean - before.mean
    se = math.hypot(before.se, after.se)
    if weighted:
        # Design degrees of freedom, as the single-period intervals use.
        df = (before.df or 1) + (after.df or 1)
        return t_result(change, se, df, "t-test on the difference of weighted means")
    return t_result(change, se, _welch_df(before, after), "Welch's t-test")


def favorable_change(before: dict, after: dict, weighted: bool) -> dict:
    p1, p2 = before["p"], after["p"]
    change = p2 - p1
    if weighted:
        # The weighted proportions with their linearised variances, so that the
        # interval and the p-value agree.
        se = math.hypot(before["se"], after["se"])
        df = before["df"] + after["df"]
        return t_result(change, se, df, "t-test on the difference of weighted proportions")
    n1, n2 = before["n"], after["n"]
    l1, u1 = wilson_interval(p1 * n1, n1)
    l2, u2 = wilson_interval(p2 * n2, n2)
    # Newcombe's hybrid score interval for a difference of proportions.
    ci = (
        change - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
        change + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
    )
    yes1, yes2 = round(p1 * n1), round(p2 * n2)
    name, p_value = two_by_two(yes1, n1 - yes1, yes2, n2 - yes2)
    return {"change": change, "ci": ci, "test": name, "p_value": p_value, "notes": []}


def two_by_two(a: float, b: float, c: float, d: float) -> tuple[str, float]:
    """Pearson's chi-square with Yates' correction for a 2×2 table, in closed form (a
    report makes one per neighborhood and question); Fisher's test, through
    chi_square_test, when an expected count is under 5 or a margin is empty."""
    n = a + b + c + d
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if not margins or min((a + b), (c + d)) * min((a + c), (b + d)) / n < 5:
        test = chi_square_test([[a, b], [c, d]])
        return test.name, test.p_value
    statistic = n * max(0.0, abs(a * d - b * c) - n / 2) ** 2 / margins
    return "Pearson's chi-square test of independence", math.erfc(math.sqrt(statistic / 2))


def _welch_df(a: Estimate, b: Estimate) -> float:
    va, vb = a.se**2, b.se**2
    denominator = va * va / max(a.n_mean - 1, 1) + vb * vb / max(b.n_mean - 1, 1)
    return (va + vb) ** 2 / denominator if denominator else 1.0


def adjust_changes(changes: list[PeriodChange]) -> None:
    """Benjamini–Hochberg across neighborhoods, per measure (the city-wide change is not
    in the family)."""
    for measure in {c.measure for c in changes}:
        family = [
            c
            for c in changes
            if c.measure == measure and c.neighborhood is not None and c.p_value is not None
        ]
        for change, adjusted in zip(
            family, benjamini_hochberg([c.p_value for c in family]), strict=True
        ):
            change.p_bh = adjusted


def distribution_change(
    neighborhood: str | None,
    name: str,
    codes: Sequence[str],
    before: Estimate,
    after: Estimate,
    *,
    multiple: bool,
) -> DistributionChange:
    """The distribution of substantive codes before and after: Pearson's chi-square of
    period × code on the answers (a test per option for multiple choice, BH-adjusted)."""
    result = DistributionChange(
        neighborhood,
        name,
        list(codes),
        {c: before.percent.get(c, 0.0) for c in codes},
        {c: after.percent.get(c, 0.0) for c in codes},
        (before.n, after.n),
        "none",
        None,
        None,
        None,
    )
    if not before.n or not after.n:
        return result
    if multiple:
        tests = {}
        for code in codes:
            yes = (before.counts.get(code, 0), after.counts.get(code, 0))
            table = [[yes[0], before.n - yes[0]], [yes[1], after.n - yes[1]]]
            tests[code] = chi_square_test(table).p_value
        finite = {c: p for c, p in tests.items() if p is not None and math.isfinite(p)}
        adjusted = benjamini_hochberg(list(finite.values()))
        result.per_code_p = dict(zip(finite, adjusted, strict=True))
        result.test = "chi-square test per option (Benjamini–Hochberg across options)"
        result.p_value = min(adjusted) if adjusted else None
        return result
    table = [[before.counts.get(c, 0) for c in codes], [after.counts.get(c, 0) for c in codes]]
    test = chi_square_test(table)
    result.test, result.statistic, result.df = test.name, test.statistic, test.df
    result.p_value = test.p_value if math.isfinite(test.p_value) else None
    return result


def composition_note(shares: Mapping[str, tuple[float, float]]) -> str | None:
    """A plain note when neighborhoods' shares of the sample moved between periods by
    COMPOSITION_SHIFT or more: (name -> (share before, share after))."""
    moved = {name: (a, b) for name, (a, b) in shares.items() if abs(b - a) >= COMPOSITION_SHIFT}
    if not moved:
        return None
    listed = ", ".join(f"{name} {a:.0%} → {b:.0%}" for name, (a, b) in sorted(moved.items()))
    return (
        "Neighborhoods' shares of the sample moved between periods "
        f"({listed}): an unweighted city-wide change mixes a change in who answered with "
        "a change in opinion. Compare with post-stratification by neighborhood."
    )
