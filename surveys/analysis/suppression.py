"""Small numbers are never published: primary and complementary cell suppression.

A public table is neighborhoods × answer codes, published with each neighborhood's total
(its n) and each code's city-wide total. The rule (../shared/STATISTICS.md):

- a count from 1 to k−1 is suppressed (primary suppression);
- a neighborhood with fewer than k answers is suppressed whole, total included;
- more cells are suppressed (complementary suppression) until no suppressed cell can be
  worked out from the published cells and totals: every suppressed cell's feasible
  range, given all published numbers and that counts are not negative, must span more
  than one value. That last check solves two small linear programmes per suppressed cell.

Estimates resting on an effective n under 30, or with a relative standard error of 30%
or more, are "unreliable": analysts see them marked, public pages do not show them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

MIN_K = 5
RELIABLE_N_EFFECTIVE = 30
RELIABLE_RSE = 0.30


@dataclass
class Suppression:
    cells: set[tuple[Hashable, Hashable]] = field(default_factory=set)
    rows: set[Hashable] = field(default_factory=set)  # whole rows hidden, total included
    columns: set[Hashable] = field(default_factory=set)  # column totals hidden

    def hides(self, row, column) -> bool:
        return row in self.rows or (row, column) in self.cells


def suppress(
    table: Mapping[Hashable, Mapping[Hashable, float]],
    k: int,
    hidden_rows: Collection[Hashable] = (),
) -> Suppression:
    """Which cells, rows and column totals of `table` a public output must hide.

    `hidden_rows` are never published (people counted in the column totals but in no
    published row): they start hidden, and are protected like any suppressed row."""
    k = max(int(k), MIN_K)
    rows = list(table)
    columns = sorted({c for r in rows for c in table[r]}, key=str)
    value = {(r, c): float(table[r].get(c, 0)) for r in rows for c in columns}
    result = Suppression()
    result.rows.update(r for r in hidden_rows if r in table)
    for r in rows:
        if 0 < sum(value[r, c] for c in columns) < k:
            result.rows.add(r)
    for cell, v in value.items():
        if 0 < v < k:
            result.cells.add(cell)
    for _ in range(4 * (len(rows) + len(columns)) + 10):
        if not _complement(result, rows, columns, value):
            disclosed = _disclosed(result, rows, columns, value)
            if not disclosed:
                return result
            _protect(result, disclosed, rows, columns, value)
    # Should a table resist every step, hide everything rather than publish a small cell.
    result.rows.update(rows)
    result.columns.update(columns)
    return result


def _hidden(result: Suppression, cell) -> bool:
    return cell[0] in result.rows or cell in result.cells


def _complement(result: Suppression, rows, columns, value) -> bool:
    """One pass of complementary suppression; True if anything was added."""
    changed = False
    # Rows: a published total with exactly one hidden cell gives that cell away.
    for r in rows:
        if r in result.rows:
            continue
        hidden = [c for c in columns if (r, c) in result.cells]
        if len(hidden) == 1:
            changed |= _hide_smallest(result, [(r, c) for c in columns], value)
    # Hidden rows are one block: if only one row is hidden, column totals give it away.
    hidden_rows = [r for r in rows if r in result.rows and any(value[r, c] for c in columns)]
    if len(hidden_rows) == 1:
        others = [r for r in rows if r not in result.rows and sum(value[r, c] for c in columns)]
        if others:
            smallest = min(others, key=lambda r: sum(value[r, c] for c in columns))
            result.rows.add(smallest)
            changed = True
        else:
            result.columns.update(columns)
    # Columns: a published city-wide total with exactly one hidden cell gives it away.
    for c in columns:
        if c in result.columns:
            continue
        hidden = [r for r in rows if _hidden(result, (r, c)) and value[r, c]]
        if len(hidden) == 1:
            if not _hide_smallest(result, [(r, c) for r in rows], value):
                result.columns.add(c)
                changed = True
            else:
                changed = True
    return changed


def _hide_smallest(result: Suppression, line, value) -> bool:
    """Hide the smallest visible non-zero cell of `line`; False if there is none."""
    visible = [cell for cell in line if not _hidden(result, cell) and value[cell] > 0]
    if not visible:
        return False
    result.cells.add(min(visible, key=lambda cell: value[cell]))
    return True


def _disclosed(result: Suppression, rows, columns, value) -> list:
    """Hidden non-zero cells whose value the published numbers pin down exactly."""
    unknown = [(r, c) for r in rows for c in columns if _hidden(result, (r, c))]
    if not unknown:
        return []
    index = {cell: i for i, cell in enumerate(unknown)}
    # Each published total (a row's n, a code's city-wide count) is one equation.
    published = [[(r, c) for c in columns] for r in rows if r not in result.rows]
    published += [[(r, c) for r in rows] for c in columns if c not in result.columns]
    equations, totals = [], []
    for line in published:
        if any(cell in index for cell in line):
            _equation(line, index, value, equations, totals)
    if not equations:
        return []
    a_eq, b_eq = np.array(equations), np.array(totals)
    pinned = []
    for cell, i in index.items():
        if value[cell] == 0:
            continue
        objective = np.zeros(len(unknown))
        objective[i] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.success and high.success and (-high.fun) - low.fun < 1 - 1e-9:
            pinned.append(cell)
    return pinned


def _equation(line, index, value, equations, totals) -> None:
    row = np.zeros(len(index))
    known = 0.0
    for cell in line:
        if cell in index:
            row[index[cell]] = 1
        else:
            known += value[cell]
    equations.append(row)
    totals.append(sum(value[cell] for cell in line) - known)


def _protect(result: Suppression, disclosed, rows, columns, value) -> None:
    for r, c in disclosed:
        in_row = _hide_smallest(result, [(r, other) for other in columns], value)
        if not in_row and not _hide_smallest(result, [(other, c) for other in rows], value):
            result.columns.add(c)


def unreliable_reasons(e) -> list[str]:
    """Why an estimate (estimates.Estimate) is too uncertain to publish: an effective
    number of substantive answers under 30, a relative standard error of 30% or more,
    or an interval of zero width (identical answers, a single answer, a mean of 0)."""
    reasons = []
    if e.n_effective < RELIABLE_N_EFFECTIVE:
        reasons.append(
            f"effective number of substantive answers {e.n_effective:.0f} is under "
            f"{RELIABLE_N_EFFECTIVE}"
        )
    if e.mean is not None:
        rse = e.relative_se
        if e.n_mean <= 1:
            reasons.append("a single answer: no interval")
        elif e.se is None or e.se == 0 or (e.ci and e.ci[0] == e.ci[1]):
            reasons.append("every answer is the same: a zero-width interval")
        elif e.mean == 0:
            reasons.append("a mean of 0: the relative standard error is undefined")
        elif rse is not None and rse >= RELIABLE_RSE:
            reasons.append(f"relative standard error {rse:.0%} is {RELIABLE_RSE:.0%} or more")
    if e.favorable and e.favorable["p"] and e.n_effective:
        p = e.favorable["p"]
        favorable_rse = math.sqrt(p * (1 - p) / e.n_effective) / p
        if favorable_rse >= RELIABLE_RSE:
            reasons.append(f"relative standard error of the favorable share {favorable_rse:.0%}")
    return reasons
