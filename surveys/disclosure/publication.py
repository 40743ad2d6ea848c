"""What a public page prints of a report, decided and audited as one publication.

The choices (docs/privacy.md says why):

- **n is the base of every figure**: the substantive answers ("don't know", "prefer
  not to say" and skips are in no printed figure). A row's gap — its respondents not in
  the base — is protected like a cell: a neighborhood whose gap is 1..k−1 does not print
  its n for that question, since a reader who knows how many of its residents took part
  would read the gap off n; its figures stay unless the intruder works the gap out from
  them (then the row is hidden).
- **Whole percentages, intervals as computed.** With n printed, a whole percentage of
  an n under 100 gives its count exactly, so protection cannot come from rounding: it
  comes from every count a printed figure pins (a share *and* its complement, each
  answer's count) being 0 or at least k. An interval is a function of the same counts;
  where n is hidden, the intruder reads n back from share and interval as far as they
  allow (printed.py). Means are printed to one decimal.
- **Suppression**: a figure resting on 1..k−1 people is hidden (primary); a hidden
  cell alone in its row gets a partner, a zero first (hiding zeros and single figures
  before whole rows); a neighborhood hidden alone in a column (n, or a figure) whose
  city-wide figure is printed gets a partner neighborhood in that column, preferring
  neighborhoods hidden in other questions of the same publication, so that the same
  neighborhoods are hidden wherever their n could be derived.
- **Audit**: the intruder (intruder.py) attacks what would be printed; a count it pins
  within 1..k−1 hides its row, and after a few rounds a question that still leaks is
  withheld with its reason — never the whole page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from ..analysis.public import PublicCell, PublicGroup, PublicQuestion
from ..analysis.report import QuestionResult, Report
from ..analysis.suppression import MIN_K
from .cells import CITY_ROW, FAVORABLE, UNPLACED_ROW, QuestionCells, question_cells
from .city_only import (
    audited_city_only,
    city_only_cells,
    public_question,
    statistical_test,
)
from .dominance import dominated, dominated_together
from .intruder import Problem, disclosed
from .printed import (
    Printed,
    PrintedRow,
    bases_printing,
    hidden_totals,
    intruder_problem,
    truth,
)

FIGURE = "figure"  # the one figure of a favorable or mean row
N = "n"
AUDIT_ROUNDS = 4
MEAN_DECIMALS = 1
WITHHELD = gettext_noop(
    "Not shown: these figures could not be published without revealing the answers of "
    "fewer than %(k)s people."
)


@dataclass
class Plan:
    """What is hidden of one question: whole rows, single figures, intervals."""

    rows: set = field(default_factory=set)
    cells: set = field(default_factory=set)  # (row, category, FIGURE or N)
    withheld: bool = False

    def hides(self, row, column) -> bool:
        if row in self.rows or row == UNPLACED_ROW:
            return True
        return (row, column) in self.cells


@dataclass
class Publication:
    """A report's public figures, with the cells and plan that decided them."""

    k: int
    questions: list[PublicQuestion]
    plans: dict[str, Plan]
    cells: dict[str, QuestionCells]
    respondents: dict
    # The city-only questions' counts: audited against earlier releases (city_only.py).
    city_cells: dict[str, QuestionCells] = field(default_factory=dict)


def publish(
    report: Report,
    keys: Sequence[str] | None,
    respondents: Mapping,
    hide: Mapping[str, set] | None = None,
) -> Publication:
    """The publishable view of the questions and indices named by `keys` (all if None).
    `respondents` counts people per neighborhood code, UNPLACED_ROW and CITY_ROW, as
    `cells.respondents_by_row` does; `hide` names rows to hide besides, per question key
    (a re-publication hides rows whose change since the last release would leak:
    surveys/frozen_releases.py)."""
    k = max(int(report.k), MIN_K)
    results = [*report.questions, *report.indices]
    if keys is not None:
        order = {key: i for i, key in enumerate(keys)}
        results = sorted((r for r in results if r.key in order), key=lambda r: order[r.key])
    weighted = report.weighting != "none"
    hood_ratios = report.weighting != "rake"
    cells = {
        r.key: question_cells(r, respondents, ratio_counts=not weighted)
        for r in results
        if not r.about_respondent
    }
    city_cells = {
        r.key: city_only_cells(r, respondents, weighted=weighted)
        for r in results
        if r.about_respondent
    }
    cells_of = {**cells, **city_cells}
    # Under raking a share and interval are no function of counts the intruder could
    # invert: a small gap hides the whole row there, as n alone could not be audited.
    plans, questions, printed = _decide(
        results,
        cells_of,
        k,
        respondents,
        weighted,
        hood_ratios,
        whole_rows=not hood_ratios,
        hide=hide,
    )
    if hood_ratios and _turnout_leaks(printed, cells, respondents, k):
        # Figures printed without their n let a reader work out how many people of a
        # small neighborhood took part: hide those rows whole, as for any small gap.
        plans, questions, printed = _decide(
            results, cells_of, k, respondents, weighted, hood_ratios, whole_rows=True, hide=hide
        )
    return Publication(k, questions, plans, cells, dict(respondents), city_cells)


