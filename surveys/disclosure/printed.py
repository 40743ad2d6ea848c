"""What a page prints of one question, and the intruder's problem built from it.

`Printed` holds exactly the printed numbers (whole percentages, means to their printed
decimals, intervals as printed); `intruder_problem` turns them into facts about the
counts of `cells.py`, adding what a determined reader may know besides: how many people
of each neighborhood (and of the city) took part. The publication audits itself with
this, and the tests attack real pages with it, built from the HTML they print.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from ..analysis.statistics import wilson_interval
from .cells import CITY_ROW, FAVORABLE, OTHER, UNPLACED_ROW
from .intruder import Problem

HALF_PERCENT = 0.5


@dataclass
class PrintedRow:
    n: int | None = None
    percents: dict[str, int] = field(default_factory=dict)  # category -> whole percent
    interval: tuple[float, float] | None = None  # favorable (whole %) or mean interval
    mean: float | None = None


@dataclass
class Printed:
    kind: str  # favorable, distribution, choices, mean
    categories: list[str]
    rows: dict[Hashable, PrintedRow]  # neighborhoods and CITY_ROW (only what is printed)
    values: dict[str, float] = field(default_factory=dict)
    mean_decimals: int = 1
    # The printed n is the base of every figure; False: it may also count answers
    # outside the base ("don't know"), as pages before issue 18 printed it.
    n_is_base: bool = True
    # Which shares are ratios of counts: all unweighted; a neighborhood's under
    # neighborhood weighting (one weight per neighborhood); none under raking.
    ratios_of_counts: bool = True  # the city-wide row's
    hood_ratios: bool = True
    # Everyone in the publication gave a substantive answer (a required question without
    # "don't know"): a reader of the questionnaire knows no row has a gap.
    no_gap: bool = False
    # Rows named on the page even when hidden ("too few answers"): someone answered.
    listed: frozenset = frozenset()


ANSWERED = "answered"  # the one category of a question without categories (numbers)


def intruder_problem(
    printed: Printed,
    respondents: Mapping[Hashable, int],
    *,
    problem: Problem | None = None,
    question: str = "",
    unknown_people: frozenset = frozenset(),
) -> Problem:
    """The intruder's problem: unknowns ("x", row, category), ("gap", row) and, for
    multiple choice, ("base", row), for every neighborhood and the respondents who gave
    none; `respondents` is the side knowledge (people per row code and CITY_ROW).

    To attack several questions at once, pass the same `problem` with each question's
    key as `question` (it ends every name), and name in `unknown_people` the rows whose
    number of people the intruder does not know: ("people", row) is then an unknown,
    the same for every question, and the rows add up to the city's total."""
    problem = problem if problem is not None else Problem()
    tag = (question,) if question else ()

    def _x(row, category) -> tuple:
        return ("x", row, category, *tag)

    def _gap(row) -> tuple:
        return ("gap", row, *tag)

    def _base(row) -> tuple:
        return ("base", row, *tag)

    rows = [r for r in respondents if r != CITY_ROW]
    if unknown_people and not any(f.terms.get(("people", CITY_ROW)) for f in problem.facts):
        known = sum(respondents[r] for r in rows if r not in unknown_people)
        problem.equal({("people", r): 1.0 for r in unknown_people}, respondents[CITY_ROW] - known)
        problem.equal({("people", CITY_ROW): 1.0}, 0.0)  # a marker: the sum is stated once
    base_terms: dict[Hashable, dict] = {}
    for row in rows:
        people = respondents[CITY_ROW] if row in unknown_people else respondents[row]
        if row in unknown_people:
            problem.unknown(("people", row), upper=people)
        if printed.kind == "choices":
            problem.unknown(_base(row), upper=people)
            base_terms[row] = {_base(row): 1.0}
            for c in printed.categories:
                problem.unknown(_x(row, c), upper=people)
                problem.fact({_x(row, c): 1.0, _base(row): -1.0}, -float("inf"), 0.0)
        else:
            # A number question has no answer categories: its base is one count.
            names = _categories(printed) or [ANSWERED]
            base_terms[row] = {_x(row, c): 1.0 for c in names}
            for name in base_terms[row]:
                problem.unknown(name, upper=people)
        problem.unknown(_gap(row), upper=0 if printed.no_gap else people)
        if row in unknown_people:
            problem.equal({**base_terms[row], _gap(row): 1.0, ("people", row): -1.0}, 0.0)
        else:
            problem.equal({**base_terms[row], _gap(row): 1.0}, people)
    city_base = {name: 1.0 for row in rows for name in base_terms[row]}
    for row in printed.listed:
        if row in unknown_people:
            problem.fact({("people", row): 1.0}, 1.0, float("inf"))
    for row, shown in printed.rows.items():
        if row == CITY_ROW:
            base, cell = city_base, (lambda c: {_x(r, c): 1.0 for r in rows})
        elif row in base_terms:
            base, cell = base_terms[row], (lambda c, row=row: {_x(row, c): 1.0})
        else:
            continue
        _add_row(problem, printed, row, shown, base, cell, _x)
        if shown.n is not None and not printed.n_is_base and row != CITY_ROW:
            # An n that may count "don't know" still counts people.
            problem.fact({**base, _gap(row): 1.0}, shown.n, float("inf"))
    return problem


