"""What a public page may show of a report: suppressed, rounded, reliable figures only.

Every figure here is derived from the analysts' report through `suppression.suppress`:
counts of 1 to k−1 never appear, nor anything they could be worked out from;
percentages are whole numbers; unreliable estimates are left out; questions about the
respondent (demographics) are shown city-wide only; free text never appears.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .report import GroupResult, QuestionResult, Report
from .suppression import Suppression, suppress

CITY_ROW = "__city__"


@dataclass
class PublicCell:
    code: str
    label: str
    percent: int | None  # None: suppressed


@dataclass
class PublicGroup:
    neighborhood: str | None
    name: str
    n: int | None  # None: suppressed
    cells: list[PublicCell] = field(default_factory=list)
    mean: float | None = None
    ci: tuple[float, float] | None = None
    favorable: int | None = None  # whole percent
    favorable_ci: tuple[int, int] | None = None
    hidden: bool = False  # too few answers: nothing of the group is shown
    uncertain: bool = False  # shown, but its estimates are too uncertain to publish


@dataclass
class PublicQuestion:
    key: str
    type: str
    label: str
    measure: str
    codes: list[tuple[str, str, bool]]
    overall: PublicGroup
    groups: list[PublicGroup]
    test: str | None = None
    note: str = ""
    favorable_codes: tuple[str, ...] = ()
    favorable_at_least: float | None = None  # indices: a score at least this is favorable


def public_results(report: Report, keys: Sequence[str] | None = None) -> list[PublicQuestion]:
    """The publishable view of the questions and indices named by `keys` (all if None)."""
    results = [*report.questions, *report.indices]
    if keys is not None:
        order = {key: i for i, key in enumerate(keys)}
        results = sorted((r for r in results if r.key in order), key=lambda r: order[r.key])
    return [public_question(result, report.k) for result in results]


def public_question(result: QuestionResult, k: int) -> PublicQuestion:
    by_neighborhood = not result.about_respondent
    groups = result.groups if by_neighborhood else []
    codes = [(c, label) for c, label, non in result.codes if not non]
    # Every code counts in a group's n, "don't know" too, so every code is a column of the
    # tables that decide what to hide, shown or not.
    all_codes = [c for c, _label, _non in result.codes]
    if result.type == "multiple_choice":
        hidden = _multiple_choice_suppression(groups, result.overall, codes, k)
    elif codes:
        table = {
            g.neighborhood: {c: g.estimate.counts.get(c, 0) for c in all_codes} for g in groups
        }
        if not groups:
            table = {CITY_ROW: {c: result.overall.estimate.counts.get(c, 0) for c in all_codes}}
        hidden = {None: _suppress_with_unplaced(table, result.overall, k)}
    else:
        table = {g.neighborhood: {"n": g.estimate.n} for g in groups}
        table = table or {CITY_ROW: {"n": result.overall.estimate.n}}
        hidden = {None: _suppress_with_unplaced(table, result.overall, k, by_n=True)}
    overall = _public_group(result.overall, CITY_ROW, codes, hidden, result, k, city=True)
    public_groups = [
        _public_group(g, g.neighborhood, codes, hidden, result, k, city=False) for g in groups
    ]
    test = None
    if result.test is not None and by_neighborhood and result.test.p_value == result.test.p_value:
        test = result.test.name
    note = "" if by_neighborhood else "Shown for the whole city only."
    return PublicQuestion(
        key=result.key,
        type=result.type,
        label=result.label,
        measure=result.measure,
        codes=result.codes,
        overall=overall,
        groups=public_groups,
        test=test,
        note=note,
        favorable_codes=result.favorable_codes,
        favorable_at_least=getattr(result, "favorable_at_least", None),
    )


UNPLACED_ROW = "__unplaced__"


def _suppress_with_unplaced(table: dict, overall: GroupResult, k: int, by_n: bool = False):
    """Suppress `table`, protecting the respondents who gave no neighborhood: they are in
    the city-wide figures but in no published row, so a row of them (never shown) joins
    the table, hidden from the start."""
    if CITY_ROW in table:
        return suppress(table, k)
    columns = {c for row in table.values() for c in row}
    totals = {"n": overall.estimate.n} if by_n else overall.estimate.counts
    unplaced = {c: totals.get(c, 0) - sum(row.get(c, 0) for row in table.values()) for c in columns}
    if not any(v > 0 for v in unplaced.values()):
        return suppress(table, k)
    return suppress({**table, UNPLACED_ROW: unplaced}, k, hidden_rows=[UNPLACED_ROW])


def _multiple_choice_suppression(groups, overall, codes, k) -> dict:
    """Each option is its own yes/no table of neighborhoods."""

    def yes_no(estimate, code):
        return {
            "yes": estimate.counts.get(code, 0),
            "no": estimate.n - estimate.counts.get(code, 0),
        }

    hidden = {}
    for code, _ in codes:
        table = {g.neighborhood: yes_no(g.estimate, code) for g in groups}
        if not table:
            hidden[code] = suppress({CITY_ROW: yes_no(overall.estimate, code)}, k)
            continue
        city = yes_no(overall.estimate, code)
        unplaced = {c: city[c] - sum(row[c] for row in table.values()) for c in city}
        if any(v > 0 for v in unplaced.values()):
            table[UNPLACED_ROW] = unplaced
        hidden[code] = suppress(table, k, hidden_rows=[UNPLACED_ROW])
    return hidden


def _is_hidden(hidden: dict, row, code: str) -> bool:
    suppression: Suppression = hidden.get(code) or hidden.get(None)
    column = "yes" if code in hidden else code
    if row == CITY_ROW:
        return column in suppression.columns or (
            CITY_ROW in suppression.rows or (CITY_ROW, column) in suppression.cells
        )
    return suppression.hides(row, column)


def _row_hidden(hidden: dict, row) -> bool:
    return any(row in s.rows for s in hidden.values())


def _public_group(group: GroupResult, row, codes, hidden, result, k, *, city: bool) -> PublicGroup:
    e = group.estimate
    public = PublicGroup(group.neighborhood, group.name, None)
    too_small = e.n < k or (not city and _row_hidden(hidden, row))
    if city and hidden.get(None) and CITY_ROW in hidden[None].rows:
        too_small = True
    if too_small:
        public.hidden = True
        return public
    public.n = e.n
    for code, label in codes:
        shown = not _is_hidden(hidden, row, code) and code in e.percent
        percent = round(e.percent[code]) if shown else None
        public.cells.append(PublicCell(code, label, percent))
    reliable = not group.unreliable
    public.uncertain = group.unreliable
    if reliable and e.mean is not None:
        public.mean = round(e.mean, 2)
        public.ci = tuple(round(v, 2) for v in e.ci) if e.ci else None
    favorable_hidden = any(_is_hidden(hidden, row, c) for c in result.favorable_codes)
    if reliable and e.favorable and not favorable_hidden:
        public.favorable = round(100 * e.favorable["p"])
        low, high = e.favorable["ci"]
        public.favorable_ci = (round(100 * low), round(100 * high))
    return public
