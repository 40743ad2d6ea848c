"""Before/after tables for analysts: what templates show of a report's period changes.

Rows are neighborhoods by name, city-wide first, in the report's stable order (by
name). The headline is the change in the favorable share, in percentage points, where
the question has one, and the change in the mean otherwise; the levels before and after
stand beside the change. Categorical and multiple-choice questions also get their
distribution before and after, with its test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .analysis.periods import FAVORABLE, DistributionChange, PeriodChange


@dataclass
class PeriodRow:
    name: str
    before: str
    after: str
    change: str
    interval: str
    test: str
    p_value: str
    p_bh: str
    note: str = ""
    emphasis: bool = False


@dataclass
class PeriodTable:
    caption: str
    rows: list[PeriodRow] = field(default_factory=list)


@dataclass
class DistributionTable:
    name: str
    codes: list[str]
    before: list[str]
    after: list[str]
    n: tuple[int, int]
    test: str
    p_value: str
    emphasis: bool = False


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    return "< 0.0001" if value < 0.0001 else f"{value:.4f}"


def _level(side: dict, percent: bool) -> str:
    level, ci = side["level"], side["ci"]
    if level is None:
        return "—"
    if percent:
        text = f"{100 * level:.0f}%"
        return f"{text} ({100 * ci[0]:.0f}–{100 * ci[1]:.0f}%)" if ci else text
    text = f"{level:.2f}"
    return f"{text} ({ci[0]:.2f}–{ci[1]:.2f})" if ci else text


def period_row(change: PeriodChange) -> PeriodRow:
    percent = change.measure == FAVORABLE
    city = change.neighborhood is None
    if change.change is None:
        difference = interval = "—"
    elif percent:
        difference = f"{100 * change.change:+.1f} pp"
        low, high = change.ci
        interval = f"{100 * low:+.1f} – {100 * high:+.1f} pp"
    else:
        difference = f"{change.change:+.2f}"
        interval = f"{change.ci[0]:+.2f} – {change.ci[1]:+.2f}"
    return PeriodRow(
        name=_("City-wide") if city else change.name,
        before=_level(change.before, percent),
        after=_level(change.after, percent),
        change=difference,
        interval=interval,
        test=change.test,
        p_value=_p(change.p_value),
        p_bh="" if city else _p(change.p_bh),
        note=" ".join(change.notes),
        emphasis=city,
    )


def period_tables(periods: list[PeriodChange]) -> list[PeriodTable]:
    """The headline table, then the mean's table of a scale that has a favorable share."""
    tables = []
    for headline in (True, False):
        changes = [c for c in periods if c.headline == headline]
        if not changes:
            continue
        if changes[0].measure == FAVORABLE:
            caption = _("Favorable share before and after (change in percentage points)")
        else:
            caption = _("Mean before and after")
        tables.append(PeriodTable(caption, [period_row(c) for c in changes]))
    return tables


def distribution_tables(
    distributions: list[DistributionChange], labels: dict[str, str]
) -> list[DistributionTable]:
    return [
        DistributionTable(
            name=_("City-wide") if d.neighborhood is None else d.name,
            codes=[labels.get(code, code) for code in d.codes],
            before=[f"{d.before[code]:.1f}%" for code in d.codes],
            after=[f"{d.after[code]:.1f}%" for code in d.codes],
            n=d.n,
            test=d.test,
            p_value=_p(d.p_value),
            emphasis=d.neighborhood is None,
        )
        for d in distributions
    ]
