"""Published reference values, reproduced through the real path: responses recorded in
a survey, then analysed by build_report — not by calling scipy in the test."""

import csv
import datetime
from pathlib import Path

import pytest

from cms.models import Neighborhood
from surveys.analysis.counts import Selection
from surveys.analysis.report import build_report
from surveys.analysis.statistics import benjamini_hochberg, fisher_exact, holm
from surveys.builders import choices, likert, question
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from tests.factories import make_survey

DATA = Path(__file__).resolve().parents[1] / "data"
DAY = datetime.date(2026, 1, 15)
pytestmark = pytest.mark.django_db


def neighborhoods(populations: dict[str, int | None]):
    return [
        Neighborhood.objects.create(name=f"Stratum {code}", code=code, population=population)
        for code, population in populations.items()
    ]


def survey_with(home, body, responses, **fields):
    survey = make_survey(home, body, slug=fields.pop("slug", "reference"), **fields)
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    record_responses(
        survey=survey,
        questionnaire=questionnaire,
        responses=[ResponseData(answers=a, submitted_on=DAY, language="en") for a in responses],
    )
    return survey


def test_r_survey_stratified_mean_and_total(home):
    """svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc); svymean and svytotal: the
    finite population correction, asked for explicitly (a probability sample)."""
    rows = list(csv.DictReader((DATA / "apistrat.csv").open()))
    neighborhoods({"E": 4421, "H": 755, "M": 1018})
    body = [
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
    ]
    answers = []
    for row in rows:
        answer = {"stype": row["stype"], "api00": row["api00"], "sch_wide": row["sch.wide"]}
        if row["enroll"] != "NA":
            answer["enroll"] = row["enroll"]
        answers.append(answer)
    survey = survey_with(home, body, answers)
    report = build_report(
        Selection(survey=survey), weighting="neighborhood", finite_population=True
    )
    api00 = report.question("api00").overall.estimate
    assert round(api00.mean, 2) == 662.29
    assert round(api00.se, 4) == 9.4089
    enroll = report.question("enroll").overall.estimate
    assert round(enroll.total) == 3687178
    assert round(enroll.total_se) == 114642
    # Unweighted, the same data give the plain sample mean.
    plain = build_report(Selection(survey=survey)).question("api00").overall.estimate
    assert plain.mean == pytest.approx(sum(float(r["api00"]) for r in rows) / 200)
    sch_wide = report.question("sch_wide")
    assert sch_wide.test.name == "Rao–Scott corrected chi-square test (F)"


def test_kruskal_wallis_hollander_and_wolfe(home):
    neighborhoods({"x": None, "y": None, "z": None})
    values = {
        "x": [2.9, 3.0, 2.5, 2.6, 3.2],
        "y": [3.8, 2.7, 4.0, 2.4],
        "z": [2.8, 3.4, 3.7, 2.2, 2.0],
    }
    body = [
        question("neighborhood", "group", "Group", required=True),
        question("number", "v", "Value", min_value=0, max_value=10, integer=False),
    ]
    answers = [{"group": g, "v": str(v)} for g, vs in values.items() for v in vs]
    report = build_report(Selection(survey=survey_with(home, body, answers)))
    result = report.question("v")
    assert result.test.name == "Kruskal–Wallis rank-sum test"
    assert round(result.test.statistic, 5) == 0.77143
    assert result.test.df == 2 and round(result.test.p_value, 2) == 0.68
    # ε² adjusted for 3 groups: (H − k + 1)/(n − k) = (0.77143 − 2)/11 < 0, floored at 0.
    assert result.test.effect_size == 0
    pairs = {(p.a, p.b): p for p in result.pairwise}
    assert set(pairs) == {("x", "y"), ("x", "z"), ("y", "z")}
    assert pairs[("x", "y")].statistic > 0 and pairs[("y", "z")].statistic < 0  # y ranks high
    assert all(p.p_holm == 1 for p in result.pairwise)


def test_chi_square_agresti(home):
    neighborhoods({"F": None, "M": None})
    body = [
        question("neighborhood", "sex", "Sex", required=True),
        question(
            "single_choice",
            "party",
            "Party",
            choices=choices(("dem", "Democrat"), ("ind", "Independent"), ("rep", "Republican")),
            widget="radio",
        ),
    ]
    counts = {"F": (762, 327, 468), "M": (484, 239, 477)}
    answers = [
        {"sex": sex, "party": code}
        for sex, row in counts.items()
        for code, n in zip(("dem", "ind", "rep"), row, strict=True)
        for _ in range(n)
    ]
    result = build_report(Selection(survey=survey_with(home, body, answers))).question("party")
    assert result.test.name == "Pearson's chi-square test of independence"
    assert round(result.test.statistic, 3) == 30.070 and result.test.df == 2
    assert f"{result.test.p_value:.3e}" == "2.954e-07"


