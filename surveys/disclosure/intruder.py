"""The intruder: how far printed figures narrow each hidden count.

The intruder knows the printed figures and how they were rounded, and that counts are
whole numbers, not negative. Each printed figure becomes a linear fact about the unknown
counts (`Fact`: lo ≤ Σ aᵢxᵢ ≤ hi) or, where the figure is not linear in the counts (an
interval, a percentage whose base is hidden), a choice among the count tuples that would
print it (`Choice`: exactly one box of consecutive values holds). `ranges` solves two
integer programmes per target, minimising and maximising it (`scipy.optimize.milp`).

A hidden count is *disclosed* when its range lies within 1..k−1: the intruder then
knows that between 1 and k−1 people gave that answer. A range that includes 0 or
reaches k is the protection the rule asks for. `disclosed` proves that protection with
whole-number solutions it checks itself, never with a relaxation: a relaxed problem
(an LP, a fact left out) has *more* solutions, so a 0 it allows may be impossible.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
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
    """Exactly one of `boxes` holds. Every box bounds the same linear `expressions`
    (box[j] = (lo, hi) of expressions[j]): a printed figure that several count tuples
    would print, grouped into boxes of consecutive values."""

    expressions: tuple[Mapping[Hashable, float], ...]
    boxes: tuple[tuple[tuple[float, float], ...], ...]


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
        index = self.index
        for name in terms:
            if name not in index:
                index[name] = len(self.unknowns)
                self.unknowns.append(name)
        self.facts.append(Fact(dict(terms), lo, hi))

    def equal(self, terms: Mapping[Hashable, float], value: float) -> None:
        self.fact(terms, value, value)

    def choice(self, candidates: Iterable[Mapping[Hashable, int]]) -> None:
        """Exactly one of `candidates` (each a value for the same counts) is the truth."""
        candidates = [dict(c) for c in candidates]
        names = sorted({n for c in candidates for n in c}, key=str)
        self.alternatives(
            [{name: 1.0} for name in names],
            [[(c.get(name, 0), c.get(name, 0)) for name in names] for c in candidates],
        )

    def alternatives(
        self,
        expressions: Sequence[Mapping[Hashable, float]],
        boxes: Sequence[Sequence[tuple[float, float]]],
    ) -> None:
        """Exactly one box holds: lo ≤ expression ≤ hi for each expression and its
        (lo, hi) in the box. One box is a set of facts; an empty list, nothing."""
        if not boxes:
            return
        for terms in expressions:
            for name in terms:
                self.unknown(name)
        if len(boxes) == 1:
            for terms, (lo, hi) in zip(expressions, boxes[0], strict=True):
                self.fact(terms, lo, hi)
            return
        expressions = tuple(dict(e) for e in expressions)
        self.choices.append(Choice(expressions, tuple(tuple(b) for b in boxes)))


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
    model = _Model(problem)
    return {target: model.range(target) for target in targets}


def disclosed(
    problem: Problem, truth: Mapping[Hashable, float], k: int, *, exact: bool = True
) -> dict:
    """The hidden counts of 1..k−1 whose range the intruder narrows to within 1..k−1.

    A count is safe as soon as one whole solution of the intruder's problem gives it 0,
    or k or more. Each solution found is checked against every fact in exact terms (the
    counts rounded, each fact recomputed) and then certifies every small count it sets
    to 0 or to k or more, not only the one it was sought for. Solutions are sought
    first for all open counts together (their sum pushed down, then up), then for each
    remaining count alone (it fixed to 0, or to k or more); a count neither finds
    possible is pinned, and only then are its minimum and maximum solved exactly.
    Nothing here is a relaxation: a count is called safe only on a checked solution.
    With `exact` False, a pinned count's range is given as 1..k−1, which it lies within
    (neither 0 nor k is possible), without solving for its ends."""
    small = [name for name in problem.unknowns if name in truth and 0 < truth[name] < k]
    if not small:
        return {}
    model = _Model(problem)
    open_ = dict.fromkeys(small)
    for sign in (1.0, -1.0):  # all towards 0 at once, then all towards k and beyond
        while open_:
            solution = model.solve({name: sign for name in open_})
            found = model.certified(solution, open_, k)
            if not found:
                break
            for name in found:
                del open_[name]
    pinned = []
    for name in list(open_):
        if name not in open_:
            continue
        del open_[name]
        i = problem.index[name]
        found = None
        for floor, ceiling in ((0.0, 0.0), (float(k), max(model.upper[i], float(k)))):
            solution = model.solve({}, fix=(i, floor, ceiling))
            found = model.certified(solution, [name, *open_], k)
            if name in found:
                break
        if not found or name not in found:
            pinned.append(name)
        for other in found or ():
            open_.pop(other, None)
    if not exact:
        return dict.fromkeys(pinned, Range(1, k - 1))
    return {name: r for name, r in ranges(problem, pinned).items() if r.discloses(k)}


TOLERANCE = 1e-6  # of a fact recomputed on whole counts; facts are bounds of sums


class _Model:
    """`problem` as matrices, assembled once for all its solves."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.size, self.matrix, self.low, self.high, self.lower, self.upper = _assemble(problem)
        self.constraints = (
            () if self.matrix is None else (LinearConstraint(self.matrix, self.low, self.high),)
        )

    def solve(self, objective: Mapping[Hashable, float], fix=None, *, exact=False):
        """A solution minimising Σ coefficient × count (None if there is none); `fix`
        = (column, lo, hi) bounds one count."""
        c = np.zeros(self.size)
        for name, a in objective.items():
            c[self.problem.index[name]] = a
        lower, upper = self.lower, self.upper
        if fix is not None:
            i, lo, hi = fix
            lower, upper = lower.copy(), upper.copy()
            lower[i], upper[i] = lo, hi
        options = {"presolve": True, **({"mip_rel_gap": 0.0} if exact else {})}
        solved = milp(
            c,
            integrality=np.ones(self.size),
            bounds=Bounds(lower, upper),
            constraints=self.constraints,
            options=options,
        )
        if solved.status == 2:
            return None
        if solved.status != 0:
            if fix is None and not objective:
                raise ValueError(f"The intruder's problem is not solvable: {solved.message}")
            return None
        return solved

    def certified(self, solved, names: Iterable[Hashable], k: int) -> set:
        """The `names` that `solved`, rounded to whole counts and checked against every
        fact, sets to 0 or to k or more (none if the check fails)."""
        if solved is None:
            return set()
        x = np.round(solved.x)
        if np.any(x < self.lower) or np.any(x > self.upper):
            return set()
        if self.matrix is not None:
            values = self.matrix @ x
            if np.any(values < self.low - TOLERANCE) or np.any(values > self.high + TOLERANCE):
                return set()
        index = self.problem.index
        return {name for name in names if x[index[name]] == 0 or x[index[name]] >= k}

    def range(self, target: Hashable) -> Range:
        found = []
        for sign in (1.0, -1.0):
            solved = self.solve({target: sign}, exact=True)
            if solved is None:
                raise ValueError("The intruder's problem is not solvable")
            found.append(sign * solved.fun)
        return Range(round(found[0]), round(found[1]))


