"""Standard errors of adjusted trend points that count the estimation of the targets.

The adjustment (adjustment.py) rakes neighborhood h in period t to targets
T_hjc = N_h · π̂_hj(c), where π̂_hj(c) is the mean over h's P_h periods of each period's
share p̂_hsj(c): the targets come from the same respondents. Calibration's linearisation
(design.py) treats them as known population margins and so leaves out their sampling
error. Here the adjusted mean m of period t (a share is the mean of 0/1) is linearised
in both:

    m ≈ Σ_{i in t} e_i + Σ_jc b_jc T_hjc,

b the least-squares fit of z/w on the margins' indicators (z_i = w_i (y_i − m)/W, the
score calibration uses; e_i = z_i − w_i x_i'b its residual), and since
∂π̂_hj(c)/∂(respondent i of period s) = (1{x_ij = c} − p̂_hsj(c)) / (P_h n_hs), the
influence of respondent i of neighborhood h, period s, is

    u_i = 1{s = t} e_i + N_h / (P_h n_hs) · (x_i'b − mean over period s of x'b).

Respondents of every period of h contribute; the variance is n/(n − 1) Σ u_i², n the
period's respondents (design.py's factor). Where a neighborhood's mix did not move, the
adjusted point equals the raw one but is a different estimator: its mix rests on every
period's respondents rather than on the period's alone, so its variance can be smaller
than the raw one's. The terms added to calibration's are a sum of squares and a cross
term, which vanishes when a neighborhood's weights in the period are all equal.
Not counted: the rescaling of a cell's targets over the categories present
(adjustment.py warns when it happens).

Pure numpy: `TargetVariance` is built once per set of adjustment weights and serves every
question.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from .statistics import mean_interval, wilson_interval
from .suppression import RELIABLE_RSE, unreliable_reasons
from .trends import Point


class _Hood:
    """One neighborhood's respondent cells over all its periods, as arrays."""

    def __init__(self, hood, keys, adjustment):
        self.keys = keys  # (period, categories)
        self.counts = np.array([adjustment.counts[(hood, p, c)] for p, c in keys], dtype=float)
        self.weights = np.array([adjustment.weights[(hood, p, c)] for p, c in keys])
        columns: dict = {}
        for _, categories in keys:
            for j, category in enumerate(categories):
                columns.setdefault((j, category), len(columns))
        self.x = np.zeros((len(keys), len(columns)))
        for i, (_, categories) in enumerate(keys):
            for j, category in enumerate(categories):
                self.x[i, columns[(j, category)]] = 1.0
        periods = sorted({p for p, _ in keys})
        self.period = np.array([periods.index(p) for p, _ in keys])
        self.period_n = np.bincount(self.period, weights=self.counts, minlength=len(periods))
        self.periods = {p: i for i, p in enumerate(periods)}
        self.rows: dict = {}
        self.fit: dict = {}
        self.total: dict = {}
        for p, i in self.periods.items():
            rows = np.flatnonzero(self.period == i)
            x = self.x[rows]
            gram = x.T @ (self.counts[rows, None] * x)
            # Collinear margins (each question's indicators sum to one): the fitted values
            # are unique all the same, as the pseudo-inverse gives them (design.py).
            self.rows[p] = rows
            self.fit[p] = np.linalg.pinv(gram) @ x.T
            self.total[p] = float(self.weights[rows] @ self.counts[rows])


