"""The event study of an intervention: covered × (period − start = k), by k.

Shares the cells, the fit and its identification checks with surveys/analysis/impact.py
(the difference-in-differences); surveys/analysis/impact_report.py calls both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from .impact import ALPHA, Cells, Fit, TooFewCells, _t_quantile, fit_cells


@dataclass
class EventStudy:
    """Coefficients by period relative to the start, against `reference` (−1, the last
    period before, when covered neighborhoods answered then; else the nearest earlier
    period they answered in), with the joint test that every earlier one is zero."""

    coefficients: list[dict]  # {"event_time", "estimate", "se", "ci", "binned"}
    pre_test: dict | None  # {"name", "statistic", "df", "p_value"}
    warnings: list[str] = field(default_factory=list)
    reference: int = -1


def event_study(
    cells: Cells, covered: set[int], start_period: int, *, leads: int = 4, lags: int = 4
) -> EventStudy | None:
    """Covered × (event time = k) for k from −leads to lags, the end points binned (−leads
    stands for it and every earlier period, lags for it and every later one). The joint
    Wald test of the leads (k before the reference) uses the clustered covariance, as F
    with G − 1 denominator degrees of freedom.

    An event time is estimated only when comparison neighborhoods answered in one of its
    periods (otherwise the period effects absorb the covered cells and it is left out,
    with a warning); None when no earlier period can be the reference or the design
    still does not identify every coefficient."""
    is_covered = np.isin(cells.neighborhood, list(covered))
    if not is_covered.any() or is_covered.all():
        return None
    event = np.clip(cells.period - start_period, -leads, lags)
    other_periods = set(cells.period[~is_covered].tolist())
    supported, unsupported = [], []
    for k in range(-leads, lags + 1):
        here = is_covered & (event == k)
        if here.any():
            if other_periods & set(cells.period[here].tolist()):
                supported.append(k)
            else:
                unsupported.append(k)
    before = [k for k in supported if k < 0]
    if not before:
        return None
    reference = max(before)
    times = [k for k in supported if k != reference]
    if not times:
        return None
    regressors = np.column_stack([(is_covered & (event == k)).astype(float) for k in times])
    try:
        fit = fit_cells(cells, regressors, [f"event {k}" for k in times])
    except TooFewCells:
        return None
    q = _t_quantile(fit.df)
    coefficients = []
    for j, k in enumerate(times):
        value, se = float(fit.params[j]), fit.se(j)
        coefficients.append(
            {
                "event_time": k,
                "estimate": value,
                "se": se,
                "ci": (value - q * se, value + q * se),
                "binned": k in (-leads, lags),
            }
        )
    coefficients.insert(
        sum(1 for k in times if k < reference),
        {"event_time": reference, "estimate": 0.0, "se": 0.0, "ci": None, "binned": False},
    )
    pre = [j for j, k in enumerate(times) if k < reference]
    result = EventStudy(coefficients, wald_test(fit, pre) if pre else None, reference=reference)
    if reference != -1:
        result.warnings.append(
            f"Covered neighborhoods did not answer in the period just before the start "
            f"(or no comparison neighborhood did): the event study's reference is event "
            f"time {reference}."
        )
    if unsupported:
        result.warnings.append(
            "No comparison neighborhood answered at event times "
            f"{', '.join(str(k) for k in unsupported)}: they are not estimated."
        )
    if result.pre_test and result.pre_test["p_value"] < ALPHA:
        result.warnings.append(
            "Before the start, covered neighborhoods already moved differently from the "
            "others (joint test of the earlier periods): the comparison's parallel-trends "
            "assumption is in doubt."
        )
    return result


def wald_test(fit: Fit, columns: list[int]) -> dict | None:
    """Joint test that the coefficients `columns` are all zero: F = W / q on (q, G − 1)."""
    q = len(columns)
    if q >= fit.clusters:
        return None  # the clustered covariance has rank below q: no test
    beta = fit.params[columns]
    cov = fit.cov[np.ix_(columns, columns)]
    try:
        statistic = float(beta @ np.linalg.solve(cov, beta)) / q
    except np.linalg.LinAlgError:  # a singular clustered covariance: no test
        return None
    return {
        "name": "Wald test, clustered by neighborhood (F)",
        "statistic": statistic,
        "df": (q, fit.df),
        "p_value": float(stats.f.sf(statistic, q, fit.df)),
    }
