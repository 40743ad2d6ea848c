"""The cell path of surveys/analysis/impact.py is the respondent-level regression.

statsmodels fitted directly on the respondents (WLS with the post-stratification weights,
clustered by neighborhood) gives the same coefficient, the same clustered standard error,
the same event-study Wald statistic and the same wild-bootstrap t statistics as the fit
on neighborhood × period cells.
"""

import numpy as np
import pytest
import statsmodels.api as sm

from surveys.analysis.impact import (
    BootstrapStatistic,
    Cells,
    difference_in_differences,
    fit_cells,
)
from surveys.analysis.impact_events import event_study
from tests.analysis.impact_simulation import simulate


def _dummies(labels):
    return [(labels == level).astype(float) for level in np.unique(labels)[1:]]


def _respondent_fit(rows, regressors):
    hood, period, y, w = rows
    X = np.column_stack([*regressors, np.ones(len(y)), *_dummies(hood), *_dummies(period)])
    model = sm.WLS(y, X, weights=w)
    return model, model.fit(cov_type="cluster", cov_kwds={"groups": hood}, use_t=True)


@pytest.fixture(scope="module")
def survey():
    return simulate(
        np.random.default_rng(2317), neighborhoods=8, periods=6, start=3, respondent_rows=True
    )


def test_difference_in_differences_matches_statsmodels_on_respondents(survey):
    cells, covered, rows = survey
    hood, period, _, _ = rows
    treated = (np.isin(hood, list(covered)) & (period >= 3)).astype(float)
    _, direct = _respondent_fit(rows, [treated])

    result = difference_in_differences(cells, covered, 3, bootstrap=False)

    assert result.respondents == len(rows[2])
    assert result.estimate == pytest.approx(direct.params[0], rel=1e-9)
    assert result.se == pytest.approx(direct.bse[0], rel=1e-9)
    assert result.df == 7  # G − 1
    low, high = direct.conf_int()[0]  # statsmodels: t with G − 1 df for clustered fits
    assert result.ci == pytest.approx((low, high), rel=1e-9)
    assert result.p_value == pytest.approx(direct.pvalues[0], rel=1e-7)


def test_cells_from_respondent_rows_are_the_simulated_cells(survey):
    cells, _, (hood, period, y, w) = survey
    rebuilt = Cells.from_rows(zip(hood, period, y, w, np.ones(len(y)), strict=True))
    assert np.allclose(rebuilt.mean, cells.mean)
    assert np.allclose(rebuilt.weight, cells.weight)
    assert np.allclose(rebuilt.count, cells.count)


def test_event_study_and_its_pre_trend_test_match_statsmodels(survey):
    cells, covered, rows = survey
    hood, period, _, _ = rows
    is_covered = np.isin(hood, list(covered))
    event = np.clip(period - 3, -2, 2)
    times = [-2, 0, 1, 2]
    model, direct = _respondent_fit(
        rows, [(is_covered & (event == k)).astype(float) for k in times]
    )

    study = event_study(cells, covered, 3, leads=2, lags=2)

    by_time = {c["event_time"]: c for c in study.coefficients}
    assert by_time[-1]["estimate"] == 0.0 and by_time[-1]["ci"] is None
    for j, k in enumerate(times):
        assert by_time[k]["estimate"] == pytest.approx(direct.params[j], rel=1e-8, abs=1e-12)
        assert by_time[k]["se"] == pytest.approx(direct.bse[j], rel=1e-8)
    restriction = np.zeros((1, len(direct.params)))
    restriction[0, 0] = 1.0
    wald = direct.wald_test(restriction, use_f=True, scalar=True)
    assert study.pre_test["statistic"] == pytest.approx(float(wald.statistic), rel=1e-8)
    assert study.pre_test["df"] == (1, 7)


def test_wild_bootstrap_t_statistics_match_refits_on_respondents(survey):
    """Each bootstrap draw, refitted with statsmodels on respondent rows built as
    y* = ŷ₀ + v_g·ũ₀ under the null, gives the t the matrix shortcut computes."""
    cells, covered, rows = survey
    hood, period, y, w = rows
    treated = (np.isin(hood, list(covered)) & (period >= 3)).astype(float)
    fit = fit_cells(
        cells,
        (np.isin(cells.neighborhood, list(covered)) & (cells.period >= 3))[:, None].astype(float),
        ["d"],
    )
    signs = np.random.default_rng(5).choice([-1.0, 1.0], size=(8, 4))
    shortcut = BootstrapStatistic(cells, fit, 0, signs).t_star(0.0)

    others = np.column_stack([np.ones(len(y)), *_dummies(hood), *_dummies(period)])
    restricted = sm.WLS(y, others, weights=w).fit()
    refitted = []
    for draw in range(signs.shape[1]):
        y_star = restricted.fittedvalues + signs[hood, draw] * restricted.resid
        X = np.column_stack([treated, others])
        star = sm.WLS(y_star, X, weights=w).fit(cov_type="cluster", cov_kwds={"groups": hood})
        refitted.append(star.params[0] / star.bse[0])
    assert shortcut == pytest.approx(np.array(refitted), rel=1e-7)