def _categories(printed: Printed) -> list[str]:
    return [FAVORABLE, OTHER] if printed.kind == "favorable" else printed.categories


def _add_row(problem: Problem, printed: Printed, row, shown, base, cell, _x) -> None:
    if shown.n is not None:
        if printed.n_is_base:
            problem.equal(base, shown.n)
        else:
            problem.fact(base, 0, shown.n)
    ratio = printed.ratios_of_counts if row == CITY_ROW else printed.hood_ratios
    if ratio:
        for category, percent in shown.percents.items():
            _percent_fact(problem, cell(category), base, percent)
    # A neighborhood's share and interval are functions of its counts unweighted and under
    # neighborhood weighting (one weight per neighborhood: the same Wilson interval).
    exact = printed.hood_ratios
    if printed.kind == "favorable" and shown.interval and exact and row != CITY_ROW:
        _favorable_choice(problem, printed, row, shown, _x)
    if printed.kind == "mean" and shown.mean is not None and printed.values and ratio:
        _mean_facts(problem, printed, row, shown, base)


def _percent_fact(problem: Problem, part: dict, base: dict, percent: float) -> None:
    """percent − ½ ≤ 100 × part / base ≤ percent + ½, as two linear facts."""
    for bound, sign in ((percent + HALF_PERCENT, -1.0), (percent - HALF_PERCENT, 1.0)):
        terms = {name: 100.0 * a for name, a in part.items()}
        for name, a in base.items():
            terms[name] = terms.get(name, 0.0) - bound * a
        if sign < 0:
            problem.fact(terms, -float("inf"), 0.0)
        else:
            problem.fact(terms, 0.0, float("inf"))


def _favorable_choice(problem: Problem, printed: Printed, row, shown: PrintedRow, _x) -> None:
    """Every (base, favorable) pair that prints this share and interval, as boxes of
    consecutive favorable counts per base (exactly the same pairs, fewer choices)."""
    percent = shown.percents.get(FAVORABLE)
    top = shown.n if shown.n is not None else problem.upper.get(_x(row, FAVORABLE))
    if percent is None or top is None:
        return
    bases = [shown.n] if printed.n_is_base and shown.n is not None else range(1, int(top) + 1)
    interval = tuple(shown.interval)
    boxes = []
    for m in bases:
        for low, high in _runs(_favorable_counts(m, percent, interval)):
            boxes.append([(low, high), (m, m)])
    favorable, base = {_x(row, FAVORABLE): 1.0}, {_x(row, FAVORABLE): 1.0, _x(row, OTHER): 1.0}
    problem.alternatives([favorable, base], boxes)


def bases_printing(percent: int, interval: tuple, top: int) -> list[int]:
    """The bases m ≤ top for which some favorable count prints `percent` and `interval`:
    what a row's share and interval alone tell of its hidden n."""
    return [m for m in range(1, top + 1) if _favorable_counts(m, percent, tuple(interval))]


@functools.lru_cache(maxsize=8192)  # audit rounds and questions ask for the same rows
def _favorable_counts(m: int, percent: int, interval: tuple) -> tuple[int, ...]:
    """The favorable counts f of base m that print `percent` and `interval`: only the f
    near percent × m / 100 can round to it, and each is tested as the page rounds."""
    first = max(0, int((percent - 1) * m / 100) - 1)
    last = min(m, int((percent + 1) * m / 100) + 1)
    found = []
    for f in range(first, last + 1):
        if round(100 * f / m) != percent:
            continue
        low, high = wilson_interval(f, m)
        if (round(100 * low), round(100 * high)) == interval:
            found.append(f)
    return tuple(found)