def _decide(results, cells, k, respondents, weighted, hood_ratios, *, whole_rows=False, hide=None):
    """Each question's plan, public form and printed figures, audited question by
    question by an intruder who knows how many people of each neighborhood took part."""
    # First every question's own small rows, so that complements prefer them everywhere.
    primary = {
        r.key: _primary(cells[r.key], k, whole_rows=whole_rows)
        for r in results
        if not r.about_respondent
    }
    preferred = set().union(*(p.rows for p in primary.values())) if primary else set()
    plans, questions, printed_questions = {}, [], {}
    for result in results:
        if result.about_respondent:
            hidden = bool((hide or {}).get(result.key))  # its change would leak: hidden
            questions.append(
                audited_city_only(
                    result, cells[result.key], k, respondents, hidden=hidden, weighted=weighted
                )
            )
            continue
        qc = cells[result.key]
        plan = primary[result.key]
        plan.rows.update((hide or {}).get(result.key, ()))
        for _round in range(AUDIT_ROUNDS):
            _complement(qc, plan, k, preferred)
            public = _public_question(result, qc, plan, k)
            while hood_ratios and _gaps_read_back(qc, plan, public, k):
                _complement(qc, plan, k, preferred)  # rows hidden whole: decide again
                public = _public_question(result, qc, plan, k)
            printed = printed_of(public, qc, weighted=weighted, hood_ratios=hood_ratios)
            problem = intruder_problem(printed, respondents)
            totals = hidden_totals(printed, qc, problem)
            leaks = disclosed(problem, {**truth(qc), **totals}, k, exact=False)
            if not leaks:
                break
            _escalate(qc, plan, leaks, preferred)
        else:
            plan.withheld = True
            public = _public_question(result, qc, plan, k)
            printed = printed_of(public, qc, weighted=weighted, hood_ratios=hood_ratios)
        preferred |= plan.rows
        plans[result.key] = plan
        printed_questions[result.key] = printed
        questions.append(public)
    return plans, questions, printed_questions


def _gaps_read_back(qc: QuestionCells, plan: Plan, public, k: int) -> bool:
    """Hide whole the rows whose share and interval alone give back an n that leaves a
    gap of 1..k−1 (every base they fit does): a sure leak, found without the intruder's
    integer programme (which would find it too, one round later). True if any."""
    if qc.kind != "favorable":
        return False
    found = False
    for group in public.groups:
        row = group.neighborhood
        if group.n is not None or group.favorable is None or row not in qc.rows:
            continue
        people = qc.rows[row].respondents
        bases = bases_printing(group.favorable, group.favorable_ci, people)
        if bases and all(0 < people - m < k for m in bases):
            plan.rows.add(row)
            found = True
    return found


def _turnout_leaks(printed: Mapping[str, Printed], cells, respondents: Mapping, k: int) -> dict:
    """How many people of a neighborhood took part is a count too: where it is 1..k−1,
    an intruder who reads every question of the page at once, knowing only the city's
    total and which questions nobody skipped, must not narrow it to 1..k−1."""
    hoods = [r for r in respondents if r != CITY_ROW]
    small = {("people", r): respondents[r] for r in hoods if 0 < respondents[r] < k}
    if not small or not any(p.rows for p in printed.values()):
        return {}
    problem = Problem()
    for key, shown in printed.items():
        # Whoever reads the questionnaire knows which questions nobody may skip.
        shown.no_gap = all(row.gap == 0 for row in cells[key].rows.values())
        intruder_problem(
            shown, respondents, problem=problem, question=key, unknown_people=frozenset(hoods)
        )
    return disclosed(problem, small, k, exact=False)


