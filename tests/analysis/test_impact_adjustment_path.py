"""Adjusting for who answered, through the real path: paper template, `import_responses`,
then `analyze --intervention NAME --adjust-for age_group`. The synthetic answers carry no
effect, but after the start the covered neighborhoods' respondents are much younger, and
younger residents trust less: the raw comparison finds a fall that the adjusted one does
not, and the adjusted estimate is statsmodels' weighted regression on the same
respondents with weights computed here from the definition (docs/analysis.md). One
dataset shows the two side by side; that the adjusted estimate is unbiased is
tests/analysis/test_impact_adjustment_simulation.py's claim, over many."""

import datetime
import io
import random
from collections import Counter

import numpy as np
import openpyxl
import pytest
import statsmodels.api as sm
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.models import Neighborhood
from surveys.access import grant
from surveys.builders import choices, likert, question
from surveys.models import Intervention
from tests.analysis.paths import analyze, import_rows, neighborhoods, survey_of
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
AGES = (("young", "18 to 34"), ("older", "35 or older"), ("99", "Prefer not to say"))
BODY = [
    question("neighborhood", "area", "Area", required=True),
    question(
        "single_choice",
        "age_group",
        "Age group",
        choices=choices(*AGES, non_substantive=("99",)),
        about_respondent=True,
    ),
    question("number", "years_here", "Years here", about_respondent=True),
    likert("trust", "I trust."),
]
POPULATIONS = {"n1": 8000, "n2": 12000, "n3": 5000, "n4": 9000, "n5": 15000, "n6": 7000}
COVERED = ("n1", "n2", "n3")
MONTHS = [datetime.date(2026, m, 15) for m in range(1, 7)]
START = datetime.date(2026, 4, 1)
MISSING = "missing"


def _rows(seed=2302):
    """No effect of the intervention; trust depends on age; after the start the covered
    neighborhoods' respondents are mostly young."""
    rng = random.Random(seed)
    rows = []
    for index, hood in enumerate(POPULATIONS):
        for m, day in enumerate(MONTHS):
            shifted = hood in COVERED and day >= START
            young_share = 0.75 if shifted else 0.3
            for _ in range(34 + (index * 5 + m * 3) % 11):
                draw = rng.random()
                age = None if draw < 0.05 else ("99" if draw < 0.1 else None)
                if age is None and draw >= 0.05:
                    age = "young" if rng.random() < young_share else "older"
                share = {"young": 0.25, "older": 0.75}.get(age, 0.5) + 0.02 * index - 0.02 * m
                trust = rng.choice((4, 5)) if rng.random() < share else rng.choice((1, 2, 3))
                row = {"neighborhood": hood, "submitted_on": day.isoformat(), "trust": trust}
                if age:
                    row["age_group"] = age
                rows.append(row)
    return rows


@pytest.fixture
def study(home, tmp_path):
    neighborhoods(POPULATIONS)
    survey = survey_of(home, BODY)
    rows = _rows()
    import_rows(survey, rows, tmp_path)
    intervention = Intervention.objects.create(
        name="Task force", announced_on=datetime.date(2026, 3, 10), starts_on=START, survey=survey
    )
    intervention.neighborhoods.set(Neighborhood.objects.filter(code__in=COVERED))
    return survey, rows


def _category(row):
    return row.get("age_group") if row.get("age_group") in ("young", "older") else MISSING


def adjusted_weights(rows):
    """Each respondent's weight: N_h · π_h(a) / n_hma, π_h(a) the neighborhood's share of
    age group a averaged over its months (rescaled over the groups present in the
    month), n_hma the responses of that group in the neighborhood-month."""
    n = Counter((r["neighborhood"], r["submitted_on"], _category(r)) for r in rows)
    total = Counter((r["neighborhood"], r["submitted_on"]) for r in rows)
    months = {h: {d for (g, d) in total if g == h} for h in POPULATIONS}
    share = {
        (h, a): sum(n[(h, d, a)] / total[(h, d)] for d in months[h]) / len(months[h])
        for h in POPULATIONS
        for a in ("young", "older", MISSING)
    }
    weights = []
    for r in rows:
        h, d, a = r["neighborhood"], r["submitted_on"], _category(r)
        present = sum(share[(h, b)] for b in ("young", "older", MISSING) if n[(h, d, b)])
        weights.append(POPULATIONS[h] * share[(h, a)] / present / n[(h, d, a)])
    return np.array(weights)


def _fit(rows, weights):
    keep = np.array([r["trust"] in (1, 2, 3, 4, 5) for r in rows])
    kept = [r for r, k in zip(rows, keep, strict=True) if k]
    hoods, months = sorted(POPULATIONS), sorted({r["submitted_on"] for r in rows})
    hood = np.array([hoods.index(r["neighborhood"]) for r in kept])
    month = np.array([months.index(r["submitted_on"]) for r in kept])
    treated = np.array(
        [r["neighborhood"] in COVERED and r["submitted_on"] >= START.isoformat() for r in kept],
        dtype=float,
    )
    X = np.column_stack(
        [treated, np.ones(len(kept))]
        + [(hood == h).astype(float) for h in range(1, len(hoods))]
        + [(month == m).astype(float) for m in range(1, len(months))]
    )
    y = np.array([1.0 if r["trust"] >= 4 else 0.0 for r in kept])
    return sm.WLS(y, X, weights=weights[keep]).fit(
        cov_type="cluster", cov_kwds={"groups": hood}, use_t=True
    )


