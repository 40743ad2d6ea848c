"""Pairs of neighborhoods for analysts: what the admin shows of a report's differences.

With 20 or more neighborhoods a question has hundreds of pairs, so the admin lists the
pairs whose adjusted p-value is under 0.05, most significant first, and every pair only
when asked ("every pair" in the filters); the spreadsheet's Differences sheet and the
`analyze` JSON always hold them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .analysis.differences import BH, PRIMARY, Difference
from .analysis.periods import FAVORABLE

SIGNIFICANT = 0.05


@dataclass
class DifferenceRow:
    pair: str
    difference: str
    interval: str
    p_value: str
    p_adjusted: str


@dataclass
class DifferenceTable:
    caption: str
    adjustment: str  # the family and method, in words
    total: int  # pairs with a test
    significant: int
    rows: list[DifferenceRow] = field(default_factory=list)


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def difference_table(
    differences: list[Difference], names: dict[str, str], *, every_pair: bool
) -> DifferenceTable | None:
    """The question's pairs (only the significant ones unless `every_pair`), with the
    neighborhoods by name."""
    tested = [d for d in differences if d.p_value is not None]
    if not tested:
        return None
    first = tested[0]
    percent = first.measure == FAVORABLE
    method = _("Benjamini–Hochberg") if first.adjustment == BH else _("Holm")
    family = (
        _("confirmatory family: every pair of every primary question")
        if first.family == PRIMARY
        else _("within this question")
    )
    significant = [d for d in tested if d.p_adjusted is not None and d.p_adjusted < SIGNIFICANT]
    shown = tested if every_pair else sorted(significant, key=lambda d: d.p_adjusted)

    def fmt(value: float) -> str:
        return f"{100 * value:+.1f}" if percent else f"{value:+.2f}"

    rows = [
        DifferenceRow(
            pair=f"{names.get(d.a, d.a)} − {names.get(d.b, d.b)}",
            difference=fmt(d.difference),
            interval="" if d.ci is None else f"{fmt(d.ci[0])} – {fmt(d.ci[1])}",
            p_value=_p(d.p_value),
            p_adjusted=_p(d.p_adjusted),
        )
        for d in shown
    ]
    caption = (
        _("Differences between neighborhoods, favorable share (percentage points)")
        if percent
        else _("Differences between neighborhoods, mean")
    )
    return DifferenceTable(
        caption=caption,
        adjustment=f"{method}, {family}",
        total=len(tested),
        significant=len(significant),
        rows=rows,
    )