def _primary(qc: QuestionCells, k: int, *, whole_rows: bool = False) -> Plan:
    plan = Plan()
    for row, r in [*qc.rows.items(), (CITY_ROW, qc.city)]:
        if row == UNPLACED_ROW:
            continue
        if r.base < k or (whole_rows and 0 < r.gap < k):
            plan.rows.add(row)
            continue
        if qc.kind == "mean" and not qc.audited_means and dominated(r.largest, r.magnitude):
            plan.cells.add((row, FIGURE))  # one or two answers make most of its total
        if 0 < r.gap < k:
            # Its n would give the gap to whoever knows how many took part: n is hidden,
            # the figures stay if the intruder cannot work the gap out from them.
            plan.cells.add((row, N))
        if qc.kind == "favorable" and any(0 < v < k for v in r.cells.values()):
            plan.cells.add((row, FIGURE))
        elif qc.kind == "distribution":
            plan.cells.update((row, c) for c, v in r.cells.items() if 0 < v < k)
        elif qc.kind == "choices":
            for c, yes in r.cells.items():
                if 0 < yes < k or 0 < r.base - yes < k:
                    plan.cells.add((row, c))
    return plan


def _columns(qc: QuestionCells) -> list[str]:
    if qc.kind in ("favorable", "mean"):
        return [N, FIGURE]
    return [N, *qc.categories]


def _value(qc: QuestionCells, row, column) -> int:
    r = qc.city if row == CITY_ROW else qc.rows[row]
    if column == N:
        return r.base
    if column == FIGURE:
        return r.cells.get(FAVORABLE, r.base)
    return r.cells.get(column, 0)


def _complement(qc: QuestionCells, plan: Plan, k: int, preferred: set) -> None:
    """Add hidden figures until no hidden one stands alone in a row or a column."""
    hoods = [row for row in qc.rows if row != UNPLACED_ROW]
    changed = True
    while changed:
        changed = False
        if qc.kind == "distribution":
            for row in [*hoods, CITY_ROW]:
                if row in plan.rows:
                    continue
                hidden = [c for c in qc.categories if (row, c) in plan.cells]
                # The row's people (or n) less its printed shares give the hidden total.
                total = sum(_value(qc, row, c) for c in hidden)
                if len(hidden) == 1 or 0 < total < k:
                    visible = [c for c in qc.categories if (row, c) not in plan.cells]
                    if 0 < total < k:  # a zero beside them would not raise their total
                        visible = [c for c in visible if _value(qc, row, c)]
                    if not visible:
                        plan.rows.add(row)
                    else:
                        # A zero hides least; otherwise the smallest count.
                        partner = min(visible, key=lambda c: _value(qc, row, c))
                        plan.cells.add((row, partner))
                    changed = True
        for column in _columns(qc):
            if plan.hides(CITY_ROW, column):
                continue
            hidden = [h for h in hoods if plan.hides(h, column) and _value(qc, h, column)]
            unplaced = UNPLACED_ROW in qc.rows and _value(qc, UNPLACED_ROW, column) >= k
            # The city-wide count of an answer less the printed rows' is the hidden rows'
            # total (with the unplaced, whose own count the intruder audits).
            total = sum(_value(qc, h, column) for h in hidden)
            total += _value(qc, UNPLACED_ROW, column) if UNPLACED_ROW in qc.rows else 0
            small_total = column != N and hidden and 0 < total < k
            if column == FIGURE and not qc.audited_means:
                # A mean of free numbers or index scores is audited on its people, not
                # its counts: the printed city-wide mean and n, less the printed rows',
                # give the mean of everyone else, who must number 0 or k or more.
                # Nor may one or two of them dominate their pooled total (dominance.py).
                others = [qc.rows[h] for h in hidden]
                others += [qc.rows[UNPLACED_ROW]] if UNPLACED_ROW in qc.rows else []
                rest = sum(r.base for r in others)
                pooled = dominated_together((r.largest, r.magnitude) for r in others if r.base)
                if (rest == 0 or rest >= k) and not pooled:
                    continue
            elif (len(hidden) != 1 or unplaced) and not small_total:
                continue
            shown = [h for h in hoods if not plan.hides(h, column)]
            if small_total:  # a zero beside them would not raise their total
                shown = [h for h in shown if _value(qc, h, column)] or shown
            # A partner for n hides its whole row: a share and interval printed without
            # n may give n back (and with it how many people of a small place took part).
            if not shown:
                plan.rows.add(CITY_ROW) if column == N else plan.cells.add((CITY_ROW, column))
            else:
                partner = min(shown, key=lambda h: (h not in preferred, _value(qc, h, column)))
                plan.rows.add(partner) if column == N else plan.cells.add((partner, column))
            changed = True


