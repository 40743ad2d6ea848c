"""Trends and impact through the real path: paper template, `import_responses`, then
`analyze --intervention NAME`; the impact estimate is statsmodels' weighted regression on
the same respondents (post-stratified within each month), clustered by neighborhood."""

import datetime
import io
import random

import numpy as np
import openpyxl
import pytest
import statsmodels.api as sm
from django.core.management import CommandError, call_command
from django.urls import reverse

from cms.models import AuditEvent, Neighborhood
from surveys.access import grant
from surveys.builders import likert, question
from surveys.models import Intervention
from tests.analysis.paths import analyze, import_rows, neighborhoods, survey_of
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
BODY = [question("neighborhood", "area", "Area", required=True), likert("trust", "I trust.")]
POPULATIONS = {"n1": 8000, "n2": 12000, "n3": 5000, "n4": 9000, "n5": 15000, "n6": 7000}
COVERED = ("n1", "n2", "n3")
MONTHS = [datetime.date(2026, m, 15) for m in range(1, 7)]
START = datetime.date(2026, 4, 1)


def _rows():
    rng = random.Random(23)
    rows = []
    for index, hood in enumerate(POPULATIONS):
        for m, day in enumerate(MONTHS):
            after = day >= START
            covered = hood in COVERED
            n = 14 + (index * 3 + m * 5) % 9 + (10 if covered and after else 0)
            share = 0.45 + 0.05 * index - 0.02 * m - (0.2 if covered and after else 0.0)
            for _ in range(n):
                if rng.random() < 0.05:
                    trust = 98
                else:
                    trust = rng.choice((4, 5)) if rng.random() < share else rng.choice((1, 2, 3))
                rows.append({"neighborhood": hood, "submitted_on": day.isoformat(), "trust": trust})
    return rows


@pytest.fixture
def study(home, tmp_path):
    neighborhoods(POPULATIONS)
    survey = survey_of(home, BODY)
    rows = _rows()
    import_rows(survey, rows, tmp_path)
    intervention = Intervention.objects.create(
        name="Task force",
        announced_on=datetime.date(2026, 3, 10),
        starts_on=START,
        survey=survey,
    )
    intervention.neighborhoods.set(Neighborhood.objects.filter(code__in=COVERED))
    return survey, rows


def _statsmodels_fit(rows, least=0):
    """WLS of favorable on covered × after and both fixed effects, each respondent
    weighing N_h / n_hm (responses of the neighborhood in the month, "don't know" too);
    neighborhood-months with fewer than `least` answers left out."""
    responses, answers = {}, {}
    for r in rows:
        key = (r["neighborhood"], r["submitted_on"])
        responses[key] = responses.get(key, 0) + 1
        answers[key] = answers.get(key, 0) + (r["trust"] != 98)
    kept = [
        r
        for r in rows
        if r["trust"] != 98 and answers[(r["neighborhood"], r["submitted_on"])] >= least
    ]
    hoods = sorted(POPULATIONS)
    months = sorted({r["submitted_on"] for r in rows})
    y = np.array([1.0 if r["trust"] >= 4 else 0.0 for r in kept])
    w = np.array(
        [
            POPULATIONS[r["neighborhood"]] / responses[(r["neighborhood"], r["submitted_on"])]
            for r in kept
        ]
    )
    hood = np.array([hoods.index(r["neighborhood"]) for r in kept])
    month = np.array([months.index(r["submitted_on"]) for r in kept])
    treated = np.array(
        [r["neighborhood"] in COVERED and r["submitted_on"] >= START.isoformat() for r in kept],
        dtype=float,
    )
    X = np.column_stack(
        [treated, np.ones(len(y))]
        + [(hood == h).astype(float) for h in range(1, len(hoods))]
        + [(month == m).astype(float) for m in range(1, len(months))]
    )
    return sm.WLS(y, X, weights=w).fit(
        cov_type="cluster", cov_kwds={"groups": hood}, use_t=True
    ), responses


