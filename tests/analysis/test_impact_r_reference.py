"""The difference-in-differences and event study against R.

tests/data/impact_reference.R fits the respondents of tests/data/impact_rows.csv with R's
lm and sandwich's clustered covariance (HC1: G/(G − 1) × (N − 1)/(N − K) with the
neighborhood dummies in K, as Stata's regress does); surveys/analysis/impact.py fits
neighborhood × period cells of the same respondents. The estimates, clustered standard
errors, intervals, p-values and the pre-trend F agree to R's printed twelve digits
(within 1e-9 relative).
"""

import csv
from pathlib import Path

import numpy as np
import pytest

from surveys.analysis.impact import Cells, difference_in_differences
from surveys.analysis.impact_events import event_study

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def reference() -> dict[str, float]:
    values = {}
    for line in (DATA / "impact_reference.txt").read_text().splitlines():
        name, _, value = line.strip().partition(" ")
        if name not in ("R:", "sandwich:"):
            values[name] = float(value)
    return values


@pytest.fixture(scope="module")
def data():
    with (DATA / "impact_rows.csv").open() as file:
        rows = list(csv.DictReader(file))
    covered = {int(r["neighborhood"]) for r in rows if r["covered"] == "1"}
    cells = Cells.from_rows(
        (int(r["neighborhood"]), int(r["period"]), float(r["y"]), float(r["weight"]), 1)
        for r in rows
    )
    return cells, covered


def test_difference_in_differences_matches_r(data, reference):
    cells, covered = data
    result = difference_in_differences(cells, covered, 3, bootstrap=False)

    assert result.respondents == reference["respondents"]
    assert result.estimate == pytest.approx(reference["did_estimate"], rel=1e-9)
    assert result.se == pytest.approx(reference["did_se"], rel=1e-9)
    assert result.ci == pytest.approx((reference["did_ci_low"], reference["did_ci_high"]), rel=1e-9)
    assert result.p_value == pytest.approx(reference["did_p"], rel=1e-8)


def test_event_study_and_pre_trend_test_match_r(data, reference):
    cells, covered = data
    study = event_study(cells, covered, 3, leads=2, lags=2)

    assert study.reference == -1
    by_time = {c["event_time"]: c for c in study.coefficients}
    for k in (-2, 0, 1, 2):
        assert by_time[k]["estimate"] == pytest.approx(reference[f"event_{k}_estimate"], rel=1e-9)
        assert by_time[k]["se"] == pytest.approx(reference[f"event_{k}_se"], rel=1e-9)
    assert study.pre_test["df"] == (1, 7)
    assert study.pre_test["statistic"] == pytest.approx(reference["pretrend_F"], rel=1e-9)
    assert study.pre_test["p_value"] == pytest.approx(reference["pretrend_p"], rel=1e-8)


def test_the_reference_data_are_the_ones_r_read(data):
    """Guard against an edited CSV: 8 neighborhoods, half covered, 6 months."""
    cells, covered = data
    assert sorted(covered) == [0, 1, 2, 3]
    assert set(np.unique(cells.neighborhood)) == set(range(8))
    assert set(np.unique(cells.period)) == set(range(6))