def _escalate(qc: QuestionCells, plan: Plan, leaks: Mapping, preferred: set) -> None:
    """Hide the rows of leaking cells; a row already hidden (or the unplaced
    respondents', never shown) gets a neighborhood hidden beside it, or else the
    city-wide row."""
    for name in leaks:
        row = name[1]
        if row != UNPLACED_ROW and row not in plan.rows:
            plan.rows.add(row)
            continue
        shown = [h for h in qc.rows if h != UNPLACED_ROW and h not in plan.rows]
        if shown:
            plan.rows.add(min(shown, key=lambda h: (h not in preferred, qc.rows[h].base)))
        else:
            plan.rows.add(CITY_ROW)


def _public_question(result: QuestionResult, qc: QuestionCells, plan: Plan, k: int):
    groups = []
    for group in result.groups:
        groups.append(_public_group(result, qc, plan, group, group.neighborhood))
    overall = _public_group(result, qc, plan, result.overall, CITY_ROW)
    note = ""
    if plan.withheld:
        overall = PublicGroup(None, result.overall.name, None, hidden=True)
        groups = [PublicGroup(g.neighborhood, g.name, None, hidden=True) for g in result.groups]
        note = gettext(WITHHELD) % {"k": k}
    return public_question(result, overall, groups, test=statistical_test(result), note=note)


def _public_group(result, qc: QuestionCells, plan: Plan, group, row) -> PublicGroup:
    public = PublicGroup(group.neighborhood, group.name, None)
    r = qc.city if row == CITY_ROW else qc.rows[row]
    if row in plan.rows or row == UNPLACED_ROW:
        public.hidden = True
        return public
    e = group.estimate
    public.n = None if plan.hides(row, N) else r.base
    reliable = not group.unreliable
    public.uncertain = group.unreliable
    for code, label, non in result.codes:
        if non or qc.kind not in ("distribution", "choices"):
            continue
        # An unreliable group's percentages are withheld, as its mean and interval are.
        shown = reliable and not plan.hides(row, code) and code in e.percent
        public.cells.append(PublicCell(code, label, round(e.percent[code]) if shown else None))
    if qc.kind == "mean" and reliable and e.mean is not None and not plan.hides(row, FIGURE):
        public.mean = round(e.mean, MEAN_DECIMALS)
        if e.ci and e.ci[0] == e.ci[0]:
            public.ci = tuple(round(v, MEAN_DECIMALS) for v in e.ci)
    if qc.kind == "favorable" and reliable and e.favorable and not plan.hides(row, FIGURE):
        public.favorable = round(100 * e.favorable["p"])
        low, high = e.favorable["ci"]
        public.favorable_ci = (round(100 * low), round(100 * high))
    return public


def printed_of(
    public: PublicQuestion, qc: QuestionCells, *, weighted: bool, hood_ratios: bool = True
) -> Printed:
    """Exactly the numbers `public` prints, as the intruder reads them."""
    rows = {}
    for row, group in [(CITY_ROW, public.overall)] + [(g.neighborhood, g) for g in public.groups]:
        if group.hidden:
            continue
        shown = PrintedRow(n=group.n)
        if qc.kind == "favorable" and group.favorable is not None:
            shown.percents[FAVORABLE] = group.favorable
            shown.interval = group.favorable_ci
        for cell in group.cells:
            if cell.percent is not None:
                shown.percents[cell.code] = cell.percent
        if group.mean is not None:
            shown.mean, shown.interval = group.mean, group.ci
        rows[row] = shown
    listed = frozenset(g.neighborhood for g in public.groups)
    return Printed(
        listed=listed,
        kind=qc.kind,
        categories=qc.categories,
        rows=rows,
        values=qc.values,
        mean_decimals=MEAN_DECIMALS,
        ratios_of_counts=not weighted,
        hood_ratios=hood_ratios,
    )
