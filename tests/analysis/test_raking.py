"""Issue 17, point 3: raking reports convergence honestly (after the last trimming, with
the margin that failed) and takes margins given as proportions of another total.
Through the real path: the paper template, `import_responses`, `analyze`."""

import json

import pytest

from surveys.builders import choices, likert, question
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of

pytestmark = pytest.mark.django_db
BODY = [
    question("neighborhood", "area", "Area", required=True),
    likert("trust", "I trust the police."),
    question(
        "single_choice",
        "age",
        "Age",
        choices=choices(("young", "Young"), ("old", "Old")),
        widget="radio",
        about_respondent=True,
    ),
]


def survey_with(home, tmp_path, young: dict[str, int]):
    """Four neighborhoods of 5,000; 30 older respondents in each and `young` younger."""
    neighborhoods({code: 5000 for code in ("a", "b", "c", "d")})
    survey = survey_of(home, BODY)
    rows = []
    for hood in ("a", "b", "c", "d"):
        for age, n in (("old", 30), ("young", young[hood])):
            for i in range(n):
                trust = 2 + i % 3 + (1 if age == "young" else 0)
                rows.append(
                    {"neighborhood": hood, "submitted_on": "2026-02-01", "trust": trust, "age": age}
                )
    import_rows(survey, rows, tmp_path)
    return survey


def margins(tmp_path, data) -> str:
    path = tmp_path / "margins.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_trimmed_weights_that_miss_a_margin_are_not_converged(home, tmp_path):
    survey = survey_with(home, tmp_path, {"a": 1, "b": 2, "c": 1, "d": 15})
    report = analyze(
        survey,
        "--weights",
        "rake",
        "--margins",
        margins(tmp_path, {"age": {"young": 8000, "old": 12000}}),
    )
    detail = report["weighting_detail"]
    assert detail["trimmed_cells"] > 0
    assert detail["converged"] is False  # was True with the young total 22 % short
    assert detail["failed_margin"] == "age = young"
    assert detail["max_relative_error"] > 1e-4
    assert any("did not converge" in w and "age = young" in w for w in report["warnings"])


def test_margins_with_another_total_are_used_as_proportions(home, tmp_path):
    survey = survey_with(home, tmp_path, {"a": 20, "b": 25, "c": 15, "d": 30})
    report = analyze(
        survey,
        "--weights",
        "rake",
        "--margins",
        margins(tmp_path, {"age": {"young": 40, "old": 60}}),  # percentages, not people
    )
    assert report["weighting_detail"]["converged"] is True
    assert any("used as proportions" in w and "age (100)" in w for w in report["warnings"])
    age = question_of(report, "age")["overall"]
    assert age["percent"]["young"] == pytest.approx(40, abs=1e-3)
    assert age["percent"]["old"] == pytest.approx(60, abs=1e-3)
