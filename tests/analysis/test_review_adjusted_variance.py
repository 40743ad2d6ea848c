"""Review: the adjusted trend's interval treats the adjustment targets as known
population margins (calibration: linearise on the margins' residuals), but the targets
are estimated from the same respondents (each neighborhood's mix over its periods).

Here a neighborhood's mix is the same in both periods (50 young, 50 older), so the
targets equal each period's own mix: the adjusted weights are the post-stratification
weights and the adjusted estimate is the raw estimate to the last digit. The estimate is
Σ_c π̂_c ȳ_tc with π̂ from the sample; its variance has the term var(Σ_c π̂_c ȳ_tc)
from π̂ that calibration to known totals leaves out.

(As first written, the first two tests asked the adjusted SE to be at least the raw one,
"the same estimator of the same respondents". It is the same value but not the same
estimator: the adjusted mix π̂ rests on both periods' 200 respondents, the raw one on the
period's 100, so the adjusted estimator's true SE is √(0.16/100 + 0.36·0.25/200) ≈ 0.045
against the raw 0.050, as the review's own note said. The tests now hold the SE to that
value, which the calibrated 0.040 fails.)"""

import numpy as np
import pytest
from scipy import stats

from surveys.analysis.adjustment import AdjustedRow, adjusted_series, adjustment_weights
from surveys.analysis.statistics import wilson_interval
from surveys.analysis.trends import Row, question_series

FAVORABLE = ("y",)
NON = frozenset()


def _data():
    rows, adjusted, respondents, counts = [], [], {}, {}
    for period in (0, 1):
        for age, yes in (("young", 10), ("older", 40)):
            for code, n in (("y", yes), ("n", 50 - yes)):
                rows.append(Row("h", period, code, None, n))
                adjusted.append(AdjustedRow("h", period, (age,), code, None, n))
            counts[("h", period, (age,))] = 50
        respondents[("h", period)] = 100
    return rows, adjusted, respondents, counts


def test_adjusted_share_se_counts_the_estimated_targets():
    rows, adjusted_rows, respondents, counts = _data()
    populations = {"h": 10000}
    raw = question_series(
        rows, respondents, populations, favorable=FAVORABLE, non_substantive=NON, k=1
    )
    weights = adjustment_weights(counts, populations)
    adjusted = adjusted_series(
        adjusted_rows, weights, favorable=FAVORABLE, non_substantive=NON, k=1
    )
    raw_point = raw.series[0].points[0]
    adjusted_point = adjusted.series[0].points[0]
    assert adjusted_point.estimate == pytest.approx(raw_point.estimate, abs=1e-12)  # 0.5
    # Within age groups 0.16/100; the mix estimated from both periods, 0.6² · 0.25/200;
    # n/(n − 1) as design.py. Calibration alone: √(0.16/100 · 100/99) ≈ 0.0402.
    expected = np.sqrt((0.16 / 100 + 0.36 * 0.25 / 200) * 100 / 99)
    assert adjusted_point.se == pytest.approx(expected, rel=1e-9)
    assert raw_point.se == pytest.approx(np.sqrt(0.25 / 100 * 100 / 99), rel=1e-9)
    # The interval is the Wilson interval at the effective n the SE implies: the JSON's
    # se and ci say the same thing.
    implied = 0.25 / adjusted_point.se**2
    assert adjusted_point.ci == pytest.approx(wilson_interval(0.5 * implied, implied), abs=1e-12)


def test_a_mean_s_adjusted_interval_counts_the_estimated_targets():
    """The same with a 0–10 rating: young residents answer 2 or 4, older 6 or 8. The
    mean's interval was built from the calibrated SE (√(1/100) = 0.10, 0.40 wide); the
    mix's term adds (7 − 3)² · 0.25/200."""
    rows, adjusted_rows, respondents, counts = [], [], {}, {}
    for period in (0, 1):
        for age, values in (("young", (2.0, 4.0)), ("older", (6.0, 8.0))):
            for value in values:
                rows.append(Row("h", period, None, value, 25))
                adjusted_rows.append(AdjustedRow("h", period, (age,), None, value, 25))
            counts[("h", period, (age,))] = 50
        respondents[("h", period)] = 100
    populations = {"h": 10000}
    raw = question_series(rows, respondents, populations, favorable=(), non_substantive=NON, k=1)
    weights = adjustment_weights(counts, populations)
    adjusted = adjusted_series(adjusted_rows, weights, favorable=(), non_substantive=NON, k=1)
    raw_point, adjusted_point = raw.series[0].points[0], adjusted.series[0].points[0]
    assert adjusted_point.estimate == pytest.approx(raw_point.estimate, abs=1e-12)  # 5.0
    expected = np.sqrt((1 / 100 + 16 * 0.25 / 200) * 100 / 99)
    assert adjusted_point.se == pytest.approx(expected, rel=1e-9)
    half = stats.t.ppf(0.975, 99) * expected
    assert adjusted_point.ci == pytest.approx((5.0 - half, 5.0 + half), abs=1e-9)
    assert raw_point.se == pytest.approx(np.sqrt(5 / 100 * 100 / 99), rel=1e-9)