def test_impact_matches_statsmodels_on_the_respondents(study):
    survey, rows = study
    report = analyze(survey, "--intervention", "Task force")
    direct, _ = _statsmodels_fit(rows)

    impact = report["impact"]
    assert impact["intervention"]["covered"] == list(COVERED)
    assert impact["weighting"] == "post-stratification" and impact["start_period"] == "2026-04"
    (trust,) = impact["questions"]
    assert trust["measure"] == "favorable proportion" and trust["unit"] == "percentage points"
    did = trust["difference_in_differences"]
    assert did["estimate"] == pytest.approx(100 * direct.params[0], abs=1e-5)
    assert did["se"] == pytest.approx(100 * direct.bse[0], abs=1e-5)
    assert did["p_value"] == pytest.approx(direct.pvalues[0], rel=1e-6)
    assert did["respondents"] == sum(1 for r in rows if r["trust"] != 98)
    assert did["neighborhoods"] == 6 and did["covered_neighborhoods"] == 3 and did["df"] == 5
    assert did["inference"] == "wild cluster bootstrap"
    boot = did["bootstrap"]
    assert boot["weights"] == "webb" and boot["draws"] == 999
    assert boot["ci"][0] < did["estimate"] < boot["ci"][1]
    assert did["estimate"] < -10  # the simulated fall is 20 points

    coefficients = {c["event_time"]: c for c in trust["event_study"]["coefficients"]}
    assert set(coefficients) == {-3, -2, -1, 0, 1, 2}
    assert coefficients[-1]["estimate"] == 0 and coefficients[-3]["binned"] is False
    pre = trust["event_study"]["pre_trend_test"]
    assert pre["df"] == [2, 5] or pre["df"] == (2, 5)

    sensitivity = trust["sensitivity"]
    assert sensitivity["announcement"]["estimate"] != did["estimate"]  # from March
    assert [row["neighborhood"] for row in sensitivity["leave_one_out"]] == list(COVERED)
    assert all(row["covered_neighborhoods"] == 2 for row in sensitivity["leave_one_out"])

    sentence = trust["sentence"]
    assert "does not prove" in sentence["en"] and "fell" in sentence["en"]
    assert "no demuestra" in sentence["es"]
    assert sentence["ar"] != sentence["en"] and "Task force" in sentence["ar"]


def test_cells_under_the_threshold_are_left_out_of_the_regression(study):
    survey, rows = study
    survey.small_cell_threshold = 18
    survey.save(update_fields=["small_cell_threshold"])
    impact = analyze(survey, "--intervention", "Task force")["impact"]
    direct, _ = _statsmodels_fit(rows, least=18)
    did = impact["questions"][0]["difference_in_differences"]
    assert did["respondents"] == int(direct.nobs) < sum(1 for r in rows if r["trust"] != 98)
    assert did["estimate"] == pytest.approx(100 * direct.params[0], abs=1e-5)
    assert any("fewer than 18 answers are left out" in w for w in impact["warnings"])


def test_trends_are_post_stratified_within_each_month(study):
    survey, rows = study
    _, responses = _statsmodels_fit(rows)
    trends = analyze(survey, "--period", "month")["trends"]
    assert "impact" not in analyze(survey, "--period", "quarter")
    assert trends["periods"] == [f"2026-{m:02d}" for m in range(1, 7)]
    (trust,) = trends["questions"]
    city = trust["series"][0]
    assert city["neighborhood"] is None and len(city["points"]) == 6
    march = next(p for p in city["points"] if p["period"] == "2026-03")
    # Each respondent weighs N_h / n_h (n_h: responses, "don't know" included), and the
    # share is among substantive answers: Σ N_h·yes_h/n_h / Σ N_h·substantive_h/n_h.
    shares, total = 0.0, 0.0
    for hood, population in POPULATIONS.items():
        answers = [
            r["trust"]
            for r in rows
            if r["neighborhood"] == hood and r["submitted_on"] == "2026-03-15"
        ]
        weight = population / len(answers)
        shares += weight * sum(t != 98 and t >= 4 for t in answers)
        total += weight * sum(t != 98 for t in answers)
    assert march["estimate"] == pytest.approx(shares / total, abs=1e-6)
    assert march["ci"][0] < march["estimate"] < march["ci"][1]
    by_hood = {s["neighborhood"]: s for s in trust["series"][1:]}
    assert set(by_hood) == set(POPULATIONS)
    # Every neighborhood-month has 14 to 32 answers: over k (10); under 30, unreliable.
    points = [p for s in by_hood.values() for p in s["points"]]
    assert not any(p["suppressed"] for p in points)
    assert all(p["unreliable"] for p in points if p["n"] < 30)


def test_small_periods_are_marked_suppressed(home, tmp_path):
    neighborhoods({"a": 1000, "b": 1000})
    survey = survey_of(home, BODY)
    rows = [
        {"neighborhood": hood, "submitted_on": "2026-01-10", "trust": 4}
        for hood, n in (("a", 12), ("b", 3))
        for _ in range(n)
    ]
    import_rows(survey, rows, tmp_path)
    trust = analyze(survey, "--period", "quarter")["trends"]["questions"][0]
    points = {s["neighborhood"]: s["points"][0] for s in trust["series"]}
    assert points["b"]["suppressed"] and not points["a"]["suppressed"]
    assert points["a"]["period"] == "2026-Q1"


