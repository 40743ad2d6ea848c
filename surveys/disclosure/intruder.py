"""The intruder: how far printed figures narrow each hidden count.

The intruder knows the printed figures and how they were rounded, and that counts are
whole numbers, not negative. Each printed figure becomes a linear fact about the unknown
counts (`Fact`: lo ≤ Σ aᵢxᵢ ≤ hi) or, where the figure is not linear in the counts (an
interval, a percentage whose base is hidden), a choice among the count tuples that would
print it (`Choice`: exactly one candidate holds). `ranges` then solves two integer
programmes per target, minimising and maximising it (`scipy.optimize.milp`).

A hidden count is *disclosed* when its range lies within 1..k−1: the intruder then
knows that between 1 and k−1 people gave that answer. A range that includes 0 or
reaches k is the protection the rule asks for.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

UNBOUNDED = 10**7  # no count on a page comes near it


@dataclass(frozen=True)
class Fact:
    """lo ≤ Σ coefficient × count ≤ hi."""

    terms: Mapping[Hashable, float]
    lo: float
    hi: float


@dataclass(frozen=True)
class Choice:
    """Exactly one of `candidates` (each a value for some counts) is the truth."""

    candidates: tuple[Mapping[Hashable, int], ...]


@dataclass
class Problem:
    """What the intruder knows: the unknown counts, with optional upper bounds, and facts."""

    unknowns: list[Hashable] = field(default_factory=list)
    upper: dict[Hashable, float] = field(default_factory=dict)
    # Counts are not negative; a difference between two releases may be (differencing.py).
    lower: dict[Hashable, float] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    index: dict[Hashable, int] = field(default_factory=dict)

    def unknown(
        self, name: Hashable, upper: float | None = None, lower: float | None = None
    ) -> Hashable:
        if name not in self.index:
            self.index[name] = len(self.unknowns)
            self.unknowns.append(name)
        if upper is not None:
            self.upper[name] = min(upper, self.upper.get(name, UNBOUNDED))
        if lower is not None:
            self.lower[name] = lower
        return name

    def fact(self, terms: Mapping[Hashable, float], lo: float, hi: float) -> None:
        for name in terms:
            self.unknown(name)
        self.facts.append(Fact(dict(terms), lo, hi))

    def equal(self, terms: Mapping[Hashable, float], value: float) -> None:
        self.fact(terms, value, value)

    def choice(self, candidates: Iterable[Mapping[Hashable, int]]) -> None:
        candidates = tuple(dict(c) for c in candidates)
        for candidate in candidates:
            for name in candidate:
                self.unknown(name)
        self.choices.append(Choice(candidates))


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float

    def discloses(self, k: int) -> bool:
        """Within 1..k−1: the intruder knows a small group gave this answer."""
        return self.lo >= 1 and self.hi <= k - 1


def ranges(problem: Problem, targets: Iterable[Hashable]) -> dict[Hashable, Range]:
    """The tightest range of each target count given everything in `problem`."""
    targets = list(targets)
    if not targets:
        return {}
    c_size, matrix, low, high, lower_bounds, upper_bounds, integrality = _assemble(problem)
    constraints = () if matrix is None else (LinearConstraint(matrix, low, high),)
    bounds = Bounds(lower_bounds, upper_bounds)
    result = {}
    for target in targets:
        i = problem.index[target]
        objective = np.zeros(c_size)
        objective[i] = 1.0
        found = []
        for sign in (1.0, -1.0):
            solved = milp(
                sign * objective,
                integrality=integrality,
                bounds=bounds,
                constraints=constraints,
                options={"presolve": True},
            )
            if solved.status != 0:
                raise ValueError(f"The intruder's problem is not solvable: {solved.message}")
            found.append(sign * solved.fun)
        result[target] = Range(round(found[0]), round(found[1]))
    return result


def disclosed(problem: Problem, truth: Mapping[Hashable, float], k: int) -> dict:
    """The hidden counts of 1..k−1 whose range the intruder narrows to within 1..k−1.

    A count is safe as soon as 0, or some value of k or more, is feasible: two
    feasibility problems, cheaper than the range's two optimisations, which are solved
    only for the counts found disclosed."""
    small = [name for name in problem.unknowns if name in truth and 0 < truth[name] < k]
    if not small:
        return {}
    size, matrix, low, high, lower, upper, integrality = _assemble(problem)
    constraints = () if matrix is None else (LinearConstraint(matrix, low, high),)
    pinned = []
    for name in small:
        i = problem.index[name]
        safe = False
        for floor, ceiling in ((0.0, 0.0), (float(k), max(upper[i], float(k)))):
            bounded_low, bounded_high = lower.copy(), upper.copy()
            bounded_low[i], bounded_high[i] = floor, ceiling
            solved = milp(
                np.zeros(size),
                integrality=integrality,
                bounds=Bounds(bounded_low, bounded_high),
                constraints=constraints,
            )
            if solved.status == 0:
                safe = True
                break
        if not safe:
            pinned.append(name)
    return {name: r for name, r in ranges(problem, pinned).items() if r.discloses(k)}


def _assemble(problem: Problem):
    size = len(problem.unknowns)
    index = problem.index
    rows, low, high = [], [], []
    chooser_columns = []
    for choice in problem.choices:
        start = size + len(chooser_columns)
        chooser_columns.extend(range(len(choice.candidates)))
        names = sorted({n for c in choice.candidates for n in c}, key=index.get)
        pick = {}
        for j in range(len(choice.candidates)):
            pick[start + j] = 1.0
        rows.append(pick)
        low.append(1.0)
        high.append(1.0)
        for name in names:
            row = {index[name]: 1.0}
            for j, candidate in enumerate(choice.candidates):
                row[start + j] = row.get(start + j, 0.0) - candidate.get(name, 0)
            rows.append(row)
            low.append(0.0)
            high.append(0.0)
    for fact in problem.facts:
        rows.append({index[name]: a for name, a in fact.terms.items()})
        low.append(fact.lo)
        high.append(fact.hi)
    total = size + len(chooser_columns)
    matrix = None
    if rows:
        matrix = np.zeros((len(rows), total))
        for r, row in enumerate(rows):
            for column, value in row.items():
                matrix[r, column] += value
    upper = np.full(total, 1.0)
    upper[:size] = [problem.upper.get(name, UNBOUNDED) for name in problem.unknowns]
    lower = np.zeros(total)
    lower[:size] = [problem.lower.get(name, 0.0) for name in problem.unknowns]
    return (
        total,
        matrix,
        np.array(low),
        np.array(high),
        lower,
        upper,
        np.ones(total),
    )