def test_adjusted_mean_intervals_cover_the_adjusted_estimand():
    """Coverage, simulated: each period 100 residents, each young with probability ½
    (the neighborhood's usual mix, so the estimand, the mean under that mix, is 5.0);
    young answer about 3, older about 7. The adjusted 95 % intervals should cover 5.0
    about 95 % of the time. (Measured at review: 72 %; reported SE 0.099 against an
    empirical SD of 0.181.)"""
    rng = np.random.default_rng(1)
    reps, hits = 200, 0
    for _ in range(reps):
        rows, counts = [], {}
        for period in (0, 1):
            young = int(rng.binomial(100, 0.5))
            for age, n, mu in (("young", young, 3.0), ("older", 100 - young, 7.0)):
                values, numbers = np.unique(rng.normal(mu, 1.0, n).round(1), return_counts=True)
                for value, count in zip(values, numbers, strict=True):
                    rows.append(AdjustedRow("h", period, (age,), None, float(value), int(count)))
                counts[("h", period, (age,))] = n
        weights = adjustment_weights(counts, {"h": 10000})
        point = adjusted_series(rows, weights, favorable=(), non_substantive=NON, k=1)
        low, high = point.series[0].points[0].ci
        hits += low <= 5.0 <= high
    assert hits / reps >= 0.9, f"coverage {hits / reps:.2f}"


def test_one_period_adjusted_to_its_own_mix_has_the_raw_standard_error():
    """A neighborhood seen in one period is raked to its own mix: the weights are the
    post-stratification weights and the estimator is the raw one, so its SE is the raw
    SE exactly (calibration alone gave the within-group SE only)."""
    rows, adjusted_rows, respondents, counts = [], [], {}, {}
    for hood, mix in (("a", (30, 70)), ("b", (60, 40))):
        for (age, n), yes in zip(
            zip(("young", "older"), mix, strict=True), (0.2, 0.7), strict=True
        ):
            for code, count in (("y", round(n * yes)), ("n", n - round(n * yes))):
                rows.append(Row(hood, 0, code, None, count))
                adjusted_rows.append(AdjustedRow(hood, 0, (age,), code, None, count))
            counts[(hood, 0, (age,))] = n
        respondents[(hood, 0)] = 100
    populations = {"a": 5000, "b": 20000}
    raw = question_series(
        rows, respondents, populations, favorable=FAVORABLE, non_substantive=NON, k=1
    )
    adjusted = adjusted_series(
        adjusted_rows,
        adjustment_weights(counts, populations),
        favorable=FAVORABLE,
        non_substantive=NON,
        k=1,
    )
    for raw_series, adjusted_series_ in zip(raw.series, adjusted.series, strict=True):
        raw_point, point = raw_series.points[0], adjusted_series_.points[0]
        assert point.estimate == pytest.approx(raw_point.estimate, abs=1e-12)
        assert point.se == pytest.approx(raw_point.se, rel=1e-9)


def _simulated(rng, share: bool):
    """Two neighborhoods of different sizes, three periods of 80, 100 and 120 residents,
    adjusted for age and language; in neighborhood 1 the young share falls by 10 points
    a period, so the weights differ within cells."""
    rows, counts = [], {}
    for hood in (0, 1):
        for period in range(3):
            n = 80 + 20 * period
            young = rng.random(n) < 0.5 - 0.1 * period * hood
            spanish = rng.random(n) < 0.3
            if share:
                values = rng.random(n) < np.where(young, 0.25, 0.7) + 0.1 * spanish
            else:
                values = rng.normal(np.where(young, 3.0, 7.0) + spanish, 1.0).round(1)
            for y, s, value in zip(young, spanish, values, strict=True):
                categories = ("young" if y else "older", "es" if s else "en")
                code = ("y" if value else "n") if share else None
                number = None if share else float(value)
                rows.append(AdjustedRow(hood, period, categories, code, number, 1))
                counts[(hood, period, categories)] = counts.get((hood, period, categories), 0) + 1
    weights = adjustment_weights(counts, {0: 20000, 1: 5000})
    favorable = FAVORABLE if share else ()
    return adjusted_series(rows, weights, favorable=favorable, non_substantive=NON, k=1)


@pytest.mark.parametrize("share", [True, False])
def test_adjusted_standard_errors_match_the_simulated_spread(share):
    """City-wide and per neighborhood, the mean reported SE of period 0 is within
    Monte-Carlo error (±15 %) of the estimates' standard deviation over 150 surveys."""
    rng = np.random.default_rng(3)
    estimates, ses = [], []
    for _ in range(150):
        series = _simulated(rng, share).series
        estimates.append([s.points[0].estimate for s in series])
        ses.append([s.points[0].se for s in series])
    spread = np.std(estimates, axis=0, ddof=1)
    reported = np.mean(ses, axis=0)
    assert reported == pytest.approx(spread, rel=0.15), (reported, spread)