def _assemble(problem: Problem):
    """Columns: the unknowns, then one 0/1 column per box of each choice. Rows: each
    choice's "exactly one box" and its expressions' bounds, then the facts."""
    from scipy.sparse import csr_array

    size = len(problem.unknowns)
    index = problem.index
    # The matrix's entries as three flat lists: ints and floats are not tracked by the
    # garbage collector, where a list of (row, column, value) tuples made it sweep for
    # most of the assembly (profiled: bench/bench_publication.py --tiny 4).
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    low: list[float] = []
    high: list[float] = []

    def row(terms: Mapping[int, float], lo: float, hi: float) -> None:
        r = len(low)
        for column, a in terms.items():
            if a:
                rows.append(r)
                cols.append(column)
                vals.append(a)
        low.append(lo)
        high.append(hi)

    columns = size
    for choice in problem.choices:
        boxes = range(columns, columns + len(choice.boxes))
        columns += len(choice.boxes)
        row(dict.fromkeys(boxes, 1.0), 1.0, 1.0)
        for e, expression in enumerate(choice.expressions):
            terms = {index[name]: a for name, a in expression.items()}
            # expression − Σ lo·pick ≥ 0 and expression − Σ hi·pick ≤ 0: with one pick,
            # lo ≤ expression ≤ hi of the picked box.
            for side in (0, 1):
                picked = dict(terms)
                for j, column in enumerate(boxes):
                    picked[column] = picked.get(column, 0.0) - choice.boxes[j][e][side]
                if side == 0:
                    row(picked, 0.0, np.inf)
                else:
                    row(picked, -np.inf, 0.0)
    for fact in problem.facts:
        # A name twice in a fact is summed by the sparse matrix (duplicates add up).
        r = len(low)
        for name, a in fact.terms.items():
            if a:
                rows.append(r)
                cols.append(index[name])
                vals.append(a)
        low.append(fact.lo)
        high.append(fact.hi)
    upper = np.full(columns, 1.0)
    upper[:size] = [problem.upper.get(name, UNBOUNDED) for name in problem.unknowns]
    # Counts are never negative; a difference between two releases may be (differencing.py).
    lower = np.zeros(columns)
    lower[:size] = [problem.lower.get(name, 0.0) for name in problem.unknowns]
    matrix = None
    if low:
        matrix = csr_array((vals, (rows, cols)), shape=(len(low), columns))
    return columns, matrix, np.array(low), np.array(high), lower, upper
