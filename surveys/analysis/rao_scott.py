"""Rao–Scott second-order corrected chi-square test of independence (R's `svychisq`,
statistic "F"), on weighted cells.

Rows (neighborhoods) and columns (codes) with no respondents are dropped first, as R's
`svychisq` needs: an empty row or column makes the design-effect matrix Δ singular.
Contrasts no respondent can estimate (empty cells inside the table that leave an
interaction unobserved) are left out of Δ's trace rather than counted as zero, and the
test's warnings say what was dropped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .design import Design


@dataclass(frozen=True)
class RaoScott:
    statistic: float  # F
    df_numerator: float
    df_denominator: float
    p_value: float
    design_effect: float  # mean generalised design effect, tr(Δ)/rank(Δ)
    warnings: tuple[str, ...] = ()


def rao_scott_test(
    cells: Sequence[tuple[tuple, float, Hashable, Hashable, float]],
    design: Design,
    *,
    row_names: dict[Hashable, str] | None = None,
    columns: Sequence[Hashable] = (),
) -> RaoScott:
    """`cells` are (calibration cell, weight, row, column, count) for respondents who
    answered; rows and columns are any labels. Rows of `row_names` and `columns` with no
    respondents are dropped, and the warnings name them."""
    rows = sorted({c[2] for c in cells if c[4] > 0}, key=repr)
    cols = sorted({c[3] for c in cells if c[4] > 0}, key=repr)
    if len(rows) < 2 or len(cols) < 2:
        return RaoScott(math.nan, math.nan, math.nan, math.nan, math.nan)
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: i for i, c in enumerate(cols)}
    n_rows, n_cols = len(rows), len(cols)
    size = n_rows * n_cols
    live = [c for c in cells if c[4] > 0]
    position = np.array([row_at[c[2]] * n_cols + col_at[c[3]] for c in live])
    weight = np.array([c[1] for c in live])
    count = np.array([float(c[4]) for c in live])
    n = float(count.sum())
    weight_sum = float((weight * count).sum())
    p = np.bincount(position, weights=weight * count / weight_sum, minlength=size)
    table = (p * n).reshape(n_rows, n_cols)
    pearson = stats.chi2_contingency(table, correction=False)[0]

    # Generalised design effects Δ. Its non-zero eigenvalues are those of n·A V Aᵀ,
    # where V is the linearised covariance of the cell proportions and A divides by the
    # square roots of the cell proportions P and removes the row and column main effects
    # in that metric (R's contrasts Cmat with D⁻¹). R uses the observed proportions; an
    # empty cell makes that singular, so a table with one uses the proportions expected
    # under independence (the product of the margins), which every kept cell has.
    observed = p.reshape(n_rows, n_cols)
    empty_cells = int((observed == 0).sum())
    if empty_cells:
        observed = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    calibration = np.array([design.position[c[0]] for c in live])
    rows_e, weights_e = _residual_rows(design, calibration, position, weight / weight_sum, count, p)
    standardised = _standardise(rows_e, observed)
    scaled = standardised * np.sqrt(weights_e)[:, None]
    gram = scaled @ scaled.T if scaled.shape[0] <= scaled.shape[1] else scaled.T @ scaled
    trace = n * float(np.trace(gram))
    trace_squared = n * n * float(np.sum(gram * gram))
    warnings = _dropped(cells, rows, cols, row_names, columns)
    if empty_cells:
        warnings.append(
            f"{empty_cells} empty cell(s): design effects use the proportions expected "
            "under independence."
        )
    if trace <= 0 or trace_squared <= 0:
        return RaoScott(math.nan, math.nan, math.nan, math.nan, math.nan, tuple(warnings))
    f = pearson / trace
    d0 = trace * trace / trace_squared
    p_value = float(stats.f.sf(f, d0, d0 * design.df))
    rank = (n_rows - 1) * (n_cols - 1)
    return RaoScott(float(f), d0, d0 * design.df, p_value, trace / rank, tuple(warnings))


def _residual_rows(design: Design, calibration, position, scale, count, p):
    """The linearised covariance of the cell proportions as Σ weight·e eᵀ: one row e
    per group of identical respondents (their influence less the calibration fit) and
    one per calibration cell for its respondents who did not answer."""
    size = p.shape[0]
    units = -np.outer(scale, p)
    units[np.arange(len(position)), position] += scale
    sums = np.zeros((len(design.keys), size))
    np.add.at(sums, calibration, count[:, None] * units)
    fitted = design.fitted(sums)
    answered = np.bincount(calibration, weights=count, minlength=len(design.keys))
    rows = np.vstack([units - fitted[calibration], -fitted])
    weights = np.concatenate(
        [count * design.scale[calibration], (design.sampled - answered) * design.scale]
    )
    return rows, np.maximum(weights, 0.0)


def _standardise(rows: np.ndarray, proportions: np.ndarray) -> np.ndarray:
    """A e for each row e (reshaped to a table Y): Y / √P, less its least-squares fit
    on √P ⊙ (row effect + column effect)."""
    n_rows, n_cols = proportions.shape
    root = np.sqrt(proportions)
    tables = rows.reshape(-1, n_rows, n_cols) / root
    gram = np.block(
        [
            [np.diag(proportions.sum(axis=1)), proportions],
            [proportions.T, np.diag(proportions.sum(axis=0))],
        ]
    )
    cross = np.hstack(
        [np.einsum("ij,kij->ki", root, tables), np.einsum("ij,kij->kj", root, tables)]
    )
    # One effect is redundant (row and column effects share a constant); the fit is
    # unique all the same, which the pseudo-inverse gives.
    effects = cross @ np.linalg.pinv(gram)
    fitted = root * (effects[:, :n_rows, None] + effects[:, None, n_rows:])
    return (tables - fitted).reshape(rows.shape[0], -1)


def _dropped(cells, rows, cols, row_names, columns) -> list[str]:
    """Say which rows and columns had no respondents and were left out."""
    all_rows = {c[2] for c in cells} | set((row_names or {}).keys())
    all_cols = {c[3] for c in cells} | set(columns)
    empty_rows = sorted(all_rows - set(rows), key=repr)
    empty_cols = sorted(all_cols - set(cols), key=repr)
    warnings = []
    if empty_rows:
        names = sorted(str((row_names or {}).get(r, r)) for r in empty_rows)
        warnings.append("Left out of the test, no answers: " + ", ".join(names) + ".")
    if empty_cols:
        warnings.append(
            "Codes nobody chose, left out of the test: "
            + ", ".join(str(c) for c in empty_cols)
            + "."
        )
    return warnings
