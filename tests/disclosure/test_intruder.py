"""The intruder against brute force: on small random problems whose every whole-number
solution can be listed, `disclosed` names exactly the small counts whose true range lies
within 1..k−1, with that range, and `ranges` gives every range exactly."""

import itertools
import random

import numpy as np

from surveys.disclosure.intruder import Problem, Range, disclosed, ranges

K = 5
NAMES = ("a", "b", "c", "d")
TOP = 9  # every unknown lies in 0..TOP


def _random_problem(rng: random.Random) -> tuple[Problem, dict]:
    truth = {name: rng.choice([0, 1, 2, 3, 4, 5, 7, 9]) for name in NAMES}
    problem = Problem()
    for name in NAMES:
        problem.unknown(name, upper=TOP)
    for _ in range(rng.randint(1, 3)):
        terms = {n: float(rng.choice([1, 1, 2, -1])) for n in rng.sample(NAMES, rng.randint(2, 4))}
        value = sum(a * truth[n] for n, a in terms.items())
        slack = rng.choice([0, 0, 1, 3])
        problem.fact(terms, value - rng.randint(0, slack), value + rng.randint(0, slack))
    if rng.random() < 0.5:  # a printed figure several count pairs would print
        x, y = rng.sample(NAMES, 2)
        others = [
            {x: rng.randint(0, TOP), y: rng.randint(0, TOP)} for _ in range(rng.randint(0, 3))
        ]
        problem.choice([{x: truth[x], y: truth[y]}, *others])
    return problem, truth


def _solutions(problem: Problem) -> np.ndarray:
    points = np.array(list(itertools.product(range(TOP + 1), repeat=len(NAMES))), dtype=float)
    keep = np.ones(len(points), dtype=bool)
    column = {name: NAMES.index(name) for name in NAMES}
    for fact in problem.facts:
        value = sum(a * points[:, column[n]] for n, a in fact.terms.items())
        keep &= (value >= fact.lo - 1e-9) & (value <= fact.hi + 1e-9)
    for choice in problem.choices:
        any_box = np.zeros(len(points), dtype=bool)
        for box in choice.boxes:
            inside = np.ones(len(points), dtype=bool)
            for terms, (lo, hi) in zip(choice.expressions, box, strict=True):
                value = sum(a * points[:, column[n]] for n, a in terms.items())
                inside &= (value >= lo) & (value <= hi)
            any_box |= inside
        keep &= any_box
    return points[keep]


def test_disclosed_and_ranges_agree_with_listing_every_solution():
    rng = random.Random(18)
    disclosures = 0
    for _trial in range(80):
        problem, truth = _random_problem(rng)
        solutions = _solutions(problem)
        assert len(solutions), "the truth is always a solution"
        exact = {
            name: Range(solutions[:, i].min(), solutions[:, i].max())
            for i, name in enumerate(NAMES)
        }
        assert ranges(problem, NAMES) == exact
        expected = {name: r for name, r in exact.items() if 0 < truth[name] < K and r.discloses(K)}
        assert disclosed(problem, truth, K) == expected
        disclosures += len(expected)
    assert disclosures > 20  # the trials do pin counts, so both outcomes are tested