@pytest.mark.parametrize(
    ("table", "alternative", "expected"),
    [(((3, 1), (1, 3)), "greater", 0.2429), (((2, 10), (15, 3)), "less", 0.0004652)],
)
def test_fisher_exact_from_the_reports_counts(home, table, alternative, expected):
    neighborhoods({"a": None, "b": None})
    body = [
        question("neighborhood", "g", "Group", required=True),
        question(
            "single_choice",
            "yes",
            "Yes?",
            choices=choices(("1", "Yes"), ("2", "No")),
            widget="radio",
        ),
    ]
    answers = [
        {"g": g, "yes": code}
        for g, row in zip(("a", "b"), table, strict=True)
        for code, n in zip(("1", "2"), row, strict=True)
        for _ in range(n)
    ]
    result = build_report(Selection(survey=survey_with(home, body, answers))).question("yes")
    counts = [[g.estimate.counts.get(code, 0) for code in ("1", "2")] for g in result.groups]
    assert counts == [list(row) for row in table]
    # Fisher's test for a 2×2 table when an expected count is under 5 (the tea tasting).
    sparse = table == ((3, 1), (1, 3))
    assert result.test.name.startswith("Fisher's exact test") == sparse
    if sparse:  # Fisher's test reports the odds ratio, not the count in one cell
        assert result.test.statistic == pytest.approx(9.0)
    assert f"{fisher_exact(counts, alternative):.4g}" == f"{expected:.4g}"


def test_cronbach_alpha_of_an_index(home):
    neighborhoods({"n1": None})
    items = {
        "q1": [1, 2, 2, 3, 2, 2, 3, 3, 2, 3],
        "q2": [1, 1, 1, 2, 3, 3, 2, 3, 3, 3],
        "q3": [1, 1, 2, 1, 2, 3, 3, 3, 2, 3],
    }
    body = [question("neighborhood", "area", "Area")] + [likert(k, k.upper()) for k in items]
    index = {
        "type": "index",
        "value": {
            "label": "Q",
            "key": "q_index",
            "items": "q1 q2 q3",
            "reversed_items": "",
            "favorable_at_least": None,
        },
    }
    answers = [{"area": "n1", **{k: str(v[i]) for k, v in items.items()}} for i in range(10)]
    survey = survey_with(home, body, answers, indices=[index])
    result = build_report(Selection(survey=survey)).question("q_index")
    assert result.alpha == pytest.approx(0.7734375)
    assert result.complete_respondents == 10
    assert result.overall.estimate.mean == pytest.approx(sum(map(sum, items.values())) / 30)


def test_wilson_intervals_newcombe(home):
    neighborhoods({"n1": None})
    body = [
        question("neighborhood", "area", "Area"),
        question(
            "single_choice",
            "yes",
            "Yes?",
            choices=choices(("1", "Yes"), ("2", "No")),
            widget="radio",
            favorable="1",
        ),
    ]
    expected = {
        (81, 263): (0.2553, 0.3662),
        (15, 148): (0.0624, 0.1605),
        (0, 20): (0.0, 0.1611),
        (1, 29): (0.0061, 0.1718),
    }
    for index, ((yes, n), (low, high)) in enumerate(expected.items()):
        answers = [{"area": "n1", "yes": "1" if i < yes else "2"} for i in range(n)]
        survey = survey_with(home, body, answers, slug=f"wilson-{index}")
        favorable = (
            build_report(Selection(survey=survey)).question("yes").overall.estimate.favorable
        )
        assert [round(v, 4) for v in favorable["ci"]] == [low, high]


def test_holm_and_benjamini_hochberg_worked_example():
    p = [
        0.0001,
        0.0004,
        0.0019,
        0.0095,
        0.0201,
        0.0278,
        0.0298,
        0.0344,
        0.0459,
        0.3240,
        0.4262,
        0.5719,
        0.6528,
        0.7590,
        1,
    ]
    assert sum(q <= 0.05 for q in benjamini_hochberg(p)) == 4
    assert sum(q <= 0.05 for q in holm(p)) == 3