def test_adjusted_estimate_is_statsmodels_on_the_respondents_and_removes_the_shift(study):
    survey, rows = study
    report = analyze(survey, "--intervention", "Task force", "--adjust-for", "age_group")
    (trust,) = report["impact"]["questions"]
    raw = trust["difference_in_differences"]
    adjusted = trust["adjusted"]["difference_in_differences"]
    direct = _fit(rows, adjusted_weights(rows))
    assert adjusted["estimate"] == pytest.approx(100 * direct.params[0], abs=1e-5)
    assert adjusted["se"] == pytest.approx(100 * direct.bse[0], abs=1e-5)
    assert adjusted["p_value"] == pytest.approx(direct.pvalues[0], rel=1e-6)
    assert adjusted["respondents"] == raw["respondents"] == int(direct.nobs)
    # No true effect: the shift to younger respondents makes the raw comparison fall.
    assert raw["estimate"] < -10 and raw["headline"]["ci"][1] < 0
    assert abs(adjusted["estimate"]) < abs(raw["estimate"]) / 3
    assert adjusted["headline"]["ci"][0] < 0 < adjusted["headline"]["ci"][1]
    assert trust["adjusted"]["event_study"]["coefficients"]
    assert "fell" in trust["sentence"]["en"] and "fell" not in trust["adjusted"]["sentence"]["en"]

    adjustment = report["impact"]["adjustment"]
    assert adjustment["questions"] == [{"key": "age_group", "label": "Age group"}]
    assert adjustment["margins"] == "whole survey span" and adjustment["missing"] == "own category"
    assert "cannot correct" in adjustment["words"]["en"]
    assert "no puede corregir" in adjustment["words"]["es"]
    assert adjustment["words"]["ar"] not in (adjustment["words"]["en"], "")

    # The trends carry the adjusted series beside the raw one, with the same weights.
    trends = report["trends"]
    assert trends["adjustment"]["missing"] == "own category"
    (trust,) = trends["questions"]
    point = next(p for p in trust["adjusted_series"][0]["points"] if p["period"] == "2026-05")
    weights = adjusted_weights(rows)
    chosen = [
        (w, r["trust"] >= 4)
        for w, r in zip(weights, rows, strict=True)
        if r["submitted_on"] == "2026-05-15" and r["trust"] in (1, 2, 3, 4, 5)
    ]
    expected = sum(w for w, yes in chosen if yes) / sum(w for w, _ in chosen)
    assert point["estimate"] == pytest.approx(expected, abs=1e-6)
    assert point["ci"][0] < point["estimate"] < point["ci"][1]
    raw = next(p for p in trust["series"][0]["points"] if p["period"] == "2026-05")
    assert raw["estimate"] < point["estimate"]  # the raw month is full of young respondents


def test_only_about_the_respondent_questions_with_choices_adjust(home):
    survey = survey_of(home, BODY)
    for key in ("trust", "years_here", "nothing"):
        with pytest.raises(CommandError, match="Not an about-the-respondent question"):
            analyze(survey, "--period", "month", "--adjust-for", key)
    with pytest.raises(CommandError, match="needs --intervention or --period"):
        analyze(survey, "--adjust-for", "age_group")


def test_the_sheet_and_the_admin_show_both_estimates(study, tmp_path, client):
    survey, _ = study
    options = ["--intervention", "Task force", "--adjust-for", "age_group"]
    report = analyze(survey, *options)
    trust = report["impact"]["questions"][0]
    path = tmp_path / "impact.xlsx"
    call_command(
        "analyze", survey.slug, *options, "--format", "xlsx", "-o", str(path), stderr=io.StringIO()
    )
    workbook = openpyxl.load_workbook(path, read_only=True)
    impact = [list(row) for row in workbook["Impact"].iter_rows(values_only=True)]
    adjusted = trust["adjusted"]["difference_in_differences"]
    row = next(r for r in impact if r[1] == "difference-in-differences, adjusted for age_group")
    assert row[3:7] == [adjusted["estimate"], *adjusted["ci"], adjusted["p_value"]]
    assert any(r[1] == "adjustment (es)" and "no puede corregir" in r[7] for r in impact)
    trends = [list(row) for row in workbook["Trends"].iter_rows(values_only=True)]
    assert any("raking within neighborhood to age_group" in (r[9] or "") for r in trends)

    analyst = make_staff("ana", groups=("Analyst",))
    grant(user=analyst, survey=survey)
    client.force_login(analyst)
    intervention = Intervention.objects.get(name="Task force")
    url = reverse("surveys_admin:impact", args=[survey.pk])
    query = {"period": "month", "intervention": intervention.pk, "adjust_for": ["age_group"]}
    html = client.get(url, query).content.decode()
    raw = trust["difference_in_differences"]
    assert f"{raw['estimate']:.2f}" in html and f"{adjusted['estimate']:.2f}" in html
    assert "cannot correct" in html and 'value="age_group"' in html
    assert 'value="years_here"' not in html  # a number: no categories to adjust to
