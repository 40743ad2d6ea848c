"""Issue 17, point 2: the Rao–Scott test holds its level when a table has empty rows,
columns or cells. A seeded simulation of null tables checks the rejection rate; a 50×25
table of noise goes through the real path (import_responses → analyze)."""

import numpy as np
import pytest

from surveys.analysis.design import Design
from surveys.analysis.rao_scott import rao_scott_test
from surveys.builders import choices, question
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of

RUNS = 600  # at 5 %, the binomial standard error is 0.9 points: 2–8 % is ±3.4 of them


def null_table(rng, rows: int = 10, cols: int = 6):
    """Independent answers, some neighborhoods without answers and some codes nobody
    can choose (about a quarter of the cells empty), two weight classes per neighborhood
    (a raking-like design of two margins)."""
    probabilities = rng.dirichlet(np.ones(cols))
    probabilities[rng.choice(cols, size=rng.integers(0, 3), replace=False)] = 0
    probabilities /= probabilities.sum()
    cells, sampled, weights = [], {}, {}
    for hood in range(rows):
        if rng.random() < 0.15:
            continue  # nobody answered here
        population = rng.integers(1000, 20000)
        for group, factor in ((0, 1.0), (1, 2.5)):
            n = int(rng.integers(5, 40))
            sampled[(hood, group)] = n
            weights[(hood, group)] = factor * population / n
            answers = rng.choice(cols, size=n, p=probabilities)
            for code, count in zip(*np.unique(answers, return_counts=True), strict=True):
                cells.append(((hood, group), weights[(hood, group)], hood, int(code), count))
    design = Design(sampled, weights=weights, dimensions=2)
    names = {hood: f"n{hood}" for hood in range(rows)}
    return rao_scott_test(cells, design, row_names=names, columns=range(cols))


def test_the_rejection_rate_of_null_tables_with_empty_cells_is_near_five_percent():
    rng = np.random.default_rng(2026)
    p_values = [null_table(rng).p_value for _ in range(RUNS)]
    tested = [p for p in p_values if np.isfinite(p)]
    assert len(tested) > 0.95 * RUNS
    rate = np.mean(np.array(tested) < 0.05)
    assert 0.02 <= rate <= 0.08, rate


def test_empty_rows_and_columns_are_dropped_and_named():
    rng = np.random.default_rng(7)
    for _ in range(50):
        result = null_table(rng)
        dropped = " ".join(result.warnings)
        assert "lstsq" not in dropped
        if "Codes nobody chose" in dropped or "no answers" in dropped:
            assert np.isfinite(result.statistic)
            return
    pytest.fail("no table had an empty row or column")


@pytest.mark.django_db
def test_a_50_by_25_table_of_noise_is_not_significant(home, tmp_path):
    rng = np.random.default_rng(50)
    codes = [f"c{i:02d}" for i in range(25)]
    hoods = {f"h{i:02d}": int(rng.integers(2000, 9000)) for i in range(50)}
    neighborhoods(hoods)
    body = [
        question("neighborhood", "area", "Area", required=True),
        question(
            "single_choice",
            "pick",
            "Pick one",
            choices=choices(*[(c, c.upper()) for c in codes]),
            widget="radio",
        ),
    ]
    survey = survey_of(home, body)
    rows = []
    for hood in hoods:
        for _ in range(int(rng.integers(10, 22))):
            # Nobody in h49 answers; nobody chooses c24.
            pick = None if hood == "h49" else codes[int(rng.integers(0, 24))]
            rows.append({"neighborhood": hood, "submitted_on": "2026-02-01", "pick": pick})
    import_rows(survey, rows, tmp_path)
    test = question_of(analyze(survey, "--weights", "neighborhood"), "pick")["test"]
    assert test["name"] == "Rao–Scott corrected chi-square test (F)"
    assert test["p_value"] > 0.05  # was 5.5e-11 by least squares on the singular system
    assert 0.8 < test["effect_size"]["value"] < 1.3  # mean design effect, near 1 here
    warnings = " ".join(test["warnings"])
    assert "Left out of the test, no answers: H49." in warnings
    assert "Codes nobody chose, left out of the test: c24." in warnings