def test_an_intervention_covering_everyone_has_no_comparison(study):
    survey, _ = study
    Intervention.objects.create(
        name="Everywhere",
        announced_on=START,
        starts_on=START,
        covers_all=True,
    )
    impact = analyze(survey, "--intervention", "Everywhere")["impact"]
    assert impact["questions"] == [] and "no comparison" in impact["warnings"][-1]


def test_bad_interventions_stop_the_command_with_one_sentence(study, home):
    survey, _ = study
    other = survey_of(home, BODY, slug="other")
    Intervention.objects.create(
        name="Elsewhere", announced_on=START, starts_on=START, survey=other, covers_all=True
    )
    for name in ("No such thing", "Elsewhere"):
        with pytest.raises(CommandError, match="No intervention .* for this survey"):
            analyze(survey, "--intervention", name)


def test_the_spreadsheet_carries_the_same_numbers(study, tmp_path):
    survey, _ = study
    options = ["--intervention", "Task force"]
    report = analyze(survey, *options)
    path = tmp_path / "impact.xlsx"
    call_command(
        "analyze", survey.slug, *options, "--format", "xlsx", "-o", str(path), stderr=io.StringIO()
    )
    workbook = openpyxl.load_workbook(path, read_only=True)
    impact = [list(row) for row in workbook["Impact"].iter_rows(values_only=True)]
    did = report["impact"]["questions"][0]["difference_in_differences"]
    row = next(r for r in impact if r[1] == "difference-in-differences")
    assert row[3:7] == [did["estimate"], *did["ci"], did["p_value"]]
    assert any(r[1] == "sentence (es)" and "no demuestra" in r[7] for r in impact)
    trends = [list(row) for row in workbook["Trends"].iter_rows(values_only=True)]
    city = report["trends"]["questions"][0]["series"][0]["points"][0]
    first = next(r for r in trends if r[2] == "City-wide" and r[3] == city["period"])
    assert first[4:8] == [city["n"], city["estimate"], *city["ci"]]


def test_the_admin_shows_trends_and_impact_to_those_who_see_the_results(study, client):
    survey, _ = study
    intervention = Intervention.objects.get(name="Task force")
    url = reverse("surveys_admin:impact", args=[survey.pk])
    query = {"period": "month", "intervention": intervention.pk}
    anonymous = client.get(url, query)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    outsider = make_staff("otto", groups=("Analyst",))
    client.force_login(outsider)
    refused = client.get(url, query)
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    assert refused.status_code in (302, 403) and "trends" not in (refused.context or {})
    analyst = make_staff("ana", groups=("Analyst",))
    grant(user=analyst, survey=survey)
    client.force_login(analyst)
    html = client.get(url, query).content.decode()
    report = analyze(survey, "--intervention", "Task force")
    trust = report["impact"]["questions"][0]
    assert "does not prove" in html and trust["sentence"]["en"] is not None
    assert 'class="chart trend"' in html and html.count('class="mark"') == 2
    did = trust["difference_in_differences"]
    assert f"{did['estimate']:.2f}" in html  # the same number as analyze's JSON
    assert "Pre-trend check" in html
    # Covered and comparison neighborhoods: two lines told apart by style and a legend.
    chart = html.split('class="chart trend"')[1].split("</svg>")[0]
    assert 'class="line solid"' in chart and 'class="line dashed"' in chart
    assert "Covered neighborhoods</text>" in chart and "Comparison neighborhoods</text>" in chart
    assert "Covered and comparison neighborhoods, by period" in html
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW_RESULTS, detail__view="trends and impact"
    ).exists()
    results = client.get(reverse("surveys_admin:results", args=[survey.pk])).content.decode()
    assert url in results


def test_covered_and_comparison_series_are_post_stratified_over_their_own_neighborhoods(study):
    from surveys.analysis.counts import Selection
    from surveys.analysis.impact_report import group_series, load
    from surveys.analysis.trends import period_index

    survey, rows = study
    data = load(Selection(survey=survey), "month")
    covered = group_series(data, "trust", set(COVERED))
    others = group_series(data, "trust", set(POPULATIONS) - set(COVERED))
    for codes, series in ((COVERED, covered), (set(POPULATIONS) - set(COVERED), others)):
        for day in MONTHS:
            month = [r for r in rows if r["submitted_on"] == day.isoformat()]
            favorable = total = 0.0
            for hood in codes:
                mine = [r for r in month if r["neighborhood"] == hood]
                weight = POPULATIONS[hood] / len(mine)  # N_h / responses of h that month
                answered = [r for r in mine if r["trust"] != 98]
                favorable += weight * sum(r["trust"] >= 4 for r in answered)
                total += weight * len(answered)
            point = series[period_index(day, "month")]
            assert point.estimate == pytest.approx(favorable / total)
            assert point.ci[0] < point.estimate < point.ci[1]