def test_no_comparison_without_both_sides(survey):
    cells, _, _ = survey
    assert difference_in_differences(cells, set(range(8)), 3) is None  # all covered
    assert difference_in_differences(cells, {0, 1}, 0) is None  # nothing before
    assert event_study(cells, set(), 3) is None


def test_too_few_cells_give_no_estimate_rather_than_an_error():
    cells = Cells.from_rows(
        [(0, 0, 1.0, 1.0, 5), (0, 1, 0.0, 1.0, 5), (1, 0, 1.0, 1.0, 5), (1, 1, 1.0, 1.0, 5)]
    )
    # Two neighborhoods, two periods: four cells, four coefficients.
    assert difference_in_differences(cells, {0}, 1) is None
    assert event_study(cells, {0}, 1) is None


def _statsmodels_on_cells(cells, regressors):
    """statsmodels' WLS on the cells, clustered by neighborhood, with fit_cells' rescaling
    of CR1's factor from cells to respondents."""
    from surveys.analysis.impact import fixed_effects

    X = np.column_stack([regressors, fixed_effects(cells)])
    result = sm.WLS(cells.mean, X, weights=cells.weight).fit(
        cov_type="cluster", cov_kwds={"groups": cells.neighborhood}
    )
    rows, k = X.shape
    n = float(cells.count.sum())
    rescale = ((n - 1) / (n - k)) / ((rows - 1) / (rows - k))
    return np.asarray(result.params), np.asarray(result.cov_params()) * rescale


@pytest.mark.parametrize("leave_out", [None, 0, 5])
def test_the_cell_fit_is_statsmodels_wls_with_clustered_errors(survey, leave_out):
    """fit_cells does statsmodels' arithmetic itself (one decomposition per design, not
    a model per fit): coefficients and the whole clustered covariance agree to 1e-9, for
    the difference-in-differences (also without a neighborhood) and the event study."""
    cells, covered, _ = survey
    if leave_out is not None:
        cells, covered = cells.without(leave_out), covered - {leave_out}
    is_covered = np.isin(cells.neighborhood, list(covered))
    designs = [
        (is_covered & (cells.period >= 3))[:, None].astype(float),
        np.column_stack([(is_covered & (cells.period == p)).astype(float) for p in (0, 1, 3, 4)]),
    ]
    for regressors in designs:
        fit = fit_cells(cells, regressors, ["x"] * regressors.shape[1])
        params, cov = _statsmodels_on_cells(cells, regressors)
        assert np.allclose(fit.params, params, rtol=1e-9, atol=1e-12)
        assert np.allclose(fit.cov, cov, rtol=1e-9, atol=1e-15)
        assert fit.clusters == len(np.unique(cells.neighborhood))


def test_questions_sharing_their_cells_share_one_decomposition(survey, monkeypatch):
    """A second question with the same cells and weights (another mean) is fitted without
    decomposing the design again; a change of weights decomposes it anew."""
    from dataclasses import replace

    from surveys.analysis import impact

    cells, covered, _ = survey
    regressors = (np.isin(cells.neighborhood, list(covered)) & (cells.period >= 3))[:, None]
    other = replace(cells, mean=cells.mean[::-1].copy())
    expected = _statsmodels_on_cells(other, regressors)[0][0]
    impact.forget_designs()
    calls = []
    svd = np.linalg.svd
    monkeypatch.setattr(np.linalg, "svd", lambda *a, **k: calls.append(1) or svd(*a, **k))
    first = fit_cells(cells, regressors.astype(float), ["d"])
    second = fit_cells(other, regressors.astype(float), ["d"])
    assert len(calls) == 1
    assert second.params[0] == pytest.approx(expected, rel=1e-9)
    assert second.params[0] != pytest.approx(first.params[0])
    reweighted = replace(cells, weight=cells.weight * np.linspace(1, 2, len(cells.weight)))
    fit_cells(reweighted, regressors.astype(float), ["d"])
    assert len(calls) == 2
