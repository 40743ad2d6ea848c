"""Small numbers can never be recovered from what a public page shows."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.optimize import linprog

from surveys.analysis.suppression import suppress


def feasible_range(table, result, target):
    """(min, max) of a hidden cell given every published number: the attacker's view."""
    rows, cols = list(table), sorted({c for r in table for c in table[r]})
    value = {(r, c): table[r].get(c, 0) for r in rows for c in cols}
    unknown = [cell for cell in value if result.hides(*cell)]
    index = {cell: i for i, cell in enumerate(unknown)}
    equations, totals = [], []
    lines = [[(r, c) for c in cols] for r in rows if r not in result.rows]
    lines += [[(r, c) for r in rows] for c in cols if c not in result.columns]
    for line in lines:
        row = np.zeros(len(unknown))
        known = 0
        for cell in line:
            if cell in index:
                row[index[cell]] = 1
            else:
                known += value[cell]
        if row.any():
            equations.append(row)
            totals.append(sum(value[cell] for cell in line) - known)
    if not equations:
        return (0, float("inf"))
    objective = np.zeros(len(unknown))
    objective[index[target]] = 1
    bounds = (0, None)
    low = linprog(objective, A_eq=np.array(equations), b_eq=totals, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=np.array(equations), b_eq=totals, bounds=bounds, method="highs")
    return (low.fun, -high.fun if high.status == 0 else float("inf"))


tables = st.integers(min_value=2, max_value=5).flatmap(
    lambda n_rows: st.integers(min_value=2, max_value=4).flatmap(
        lambda n_cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=n_cols, max_size=n_cols),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=tables, k=st.integers(min_value=5, max_value=12))
def test_no_small_count_can_be_recovered(matrix, k):
    table = {f"n{i}": {f"c{j}": v for j, v in enumerate(row)} for i, row in enumerate(matrix)}
    result = suppress(table, k)
    for r, row in table.items():
        row_total = sum(row.values())
        for c, v in row.items():
            shown = not result.hides(r, c)
            # 1. No count from 1 to k−1 is shown, nor the total of a row under k.
            if 0 < v < k:
                assert not shown, (r, c, v)
            if 0 < row_total < k:
                assert r in result.rows
            # 2. No hidden small count can be worked out from what is shown.
            if not shown and 0 < v < k:
                low, high = feasible_range(table, result, (r, c))
                assert high - low >= 1 - 1e-9, f"{(r, c)}={v} pinned to [{low}, {high}]"


def test_a_small_cell_gets_a_complement_in_its_row_and_column():
    table = {"a": {"yes": 3, "no": 40}, "b": {"yes": 30, "no": 25}, "c": {"yes": 20, "no": 22}}
    result = suppress(table, 10)
    assert ("a", "yes") in result.cells
    assert len([c for c in result.cells if c[0] == "a"]) >= 2
    assert len([c for c in result.cells if c[1] == "yes"]) >= 2


def test_a_small_neighborhood_is_hidden_with_a_complement():
    table = {"tiny": {"yes": 2, "no": 3}, "b": {"yes": 30, "no": 25}, "c": {"yes": 20, "no": 29}}
    result = suppress(table, 10)
    assert "tiny" in result.rows and len(result.rows) >= 2


def test_k_is_never_below_five():
    assert ("a", "x") in suppress({"a": {"x": 4, "y": 50}, "b": {"x": 50, "y": 50}}, 2).cells


def test_large_counts_are_left_alone():
    result = suppress({"a": {"x": 40, "y": 50}, "b": {"x": 50, "y": 50}}, 10)
    assert not result.cells and not result.rows and not result.columns


@pytest.mark.parametrize("value", [0, 10, 11])
def test_zero_and_k_or_more_are_published(value):
    result = suppress({"a": {"x": value, "y": 50}, "b": {"x": 50, "y": 50}}, 10)
    assert ("a", "x") not in result.cells
