"""The intruder against a real page: read what the HTML prints, know the truth from the
answers the test itself recorded, and report every hidden count narrowed to 1..k−1.

The intruder is told, besides the page, how many people of each neighborhood answered
(what two questions together, or the invitation counts, would tell a determined reader),
and reads the printed n only as an upper bound of the base of the shares, so that it
attacks pages that print n with "don't know" as well as pages that print the base.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from surveys.disclosure.cells import CITY_ROW, FAVORABLE, OTHER, UNPLACED_ROW
from surveys.disclosure.intruder import Range, disclosed
from surveys.disclosure.printed import Printed, PrintedRow, intruder_problem


@dataclass
class Spec:
    """A question as the intruder sees it: its label, substantive and favorable codes."""

    key: str
    label: str
    substantive: tuple[str, ...]
    favorable: tuple[str, ...] = ()


def table_rows(html: str, caption: str) -> dict[str, list[str]] | None:
    """The rows of the table whose caption starts with `caption`, by row header."""
    table = re.search(rf"<caption>{re.escape(caption)}[^<]*</caption>(.*?)</table>", html, re.S)
    if not table:
        return None
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S):
        header = re.search(r'<th scope="row"[^>]*>(.*?)</th>', row, re.S)
        if header:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
            found[header[1]] = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]
    return found


def _number(text: str) -> int | None:
    text = text.replace(",", "").strip().rstrip("%").strip()
    return int(text) if re.fullmatch(r"\d+", text) else None


def printed_from_html(html: str, spec: Spec, names: dict[str, str]) -> Printed:
    """What the page prints of `spec`'s question; `names` maps row headers to codes."""
    rows: dict = {}
    # The favorable share's caption says in words what favorable means ("% who …").
    favorable = table_rows(html, f"{spec.label} — %")
    if favorable is not None:
        for header, (n, value, interval, _note) in favorable.items():
            row = PrintedRow(n=_number(n))
            if _number(value) is not None:
                row.percents[FAVORABLE] = _number(value)
                low, high = (_number(part) for part in interval.split("–"))
                row.interval = (low, high)
            if row.n is not None or row.percents:  # n alone may be hidden
                rows[names[header]] = row
        listed = frozenset(names[h] for h in favorable if h != "City-wide")
        return Printed("favorable", [FAVORABLE, OTHER], rows, n_is_base=False, listed=listed)
    distribution = table_rows(html, f"{spec.label} — percent of answers")
    # A page that prints nothing of the question would make every attack pass unseen.
    assert distribution is not None, f"no table of {spec.label!r} on the page"
    for header, cells in distribution.items():
        row = PrintedRow()
        for code, cell in zip(spec.substantive, cells, strict=True):
            if _number(cell) is not None:
                row.percents[code] = _number(cell)
        rows[names[header]] = row
    listed = frozenset(names[h] for h in distribution if h != "City-wide")
    return Printed("distribution", list(spec.substantive), rows, n_is_base=False, listed=listed)


def truth_and_people(answers: list[dict], spec: Spec, kind: str) -> tuple[dict, dict]:
    """The true counts (named as the intruder names them) and people per row."""
    people: Counter = Counter()
    counts: Counter = Counter()
    bases: Counter = Counter()
    for answer in answers:
        row = answer.get("area") or UNPLACED_ROW
        people[row] += 1
        people[CITY_ROW] += 1
        code = answer.get(spec.key)
        if code in spec.substantive:
            bases[row] += 1
            if kind == "favorable":
                counts[(row, FAVORABLE if code in spec.favorable else OTHER)] += 1
            else:
                counts[(row, code)] += 1
    truth = {("x", row, category): n for (row, category), n in counts.items()}
    for row in people:
        if row != CITY_ROW:
            truth[("gap", row)] = people[row] - bases[row]
    return truth, dict(people)


def attack(html: str, answers: list[dict], spec: Spec, names: dict, k: int) -> dict[tuple, Range]:
    """Every hidden count of 1..k−1 the intruder narrows to within 1..k−1."""
    printed = printed_from_html(html, spec, names)
    truth, people = truth_and_people(answers, spec, printed.kind)
    problem = intruder_problem(printed, people)
    return disclosed(problem, truth, k)


def attack_together(
    html: str, answers: list[dict], specs: list[Spec], names: dict, k: int, *, required=()
) -> dict[tuple, Range]:
    """Several questions attacked at once by an intruder who knows only the page and
    the questionnaire: how many people of each neighborhood took part is a hidden count
    too, the same in every question; everyone answers the `required` questions (keys)
    without a "don't know", so their printed n is that number."""
    from surveys.disclosure.intruder import Problem

    problem, truth = Problem(), {}
    people: dict = {}
    for spec in specs:
        printed = printed_from_html(html, spec, names)
        printed.no_gap = spec.key in required
        spec_truth, people = truth_and_people(answers, spec, printed.kind)
        small = frozenset(r for r in people if r != CITY_ROW)
        intruder_problem(printed, people, problem=problem, question=spec.key, unknown_people=small)
        truth.update({(*name, spec.key): value for name, value in spec_truth.items()})
    truth.update({("people", r): n for r, n in people.items() if r != CITY_ROW})
    return disclosed(problem, truth, k)
