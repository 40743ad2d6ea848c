"""Differencing: the intruder reads two releases of the same period and subtracts.

A re-published period (surveys/frozen_releases.py) prints figures that include the
answers that arrived since its earlier releases; it is attacked together with all of
them in one integer programme (`joint_problem`): an intruder holding releases 1, 2 and 3
reads r3 − r1 through r2 as well, each release suppressing other rows.
Each release is safe on its own; the danger is their difference: a neighborhood's n
going from 40 to 43 with its favorable share moving from 50 % to 53 % says that three
more residents answered, all favorably.

The intruder therefore gets every printed release at once (`printed.intruder_problem`
once per release, each release's counts separate unknowns, each with its own side
knowledge of how many people of each neighborhood took part), one step per count
between consecutive releases, and one more unknown per count, the difference new −
earlier, for every answer, gap and n of every neighborhood and of the city. A
difference is disclosed when its tightest range lies within 1..k−1, or within
−(k−1)..−1 (answers erased in between: each falling difference is attacked negated,
`intruder.disclosed`). Where no answer was removed between two releases (no resident
asked for their answers to be deleted), the intruder is told that those steps are not
negative: true knowledge makes the attack stronger, never weaker.

What a release stores for this (its `audit`): the printed figures and the true counts
of each audited question, and the people per row. They are not public.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence

from .cells import CITY_ROW
from .intruder import UNBOUNDED, Problem, disclosed
from .printed import Printed, PrintedRow, intruder_problem

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
    every difference ("d", "x"|"gap"|"base", row, [category], 0)."""
    return joint_problem([(old, old_people, old_truth), (new, new_people, new_truth)])


def joint_problem(releases: Sequence[tuple[Printed, Mapping, Mapping]]) -> tuple[Problem, dict]:
    """The intruder's problem for every release of one question at once, oldest first
    (each its printed figures, people per row and true counts), and the true value of
    every difference between the last release and an earlier one j:
    ("d", "x"|"gap"|"base", row, [category], j).

    Each release's figures constrain the counts of its own answers; consecutive releases
    are tied by their steps (later − earlier, one per count both have, `_aligned`), not
    negative where no answer was removed between them. So release 3 − release 1 is read
    through release 2 as well: r3 − r2 and r2 − r1 with other rows hidden in each."""
    problem = Problem()
    counted, truths, kinds = [], [], []
    for i, (printed, people, truth) in enumerate(releases):
        intruder_problem(printed, people, problem=problem, question=f"r{i}")
        counted.append(_counted(problem, f"r{i}"))
        truths.append(truth)
        kinds.append(printed.kind)
    for i in range(1, len(releases)):
        olds, news = _aligned(counted[i - 1], kinds[i - 1], counted[i], kinds[i])
        names = set(olds) | set(news)
        steps = [truths[i].get(n, 0) - truths[i - 1].get(n, 0) for n in names]
        # Without a removal between them, the intruder knows that no count went down.
        lower = 0.0 if all(v >= 0 for v in steps) else -float(UNBOUNDED)
        for name in names:
            terms = _minus(news, olds, name)
            step = ("step", i, *name)
            problem.unknown(step, upper=UNBOUNDED, lower=lower)
            problem.equal({**terms, step: -1.0}, 0.0)
    differences: dict[tuple, float] = {}
    last = len(releases) - 1
    for j in range(last):
        olds, news = _aligned(counted[j], kinds[j], counted[last], kinds[last])
        _differences(problem, differences, news, olds, truths[last], truths[j], j)
    return problem, differences


def _aligned(old: Mapping, old_kind: str, new: Mapping, new_kind: str) -> tuple[dict, dict]:
    """The counts two releases of a question both print, as terms of each one's
    unknowns, by name. Of the same kind of figure: every count. Of different kinds (an
    organizer changed the question: a favorable share became a share per answer), each
    row's n ("base") and gap, and the answers both count by code; a count only one of
    them has is not 0 in the other, so it is left out."""
    if old_kind == new_kind:
        return (
            {name: {u: 1.0} for name, u in old.items()},
            {name: {u: 1.0} for name, u in new.items()},
        )
    per_code = {"distribution", "choices", "mean"}
    olds, news = _coarse(old, old_kind), _coarse(new, new_kind)
    if old_kind in per_code and new_kind in per_code:
        for name in set(old) & set(new):
            if name[0] == "x":
                olds[name], news[name] = {old[name]: 1.0}, {new[name]: 1.0}
    shared = set(olds) & set(news)
    return (
        {n: t for n, t in olds.items() if n in shared},
        {n: t for n, t in news.items() if n in shared},
    )


