"""The counts behind one question's public figures: the cells disclosure control protects.

A public page prints, per group (a neighborhood or the whole city), an n and a figure:
the favorable share, the percentage per answer, the share choosing each option, or a
mean. Each rests on counts of people. `question_cells` lays those counts out as a table:

- rows: every neighborhood, the respondents who gave none (never printed, yet in the
  city-wide figures), and the city;
- `base`: the n a page prints, the substantive answers every percentage is of;
- `cells`: favorable ("favorable", "other"), or per answer code, or per option
  ("choices": each option is a yes/no split of the base), or per scale value (means);
- `gap`: the group's respondents who are not in the base ("don't know", "prefer not
  to say", skipped). It is never printed, but a reader who knows how many people of a
  neighborhood answered would work it out from the base, so it is protected like a cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from ..analysis.report import GroupResult, QuestionResult

CITY_ROW = "__city__"
UNPLACED_ROW = "__unplaced__"

FAVORABLE, OTHER = "favorable", "other"


@dataclass
class CellRow:
    respondents: int  # people of this group in the publication
    base: int  # the printed n
    cells: dict[str, int] = field(default_factory=dict)
    # Free numbers: the two largest answers by size and the sum of sizes (dominance.py).
    largest: tuple[float, ...] = ()
    magnitude: float = 0.0

    @property
    def gap(self) -> int:
        return max(self.respondents - self.base, 0)


@dataclass
class QuestionCells:
    key: str
    kind: str  # favorable, distribution, choices, mean
    categories: list[str]
    rows: dict[Hashable, CellRow]  # neighborhoods and UNPLACED_ROW
    city: CellRow
    values: dict[str, float] = field(default_factory=dict)  # mean: the value of each cell
    audited_means: bool = True  # False for free numbers and index scores: no cells


def kind_of(result: QuestionResult) -> str:
    groups = [result.overall, *result.groups]
    if result.type == "multiple_choice":
        return "choices"
    if any(g.estimate.favorable for g in groups):
        return "favorable"
    if any(g.estimate.mean is not None for g in groups):
        return "mean"
    return "distribution"


def question_cells(
    result: QuestionResult,
    respondents: Mapping[Hashable, int],
    *,
    ratio_counts: bool,
    kind: str | None = None,
) -> QuestionCells:
    """The cells of `result`. `respondents` counts people per neighborhood code,
    `UNPLACED_ROW` and `CITY_ROW` (`respondents_by_row`); `ratio_counts` is False when a weighted
    city-wide share is not a ratio of counts (its favorable count is then summed); `kind`
    overrides how the figures read the counts (city_only.py)."""
    kind = kind or kind_of(result)
    substantive = [c for c, _label, non in result.codes if not non]
    values: dict[str, float] = {}
    if kind == "favorable":
        categories = [FAVORABLE, OTHER]
    elif kind == "mean":
        categories = [c for c in substantive if _numeric(c)] if result.type != "number" else []
        values = {c: float(c) for c in categories}
    else:
        categories = substantive

    def row(group: GroupResult, people: int, city: bool) -> CellRow:
        e = group.estimate
        if kind == "favorable":
            base = _base(result, e)
            chosen = _favorable_count(result, e, base, city and not ratio_counts)
            return CellRow(people, base, {FAVORABLE: chosen, OTHER: base - chosen})
        if kind == "choices":
            return CellRow(people, e.n, {c: int(e.counts.get(c, 0)) for c in categories})
        if kind == "mean":
            cells = {c: int(e.counts.get(c, 0)) for c in categories}
            return CellRow(people, e.n_mean or e.n, cells, e.largest, e.magnitude)
        cells = {c: int(e.counts.get(c, 0)) for c in categories}
        return CellRow(people, sum(cells.values()), cells)

    rows = {
        g.neighborhood: row(g, respondents.get(g.neighborhood, 0), False) for g in result.groups
    }
    city = row(result.overall, respondents.get(CITY_ROW, 0), True)
    if kind == "favorable" and not ratio_counts:
        city.cells[FAVORABLE] = sum(r.cells[FAVORABLE] for r in rows.values())
        city.cells[OTHER] = city.base - city.cells[FAVORABLE]
    cell_names = [FAVORABLE, OTHER] if kind == "favorable" else categories
    unplaced = CellRow(
        respondents.get(UNPLACED_ROW, 0),
        city.base - sum(r.base for r in rows.values()),
        {
            c: city.cells.get(c, 0) - sum(r.cells.get(c, 0) for r in rows.values())
            for c in cell_names
        },
    )
    if city.largest:  # the unplaced's own largest answers are at most the city's
        unplaced.largest = city.largest
        unplaced.magnitude = city.magnitude - sum(r.magnitude for r in rows.values())
    if unplaced.respondents or unplaced.base:
        rows[UNPLACED_ROW] = unplaced
    return QuestionCells(
        key=result.key,
        kind=kind,
        categories=categories,
        rows=rows,
        city=city,
        values=values,
        audited_means=kind != "mean" or bool(categories),
    )


def _numeric(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def _base(result: QuestionResult, e) -> int:
    """Substantive answers: the base of the favorable share."""
    if result.type == "index":
        return e.n
    non = {c for c, _l, is_non in result.codes if is_non}
    return int(sum(v for c, v in e.counts.items() if c not in non))


def _favorable_count(result: QuestionResult, e, base: int, summed: bool) -> int:
    if result.type == "index" or not e.counts:
        return round((e.favorable or {}).get("p", 0) * base) if not summed else 0
    return int(sum(e.counts.get(c, 0) for c in result.favorable_codes))


def respondents_by_row(selection) -> dict[Hashable, int]:
    """People in the publication per neighborhood code, UNPLACED_ROW and CITY_ROW:
    what a determined reader is assumed to know besides the page."""
    # Imported here: the analysis' count queries need Django, the tables above do not.
    from cms.models import Neighborhood

    from ..analysis.counts import respondent_counts

    codes = dict(Neighborhood.objects.values_list("pk", "code"))
    people: dict[Hashable, int] = {CITY_ROW: 0}
    for row in respondent_counts(selection):
        code = codes.get(row.neighborhood, UNPLACED_ROW) if row.neighborhood else UNPLACED_ROW
        people[code] = people.get(code, 0) + row.count
        people[CITY_ROW] += row.count
    return people
