"""Issue 17, points 3 and 5: post-stratification and raking reproduce R's `survey`
package on its own `apistrat` data, through the real path (the paper template,
`import_responses`, `analyze`). The reference values were computed by R 4.2.2 with
survey 4.1.1: the script is tests/data/survey_reference.R and what it printed is
tests/data/survey_reference.txt (the test suite does not need R)."""

import csv
import json
from pathlib import Path

import pytest

from surveys.builders import choices, question
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of

DATA = Path(__file__).resolve().parents[1] / "data"
pytestmark = pytest.mark.django_db
BODY = [
    question("neighborhood", "stype", "School type", required=True),
    question("number", "api00", "API 2000", min_value=0, max_value=1000, integer=True),
    question("number", "enroll", "Enrollment", min_value=0, max_value=10000, integer=True),
    question(
        "single_choice",
        "sch_wide",
        "Met school-wide target?",
        choices=choices(("No", "No"), ("Yes", "Yes")),
        widget="radio",
    ),
    question(
        "single_choice",
        "awards",
        "Eligible for awards?",
        choices=choices(("No", "No"), ("Yes", "Yes")),
        widget="radio",
        favorable="Yes",
    ),
]


def reference() -> dict[str, tuple[float, ...]]:
    """The R output, by label: 'raked mean api00' -> (estimate, SE)."""
    values = {}
    for line in (DATA / "survey_reference.txt").read_text().splitlines():
        parts = line.split()
        if parts[0] in ("poststratified", "raked") and parts[1] != "svychisq":
            values[" ".join(parts[:-2])] = (float(parts[-2]), float(parts[-1]))
        elif len(parts) > 2 and parts[1] == "svychisq":
            values[f"{parts[0]} svychisq"] = tuple(float(v) for v in parts[3::2])
    return values


@pytest.fixture
def apistrat(home, tmp_path):
    neighborhoods({"E": 4421, "H": 755, "M": 1018})
    survey = survey_of(home, BODY, slug="apistrat")
    rows = []
    for row in csv.DictReader((DATA / "apistrat.csv").open()):
        rows.append(
            {
                "neighborhood": row["stype"],
                "submitted_on": "2026-01-15",
                "api00": int(row["api00"]),
                "enroll": int(row["enroll"]),
                "sch_wide": row["sch.wide"],
                "awards": row["awards"],
            }
        )
    import_rows(survey, rows, tmp_path)
    return survey


def close(value: float, expected: float) -> bool:
    """Equal to R's value at R's default printing (7 significant digits), or to the
    JSON's 6 decimal places for numbers under 1."""
    return value == pytest.approx(expected, rel=5e-7, abs=5e-7)


def test_post_stratification_is_rs_post_stratify(apistrat):
    """postStratify(svydesign(id=~1, weights=~1), ~stype, pop): no finite population
    correction, standard errors on the residuals of the post-strata."""
    r = reference()
    report = analyze(apistrat, "--weights", "neighborhood")
    assert report["weighting"] == "post-stratification"
    assert report["weighting_detail"]["finite_population_correction"] is False
    api00 = question_of(report, "api00")
    mean, se = r["poststratified mean api00"]
    assert close(api00["overall"]["mean"], mean) and close(api00["overall"]["se"], se)
    total, total_se = r["poststratified total enroll"]
    enroll = question_of(report, "enroll")["overall"]
    assert close(enroll["total"], total) and close(enroll["total_se"], total_se)
    p, p_se = r["poststratified awards awardsYes"]
    favorable = question_of(report, "awards")["overall"]["favorable"]
    assert close(favorable["p"], p) and close(favorable["se"], p_se)
    for group in api00["groups"]:
        mean, se = r[f"poststratified by {group['neighborhood']}"]
        assert close(group["mean"], mean) and close(group["se"], se)
        # One neighborhood's t interval has its answers minus one degrees of freedom.
        from scipy import stats

        half = stats.t.ppf(0.975, group["n_mean"] - 1) * group["se"]
        assert group["ci"][1] - group["mean"] == pytest.approx(half, rel=1e-5)


def test_raking_standard_errors_are_calibrated_as_rs_rake(apistrat, tmp_path):
    """rake(svydesign(id=~1, weights=~1), list(~stype, ~sch.wide), populations), then
    svymean and svytotal: linearisation on the residuals of the raking margins."""
    r = reference()
    margins = tmp_path / "margins.json"
    margins.write_text(json.dumps({"sch_wide": {"No": 1072, "Yes": 5122}}))
    report = analyze(apistrat, "--weights", "rake", "--margins", str(margins))
    assert report["weighting"] == "raking"
    assert report["weighting_detail"]["converged"] is True
    api00 = question_of(report, "api00")["overall"]
    mean, se = r["raked mean api00"]
    assert close(api00["mean"], mean) and close(api00["se"], se)
    total, total_se = r["raked total enroll"]
    enroll = question_of(report, "enroll")["overall"]
    assert close(enroll["total"], total) and close(enroll["total_se"], total_se)
    p, p_se = r["raked awards awardsYes"]
    favorable = question_of(report, "awards")["overall"]["favorable"]
    assert close(favorable["p"], p) and close(favorable["se"], p_se)


@pytest.mark.parametrize(
    ("weights", "label"), [("neighborhood", "poststratified"), ("rake", "raked")]
)
def test_the_rao_scott_test_is_rs_svychisq(apistrat, tmp_path, weights, label):
    """svychisq(~stype + awards, design, statistic="F"), with every cell answered: F,
    d0 and the denominator degrees of freedom (d0 times the design's n − 1)."""
    f, ndf, ddf, p_value = reference()[f"{label} svychisq"]
    margins = tmp_path / "margins.json"
    margins.write_text(json.dumps({"sch_wide": {"No": 1072, "Yes": 5122}}))
    extra = ["--margins", str(margins)] if weights == "rake" else []
    test = question_of(analyze(apistrat, "--weights", weights, *extra), "awards")["test"]
    assert test["name"] == "Rao–Scott corrected chi-square test (F)"
    assert close(test["statistic"], f) and close(test["df"], ndf)
    assert f"denominator df {ddf:.1f}" in test["warnings"]
    assert test["p_value"] == pytest.approx(p_value, rel=1e-5)