def _coarse(counted: Mapping, kind: str) -> dict:
    """Each row's base and gap as terms: the base of a question with answer counts
    (not "choices", whose base is its own unknown) is their sum."""
    found: dict[tuple, dict] = {}
    for name, unknown in counted.items():
        if name[0] == "gap" or (name[0] == "base" and kind == "choices"):
            found[name] = {unknown: 1.0}
        elif name[0] == "x" and kind != "choices":
            found.setdefault(("base", name[1]), {})[unknown] = 1.0
    return found


def _minus(new: Mapping, old: Mapping, name: tuple) -> dict:
    """new − old of one count (terms of each release's unknowns), as terms; a count a
    release does not have is 0 in it."""
    terms = dict(new.get(name, {}))
    for unknown, a in old.get(name, {}).items():
        terms[unknown] = terms.get(unknown, 0.0) - a
    return terms


def _differences(problem, differences, news, olds, new_truth, old_truth, tag) -> None:
    """Targets for new − old: every count, each row's base, and the city-wide sums."""
    found: dict[tuple, float] = {}

    def difference(name: tuple, terms: dict, value: float) -> None:
        name = (*name, tag)
        problem.unknown(name, upper=UNBOUNDED, lower=-float(UNBOUNDED))
        problem.equal({**terms, name: -1.0}, 0.0)
        found[name] = value

    names = sorted(set(olds) | set(news), key=repr)
    by_row: dict = defaultdict(dict)
    for name in names:
        value = new_truth.get(name, 0) - old_truth.get(name, 0)
        difference(("d", *name), _minus(news, olds, name), value)
        if name[0] == "x":
            by_row[name[1]][("d", *name, tag)] = value
    base_known = {name[1] for name in names if name[0] == "base"}
    for row, cells in by_row.items():
        if row in base_known or not cells:
            continue
        difference(("d", "base", row), dict.fromkeys(cells, 1.0), sum(cells.values()))
    # The city-wide figures: each the sum of its rows.
    city: dict[tuple, dict] = defaultdict(dict)
    for d, value in list(found.items()):
        kind, row, *rest = d[1:-1]
        if row != CITY_ROW:
            city[(kind, *rest)][d] = value
    for (kind, *rest), cells in city.items():
        difference(("d", kind, CITY_ROW, *rest), dict.fromkeys(cells, 1.0), sum(cells.values()))
    # A drop of 1..k−1 (answers erased between the releases) reveals the erased answers as
    # surely as a rise reveals new ones: each falling difference is also attacked negated.
    for name, value in list(found.items()):
        if value < 0:
            negated = ("-d", *name[1:])
            problem.unknown(negated, upper=UNBOUNDED, lower=-float(UNBOUNDED))
            problem.equal({name: 1.0, negated: 1.0}, 0.0)
            found[negated] = -value
    differences.update(found)


def differencing_leaks(
    old: Mapping, new: Mapping, old_people: Mapping, new_people: Mapping, k: int
) -> dict[str, set]:
    """The rows, per question key, whose difference between the `old` and `new`
    releases' audited questions ({key: {"printed": …, "truth": …}}) the intruder
    narrows to within 1..k−1."""
    return joint_leaks([(old, old_people)], (new, new_people), k)


def joint_leaks(
    earlier: Sequence[tuple[Mapping, Mapping]], new: tuple[Mapping, Mapping], k: int
) -> dict[str, set]:
    """The rows, per question key, whose difference between the `new` release and any
    `earlier` one (oldest first; each (audited questions, people per row)) the intruder
    narrows to within 1..k−1, reading all of them at once."""
    questions, people = new
    leaks: dict[str, set] = {}
    for key, now in questions.items():
        # Whatever kind of figure the question had then: what both print is compared.
        releases = [(then[key], then_people) for then, then_people in earlier if key in then]
        if not releases:
            continue
        problem, truth = joint_problem(
            [
                (
                    printed_from_json(audited["printed"]),
                    release_people,
                    truth_from_json(audited["truth"]),
                )
                for audited, release_people in [*releases, (now, people)]
            ]
        )
        found = disclosed(problem, truth, k)
        if found:
            leaks[key] = {name[2] for name in found}
    return leaks