class TargetVariance:
    """The influence arithmetic of every neighborhood of one `AdjustmentWeights`."""

    def __init__(self, adjustment):
        by_hood: dict = defaultdict(list)
        for hood, period, categories in adjustment.weights:
            by_hood[hood].append((period, categories))
        self.hoods = {hood: _Hood(hood, keys, adjustment) for hood, keys in by_hood.items()}
        self.period_n: dict = defaultdict(float)
        for (_, period, _), n in adjustment.counts.items():
            self.period_n[period] += n

    def parts(self, hood, period: int, sums: dict) -> tuple[float, float, np.ndarray]:
        """(Σ w·y, Σ w, V) of `hood` in `period` for one question: `sums` maps categories
        to (answers, Σ y, Σ y²) of the answers counted; V, 2 × 2, is the variance of
        the influence for the scores (w·y, w·1) before centring and scaling, so that the
        variance of the mean m of a group is (V_yy − 2m V_y1 + m² V_11) / W²."""
        h = self.hoods[hood]
        rows = h.rows[period]
        keys = [h.keys[r][1] for r in rows]
        stats = np.array([sums.get(c, (0.0, 0.0, 0.0)) for c in keys], dtype=float)
        answers, total, squares = stats[:, 0], stats[:, 1], stats[:, 2]
        w, n = h.weights[rows], h.counts[rows]
        # Per cell, for the two scores a ∈ {y, 1}: S the sum of z, and the fitted g.
        s = np.stack([w * total, w * answers])  # 2 × cells
        b = h.fit[period] @ (s / w).T  # columns × 2
        g_all = h.x @ b  # all cells of h, every period: x'b
        g = g_all[rows]
        q = np.array([[squares, total], [total, answers]]) * (
            w * w
        )  # Σ z_a z_b per cell, 2 × 2 × cells
        residual = s - (n * w) * g.T  # Σ e per cell, 2 × cells
        v = q.sum(axis=2)
        wg = s @ (w[:, None] * g)
        v -= wg + wg.T
        v += (g.T * (n * w * w)) @ g
        # The targets: N_h / (P_h n_hs) times x'b centred within each period s.
        means = (
            np.stack(
                [
                    np.bincount(h.period, weights=h.counts * g_all[:, a], minlength=len(h.period_n))
                    for a in range(2)
                ]
            )
            / h.period_n
        )
        centred = g_all - means[:, h.period].T
        scale = h.total[period] / (len(h.period_n) * h.period_n[h.period])
        target = centred * scale[:, None]
        v += (target.T * h.counts) @ target
        cross = residual @ target[rows]
        v += cross + cross.T
        return float(w @ total), float(w @ answers), v

    def factor(self, period: int) -> float:
        n = self.period_n[period]
        return n / (n - 1) if n > 1 else 0.0


INTERVALS = (
    "linearised, counting the estimation of the targets from the same respondents: "
    "shares, Wilson score at the effective n p(1 − p)/se²; means, t"
)


def answer_sums(rows, measure_is_share: bool, favorable, non_substantive) -> dict:
    """{(neighborhood, period): {categories: (answers, Σ y, Σ y²)}} of one question's
    answers that its headline estimate counts (estimates.py): substantive codes, 1 when
    favorable, for a share; numbers for a mean."""
    chosen = set(favorable)
    sums: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0, 0.0]))
    for r in rows:
        if measure_is_share:
            if r.code is None or r.code in non_substantive:
                continue
            y = 1.0 if r.code in chosen else 0.0
        elif r.number is None:
            continue
        else:
            y = float(r.number)
        cell = sums[(r.neighborhood, r.period)][r.categories]
        cell[0] += r.count
        cell[1] += r.count * y
        cell[2] += r.count * y * y
    return sums


def group_se(variance: TargetVariance, period: int, parts) -> float | None:
    """The standard error of the mean of a group whose neighborhoods' `parts` (from
    `TargetVariance.parts`) are given."""
    total = sum(p[0] for p in parts)
    weight = sum(p[1] for p in parts)
    if weight <= 0:
        return None
    m = total / weight
    v = sum(p[2] for p in parts)
    value = (v[0, 0] - 2 * m * v[0, 1] + m * m * v[1, 1]) / (weight * weight)
    return float(np.sqrt(max(value, 0.0) * variance.factor(period)))


def adjusted_point(period: int, result, measure_is_share: bool, k: int, se: float | None):
    """The trend point of an adjusted estimate (trends.period_point's fields) whose
    standard error, interval and reliability all rest on `se`: a share's Wilson interval
    at the effective n implied by `se`, a mean's t interval; the relative standard
    error flag on `se`; the effective-n flag on the weights' (Kish) effective n."""
    favorable = result.favorable if measure_is_share else None
    value = (favorable["p"] if favorable else None) if measure_is_share else result.mean
    ci = None
    if value is not None and se is not None:
        if measure_is_share:
            implied = value * (1 - value) / (se * se) if se > 0 else result.n_effective
            ci = tuple(wilson_interval(value * implied, implied))
        elif result.df is not None:
            ci = tuple(mean_interval(value, se, result.df))
    checked = dataclasses.replace(result, favorable=None, se=se, ci=ci)
    reasons = unreliable_reasons(checked)
    if measure_is_share and value and se is not None and se / value >= RELIABLE_RSE:
        reasons.append(f"relative standard error of the favorable share {se / value:.0%}")
    return Point(
        period, result.n, value, se, ci, result.n < k, bool(reasons) or value is None, reasons
    )