def _runs(values) -> list[tuple[int, int]]:
    """Consecutive runs of sorted whole numbers, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and runs[-1][1] == v - 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def _mean_facts(problem: Problem, printed: Printed, row, shown: PrintedRow, base: dict) -> None:
    """The printed mean bounds Σ value × count; with a known n, the printed interval
    bounds Σ value² × count (the standard deviation)."""
    half = 0.5 * 10 ** (-printed.mean_decimals)
    for bound, low in ((shown.mean + half, False), (shown.mean - half, True)):
        fact = {name: printed.values[name[2]] - bound for name in base}
        problem.fact(fact, 0.0 if low else -float("inf"), float("inf") if low else 0.0)
    if shown.interval is None or shown.n is None or not printed.n_is_base or shown.n < 2:
        return
    if not (printed.ratios_of_counts and printed.hood_ratios):
        return
    from scipy.special import stdtrit  # scipy's t quantile, as statistics.py uses

    m = shown.n
    t = float(stdtrit(m - 1, 0.975))
    width = (shown.interval[1] - shown.interval[0]) / 2
    corners = []
    for w in (max(width - half, 0.0), width + half):
        for mu in (shown.mean - half, shown.mean + half):
            sd = w * m**0.5 / t
            corners.append((m - 1) * sd * sd + m * mu * mu)
    squares = {n: printed.values[n[2]] ** 2 for n in base}
    problem.fact(squares, min(corners) - 1e-6, max(corners) + 1e-6)


def hidden_totals(printed: Printed, cells, problem: Problem) -> dict:
    """Add to `problem` the totals a reader gets by subtraction, as unknowns
    ("hidden", row, "row") and ("hidden", UNPLACED_ROW, category), and return their true
    values from `cells` (cells.QuestionCells), to audit beside `truth(cells)`. For a
    problem of one question, built without `question` (its names carry no tag).

    In a printed row, n (or the people known to have answered) less the printed shares
    is the sum of the row's hidden answers; in a column, the city-wide count less the
    printed neighborhoods' is the sum of the hidden ones'. Each hidden count may be 0
    while their sum is 1..k−1: that sum is a small group too."""
    if printed.kind not in ("distribution", "choices") or not printed.categories:
        return {}
    # Rows the intruder counts (the neighborhoods and the unplaced respondents).
    hoods = [r for r in cells.rows if ("x", r, printed.categories[0]) in problem.index]
    values: dict = {}

    def total(name: tuple, parts: list[tuple]) -> None:
        problem.unknown(name)
        problem.equal({name: 1.0, **{("x", r, c): -1.0 for r, c in parts}}, 0.0)
        values[name] = sum(_count(cells, r, c) for r, c in parts)

    for row, shown in printed.rows.items():
        hidden = [c for c in printed.categories if c not in shown.percents]
        # A multiple choice's options are no parts of one whole: no row total.
        if printed.kind == "choices" or not hidden or len(hidden) == len(printed.categories):
            continue
        if row == CITY_ROW:
            total(("hidden", CITY_ROW, "row"), [(r, c) for r in hoods for c in hidden])
        elif len(hidden) > 1 and row in cells.rows:
            total(("hidden", row, "row"), [(row, c) for c in hidden])
    city = printed.rows.get(CITY_ROW)
    for c in printed.categories if city is not None else ():
        if c not in city.percents:
            continue
        unseen = [r for r in hoods if c not in getattr(printed.rows.get(r), "percents", {})]
        if len(unseen) > 1:
            total(("hidden", UNPLACED_ROW, c), [(r, c) for r in unseen])
    return values


def _count(cells, row, category) -> int:
    return cells.rows[row].cells.get(category, 0)


def truth(cells) -> dict:
    """The true values of the intruder's unknowns, from `cells.QuestionCells`."""
    values = {}
    for row, counts in cells.rows.items():
        for category, count in counts.cells.items():
            values[("x", row, category)] = count
        # A question without categories (numbers) has one count, its answers: to an
        # intruder who knows how many took part it says no more than the gap, which is
        # protected; it is no target of its own (else a small place where everyone
        # answered could never be hidden but by withholding the question).
        values[("gap", row)] = counts.gap
        values[("base", row)] = counts.base
    return values


__all__ = ["Printed", "PrintedRow", "hidden_totals", "intruder_problem", "truth", "UNPLACED_ROW"]
