"""The plain-words sentence of surveys/analysis/impact_words.py is true for every sign
combination, and its interval and p-value come from one named method."""

import numpy as np
import pytest

from surveys.analysis.impact import Bootstrap, Cells, Estimate, difference_in_differences
from surveys.analysis.impact_words import sentences
from surveys.analysis.trends import FAVORABLE


def _did(before_covered, after_covered, before_other, after_other):
    """Favorable shares by side; eight neighborhoods, four months, start in the third."""
    rng = np.random.default_rng(5)
    rows = []
    for h in range(8):
        shares = (before_covered, after_covered) if h < 4 else (before_other, after_other)
        for t in range(4):
            share = shares[t >= 2] + rng.normal(0, 0.005)
            rows += [(h, t, 1, 1.0, round(400 * share)), (h, t, 0, 1.0, round(400 * (1 - share)))]
    return difference_in_differences(Cells.from_rows(rows), {0, 1, 2, 3}, 2, draws=199)


@pytest.mark.parametrize(
    ("shares", "word", "size"),
    [
        ((0.50, 0.55, 0.50, 0.60), "fell by", "5"),  # both rose, covered less
        ((0.50, 0.45, 0.50, 0.35), "rose by", "10"),  # both fell, covered less
        ((0.50, 0.60, 0.50, 0.55), "rose by", "5"),  # both rose, covered more
        ((0.50, 0.40, 0.50, 0.45), "fell by", "5"),  # both fell, covered more
        ((0.50, 0.56, 0.50, 0.46), "rose by", "10"),  # opposite ways
    ],
)
def test_the_sentence_speaks_of_the_change_relative_to_the_others(shares, word, size):
    did = _did(*shares)
    sentence = sentences("Trust", FAVORABLE, did, 100.0, "Task force")["en"]
    assert "relative to the other neighborhoods" in sentence
    assert f"covered neighborhoods {word} {size} percentage points" in sentence
    assert "more in covered" not in sentence
    assert "wild cluster bootstrap" in sentence  # eight neighborhoods: the bootstrap decides


def _estimate(bootstrap):
    return Estimate(-0.04, 0.01, 7, (-0.06, -0.02), 0.004, 8, 4, 800, bootstrap=bootstrap)


def test_without_a_bootstrap_interval_the_sentence_borrows_no_analytic_one():
    did = _estimate(Bootstrap(p_value=0.031, ci=None, weights="webb", draws=999))
    said = sentences("Trust", FAVORABLE, did, 100.0, "Task force")
    assert "gave no interval (p = 0.031)" in said["en"] and "wild cluster bootstrap" in said["en"]
    assert "-6" not in said["en"] and "-2" not in said["en"] and "interval -" not in said["en"]
    assert "0.031" in said["es"] and "0.031" in said["ar"] and said["es"] != said["en"]


def test_the_analytic_interval_goes_with_the_analytic_p():
    said = sentences("Trust", FAVORABLE, _estimate(None), 100.0, "Task force")["en"]
    assert "fell by 4 percentage points (interval 2 to 6, clustered t-test, p = 0.004)" in said


def test_the_bootstrap_interval_goes_with_the_bootstrap_p():
    did = _estimate(Bootstrap(p_value=0.0, ci=(-0.07, -0.01), weights="webb", draws=999))
    said = sentences("Trust", FAVORABLE, did, 100.0, "Task force")
    assert "(interval 1 to 7, wild cluster bootstrap, p < 0.001)" in said["en"]
    assert "bootstrap salvaje" in said["es"]
