"""Differencing: the intruder reads two releases of the same period and subtracts.

A re-published period (surveys/frozen_releases.py) prints figures that include the
answers that arrived since its earlier releases; it is attacked against each of them.
Each release is safe on its own; the danger is their difference: a neighborhood's n
going from 40 to 43 with its favorable share moving from 50 % to 53 % says that three
more residents answered, all favorably.

The intruder therefore gets both printed releases at once (`printed.intruder_problem`
twice, the old counts and the new as separate unknowns, each with its own side
knowledge of how many people of each neighborhood took part) and one more unknown per
count, the difference new − old, for every answer, gap and n of every neighborhood and
of the city. A difference is disclosed when its tightest range lies within 1..k−1, or
within −(k−1)..−1 (answers erased in between: each falling difference is attacked
negated, `intruder.disclosed`). Where no answer was removed between the releases (no resident
asked for their answers to be deleted), the intruder is told that differences are not
negative: true knowledge makes the attack stronger, never weaker.

What a release stores for this (its `audit`): the printed figures and the true counts
of each audited question, and the people per row. They are not public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

from .cells import CITY_ROW
from .intruder import UNBOUNDED, Problem, disclosed
from .printed import Printed, PrintedRow, intruder_problem

OLD, NEW = "old", "new"
COUNTED = ("x", "gap", "base")


# --- what a release stores -----------------------------------------------------------


def printed_to_json(printed: Printed) -> dict:
    return {
        "kind": printed.kind,
        "categories": list(printed.categories),
        "rows": [
            [
                row,
                {
                    "n": shown.n,
                    "percents": shown.percents,
                    "interval": list(shown.interval) if shown.interval else None,
                    "mean": shown.mean,
                },
            ]
            for row, shown in printed.rows.items()
        ],
        "values": printed.values,
        "mean_decimals": printed.mean_decimals,
        "n_is_base": printed.n_is_base,
        "ratios_of_counts": printed.ratios_of_counts,
        "hood_ratios": printed.hood_ratios,
        "no_gap": printed.no_gap,
        "listed": sorted(printed.listed, key=str),
    }


def printed_from_json(data: Mapping) -> Printed:
    rows = {}
    for row, shown in data["rows"]:
        interval = shown.get("interval")
        rows[row] = PrintedRow(
            n=shown.get("n"),
            percents=dict(shown.get("percents") or {}),
            interval=tuple(interval) if interval else None,
            mean=shown.get("mean"),
        )
    return Printed(
        kind=data["kind"],
        categories=list(data["categories"]),
        rows=rows,
        values=dict(data.get("values") or {}),
        mean_decimals=data.get("mean_decimals", 1),
        n_is_base=data.get("n_is_base", True),
        ratios_of_counts=data.get("ratios_of_counts", True),
        hood_ratios=data.get("hood_ratios", True),
        no_gap=data.get("no_gap", False),
        listed=frozenset(data.get("listed") or ()),
    )


def truth_to_json(truth: Mapping[tuple, float]) -> list:
    return [[list(name), value] for name, value in truth.items()]


def truth_from_json(data: list) -> dict[tuple, float]:
    return {tuple(name): value for name, value in data}


# --- the attack ------------------------------------------------------------------------


def _counted(problem: Problem, tag: str) -> dict[tuple, Hashable]:
    """The counts of one release in `problem`, by their name without the release tag."""
    return {
        name[:-1]: name
        for name in problem.unknowns
        if isinstance(name, tuple) and name[-1] == tag and name[0] in COUNTED
    }


def differencing_problem(
    old: Printed,
    old_people: Mapping,
    new: Printed,
    new_people: Mapping,
    old_truth: Mapping[tuple, float],
    new_truth: Mapping[tuple, float],
) -> tuple[Problem, dict]:
    """The intruder's problem for two releases of one question, and the true value of
    every difference ("d", "x"|"gap"|"base", row, [category])."""
    problem = Problem()
    intruder_problem(old, old_people, problem=problem, question=OLD)
    intruder_problem(new, new_people, problem=problem, question=NEW)
    olds, news = _counted(problem, OLD), _counted(problem, NEW)
    names = sorted(set(olds) | set(news), key=repr)
    truth = {name: new_truth.get(name, 0) - old_truth.get(name, 0) for name in names}
    # Without a removal, the intruder knows that no count went down.
    lower = 0.0 if all(v >= 0 for v in truth.values()) else -float(UNBOUNDED)

    def difference(name: tuple, terms: dict, value: float) -> None:
        problem.unknown(name, upper=UNBOUNDED, lower=lower)
        problem.equal({**terms, name: -1.0}, 0.0)
        differences[name] = value

    differences: dict[tuple, float] = {}
    by_row: dict = defaultdict(dict)
    for name in names:
        terms = {}
        if name in news:
            terms[news[name]] = 1.0
        if name in olds:
            terms[olds[name]] = terms.get(olds[name], 0.0) - 1.0
        d = ("d", *name)
        difference(d, terms, truth[name])
        if name[0] == "x":
            by_row[name[1]][d] = truth[name]
    base_known = {name[1] for name in names if name[0] == "base"}
    for row, cells in by_row.items():
        if row in base_known or not cells:
            continue
        difference(("d", "base", row), dict.fromkeys(cells, 1.0), sum(cells.values()))
    # The city-wide figures: each the sum of its rows.
    city: dict[tuple, dict] = defaultdict(dict)
    for d, value in list(differences.items()):
        kind, row, *rest = d[1:]
        if row != CITY_ROW:
            city[(kind, *rest)][d] = value
    for (kind, *rest), cells in city.items():
        difference(("d", kind, CITY_ROW, *rest), dict.fromkeys(cells, 1.0), sum(cells.values()))
    # A drop of 1..k−1 (answers erased between the releases) reveals the erased answers as
    # surely as a rise reveals new ones: each falling difference is also attacked negated.
    for name, value in list(differences.items()):
        if value < 0:
            negated = ("-d", *name[1:])
            problem.unknown(negated, upper=UNBOUNDED, lower=-float(UNBOUNDED))
            problem.equal({name: 1.0, negated: 1.0}, 0.0)
            differences[negated] = -value
    return problem, differences


def differencing_leaks(
    old: Mapping, new: Mapping, old_people: Mapping, new_people: Mapping, k: int
) -> dict[str, set]:
    """The rows, per question key, whose difference between the `old` and `new`
    releases' audited questions ({key: {"printed": …, "truth": …}}) the intruder
    narrows to within 1..k−1."""
    leaks: dict[str, set] = {}
    for key, then in old.items():
        now = new.get(key)
        if now is None or then["printed"]["kind"] != now["printed"]["kind"]:
            continue
        problem, truth = differencing_problem(
            printed_from_json(then["printed"]),
            old_people,
            printed_from_json(now["printed"]),
            new_people,
            truth_from_json(then["truth"]),
            truth_from_json(now["truth"]),
        )
        found = disclosed(problem, truth, k)
        if found:
            leaks[key] = {name[2] for name in found}
    return leaks
