"""surveys/analysis/impact.py refuses what the answers do not identify.

statsmodels fits with a pseudo-inverse, so a rank-deficient design still prints a
number; these cases must give no estimate (with a reason) instead, and the event study
must not call a period the reference when covered neighborhoods never answered in it.
"""

import warnings

import numpy as np
import pytest

from surveys.analysis.impact import (
    Cells,
    NotIdentified,
    difference_in_differences,
    fit_cells,
    no_estimate_reason,
)
from surveys.analysis.impact_events import event_study


def _cells(periods_of, seed=1):
    """Six neighborhoods (0-2 covered); `periods_of(h)` the periods h answered in."""
    rng = np.random.default_rng(seed)
    rows = []
    for h in range(6):
        for t in periods_of(h):
            for v in (0, 1):
                rows.append((h, t, v, 1.0 + 0.1 * h, int(rng.integers(5, 30))))
    return Cells.from_rows(rows)


@pytest.fixture(autouse=True)
def _no_singular_matrix_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_comparison_answering_only_after_the_start_gives_no_estimate():
    # The reviewer's case: before the fix, 0.055 with an interval and a bootstrap p.
    cells = _cells(lambda h: [t for t in range(4) if h < 3 or t >= 2])
    assert difference_in_differences(cells, {0, 1, 2}, 2) is None
    assert "comparison" in no_estimate_reason(cells, {0, 1, 2}, 2)


def test_covered_answering_only_after_the_start_gives_no_estimate():
    cells = _cells(lambda h: [t for t in range(4) if h >= 3 or t >= 2])
    assert difference_in_differences(cells, {0, 1, 2}, 2) is None
    assert "covered" in no_estimate_reason(cells, {0, 1, 2}, 2)


def test_sides_that_never_share_a_period_are_not_identified():
    # Both sides answered before and after, but in different months: the period effects
    # absorb everything and the design loses rank.
    cells = _cells(lambda h: (0, 2) if h < 3 else (1, 3))
    assert difference_in_differences(cells, {0, 1, 2}, 2) is None
    assert "identify" in no_estimate_reason(cells, {0, 1, 2}, 2)
    treated = (np.isin(cells.neighborhood, [0, 1, 2]) & (cells.period >= 2)).astype(float)
    with pytest.raises(NotIdentified):
        fit_cells(cells, treated[:, None], ["covered × after"])


def test_a_full_panel_is_still_estimated():
    cells = _cells(lambda h: range(4))
    did = difference_in_differences(cells, {0, 1, 2}, 2, draws=99)
    assert did is not None and did.bootstrap is not None


def test_leave_one_out_without_comparison_support_is_refused():
    # Comparison neighborhood 3 alone answered before: leaving nothing out works,
    # and the estimate without covered 0 still works, but a comparison side reduced to
    # after-only answers cannot be compared.
    cells = _cells(lambda h: range(4) if h in (0, 1, 2, 3) else (2, 3))
    assert difference_in_differences(cells, {0, 1, 2}, 2, bootstrap=False) is not None
    assert difference_in_differences(cells.without(3), {0, 1, 2}, 2) is None


def test_event_study_reference_is_the_nearest_period_covered_answered_in():
    # Covered neighborhoods skipped the period just before the start (t = 3, k = −1).
    cells = _cells(lambda h: [t for t in range(7) if h >= 3 or t != 3])
    study = event_study(cells, {0, 1, 2}, 4)
    assert study is not None and study.reference == -2
    rows = {c["event_time"]: c for c in study.coefficients}
    assert -1 not in rows  # no false "−1 = 0" row
    assert rows[-2]["ci"] is None and rows[-2]["estimate"] == 0.0
    assert any("reference" in w for w in study.warnings)
    assert [c["event_time"] for c in study.coefficients] == [-4, -3, -2, 0, 1, 2]


def test_event_study_leaves_out_times_without_comparison_answers():
    # Comparison neighborhoods did not answer in the last period: its lag is not shown.
    cells = _cells(lambda h: range(7) if h < 3 else range(6))
    study = event_study(cells, {0, 1, 2}, 4)
    assert study is not None and study.reference == -1
    assert 2 not in {c["event_time"] for c in study.coefficients}
    assert any("not estimated" in w for w in study.warnings)


def test_event_study_without_any_usable_reference_is_refused():
    cells = _cells(lambda h: [t for t in range(4) if h >= 3 or t >= 2])
    assert event_study(cells, {0, 1, 2}, 2) is None


def test_the_sheet_marks_the_chosen_reference_and_skips_missing_sensitivity():
    from surveys.exports.impact_sheets import impact_rows

    did = {"estimate": -5.0, "ci": [-8.0, -2.0], "p_value": 0.01, "df": 5, "bootstrap": None}
    study = {
        "reference": -2,
        "coefficients": [
            {"event_time": -3, "estimate": 1.0, "ci": [0.0, 2.0], "binned": False},
            {"event_time": -2, "estimate": 0.0, "ci": None, "binned": False},
            {"event_time": 0, "estimate": -5.0, "ci": [-8.0, -2.0], "binned": False},
        ],
        "pre_trend_test": None,
    }
    section = {
        "intervention": {"name": "Task force"},
        "design": "",
        "assumptions": "",
        "questions": [
            {
                "key": "trust",
                "unit": "percentage points",
                "difference_in_differences": did,
                "event_study": study,
                "sensitivity": {
                    "announcement": {"no_estimate": "No comparison neighborhood answered."},
                    "leave_one_out": [{"neighborhood": "n1", "no_estimate": "…"}],
                },
                "sentence": None,
            }
        ],
    }
    rows = list(impact_rows(section))
    notes = {r[2]: r[7] for r in rows if r[1] == "event study"}
    assert notes == {-3: "", -2: "reference", 0: ""}
    assert not any(r[1] in ("from the announcement", "without n1") for r in rows)
