"""Tables of counts printed as counts (community voices: neighborhood × topic), with
their row and column totals, protected by the same rule and audited by the same intruder.

A count of 1..k−1 is hidden, and so is a total of 1..k−1; a hidden count alone in its
row or column gets a partner, a zero first (a hidden zero hides least); the intruder
then attacks the printed table, and a count it still pins hides its row, then its
column's total — never the whole table.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field

from ..analysis.suppression import MIN_K
from .intruder import Problem, disclosed

AUDIT_ROUNDS = 6


@dataclass
class CountPlan:
    """What a count table must not print: cells, whole rows (total included), column
    totals."""

    cells: set = field(default_factory=set)
    rows: set = field(default_factory=set)
    columns: set = field(default_factory=set)

    def hides(self, row, column) -> bool:
        return row in self.rows or (row, column) in self.cells


def protect_counts(
    table: Mapping[Hashable, Mapping[Hashable, int]],
    k: int,
    unprinted_rows: Collection[Hashable] = (),
) -> CountPlan:
    """Which counts and totals of `table` a public page must hide. `unprinted_rows` are
    counted in the column totals but never printed (feedback without a neighborhood)."""
    k = max(int(k), MIN_K)
    rows = list(table)
    columns = sorted({c for r in rows for c in table[r]}, key=str)
    value = {(r, c): int(table[r].get(c, 0)) for r in rows for c in columns}
    plan = CountPlan(rows={r for r in unprinted_rows if r in table})
    for r in rows:
        if 0 < sum(value[r, c] for c in columns) < k:
            plan.rows.add(r)
    for c in columns:
        if 0 < sum(value[r, c] for r in rows) < k:
            plan.columns.add(c)
    plan.cells.update(cell for cell, v in value.items() if 0 < v < k)
    for _round in range(AUDIT_ROUNDS):
        _complement(plan, rows, columns, value, k)
        leaks = disclosed(printed_problem(plan, rows, columns, value), value, k)
        if not leaks:
            return plan
        for r, c in leaks:
            if r not in plan.rows:
                plan.rows.add(r)
            else:
                plan.columns.add(c)
    plan.columns.update(columns)  # totals only: rows already printed stay safe
    return plan


def _complement(plan: CountPlan, rows, columns, value, k: int) -> None:
    changed = True
    while changed:
        changed = False
        for r in rows:
            if r in plan.rows:
                continue
            hidden = [c for c in columns if (r, c) in plan.cells]
            if len(hidden) == 1:
                changed |= _partner(plan, [(r, c) for c in columns], value, row=r)
        for c in columns:
            if c in plan.columns:
                continue
            hidden = [r for r in rows if plan.hides(r, c) and 0 < value[r, c] < k]
            if len(hidden) == 1:
                line = [(r, c) for r in rows]
                if not _partner(plan, line, value, row=None):
                    plan.columns.add(c)
                changed = True


def _partner(plan: CountPlan, line, value, *, row) -> bool:
    """Hide a zero of `line`, else its smallest printed count; else the row's total."""
    visible = [cell for cell in line if not plan.hides(*cell)]
    if not visible:
        if row is not None:
            plan.rows.add(row)
            return True
        return False
    plan.cells.add(min(visible, key=lambda cell: value[cell]))
    return True


def printed_problem(plan: CountPlan, rows, columns, value) -> Problem:
    """The intruder's problem: every count it does not see is unknown; printed counts,
    row totals and column totals are facts."""
    problem = Problem()
    for r in rows:
        for c in columns:
            if plan.hides(r, c):
                problem.unknown((r, c))
            else:
                problem.equal({(r, c): 1.0}, value[r, c])
        if r not in plan.rows:
            problem.equal({(r, c): 1.0 for c in columns}, sum(value[r, c] for c in columns))
    for c in columns:
        if c not in plan.columns:
            problem.equal({(r, c): 1.0 for r in rows}, sum(value[r, c] for r in rows))
    return problem
