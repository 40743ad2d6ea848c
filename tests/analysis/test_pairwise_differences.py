"""Issue 17, point 5: pairwise differences between neighborhoods with intervals, and the
organizer's primary questions as one Holm family (the rest Benjamini–Hochberg). Through
the real path: the paper template, `import_responses`, `analyze`, and the admin view.

Weighted differences reproduce R 4.2.2 / survey 4.1.1 on its `apistrat` data: the script
is tests/data/pairwise_reference.R and what it printed tests/data/pairwise_reference.txt
(the test suite does not need R)."""

import json
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from surveys.access import grant
from surveys.builders import likert, question
from surveys.models import SurveyPage
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of
from tests.analysis.test_calibration_reference import apistrat  # noqa: F401 (a fixture)
from tests.factories import make_staff

DATA = Path(__file__).resolve().parents[1] / "data"
pytestmark = pytest.mark.django_db
HOODS = ["n1", "n2", "n3", "n4"]
BODY = [
    question("neighborhood", "area", "Area", required=True),
    likert("trust", "I trust the police."),
    likert("report", "I would report a crime."),
    question("number", "calls", "Calls", min_value=0, max_value=20, integer=True),
    question("long_text", "comments", "Comments", max_length=200),
]


def r_reference() -> dict[tuple[str, str, str], dict[str, float]]:
    """(design, variable, 'E-H') -> {difference, se, t, df, p}."""
    values = {}
    for line in (DATA / "pairwise_reference.txt").read_text().splitlines():
        parts = line.split()
        if parts[0] in ("poststratified", "raked"):
            numbers = dict(zip(parts[3::2], map(float, parts[4::2]), strict=True))
            values[(parts[0], parts[1], parts[2])] = numbers
    return values


@pytest.mark.parametrize(
    ("weights", "label"), [("neighborhood", "poststratified"), ("rake", "raked")]
)
def test_weighted_differences_are_rs_svycontrast_and_svyttest(apistrat, tmp_path, weights, label):  # noqa: F811
    """Post-stratified: Cov = 0 between neighborhoods; raked, the calibration makes
    them covary and the contrast's variance says so. df = (n_a − 1) + (n_b − 1), as
    svyttest on the two neighborhoods."""
    margins = tmp_path / "margins.json"
    margins.write_text(json.dumps({"sch_wide": {"No": 1072, "Yes": 5122}}))
    extra = ["--margins", str(margins)] if weights == "rake" else []
    report = analyze(apistrat, "--weights", weights, *extra)
    reference = r_reference()
    for key, variable in (("api00", "api00"), ("awards", "awarded")):
        differences = {f"{d['a']}-{d['b']}": d for d in question_of(report, key)["differences"]}
        assert set(differences) == {"E-H", "E-M", "H-M"}
        for pair, d in differences.items():
            r = reference[(label, variable, pair)]
            assert d["difference"] == pytest.approx(r["difference"], rel=1e-6, abs=1e-6)
            assert d["se"] == pytest.approx(r["se"], rel=1e-6, abs=5e-7)  # JSON: 6 places
            assert d["df"] == r["df"]
            assert d["p_value"] == pytest.approx(r["p"], rel=1e-5)
            half = stats.t.ppf(0.975, r["df"]) * r["se"]
            interval = [r["difference"] - half, r["difference"] + half]
            # R's se carries 10 digits; the bounds (up to ±80) agree to 1e-5.
            assert d["ci"] == pytest.approx(interval, rel=1e-6, abs=1e-5)
            assert d["test"].startswith("t-test on the difference of weighted")


def _rows():
    """Four neighborhoods: n1 and n2 trust (two in three agree), n3 and n4 do not (no
    one agrees); `report` is favorable for one in 2, 3, 4, 5; `calls` hardly differ."""
    rows = []
    for h, hood in enumerate(HOODS):
        for i in range(40 + 10 * h):
            rows.append(
                {
                    "neighborhood": hood,
                    "submitted_on": "2026-03-01",
                    "trust": 5 - h if i % 3 else 3,
                    "report": 5 if i % (h + 2) == 0 else 3,
                    "calls": (i * (h + 1)) % 7,
                }
            )
    return rows


@pytest.fixture
def four(home, tmp_path):
    neighborhoods(dict.fromkeys(HOODS, 5000))
    survey = survey_of(home, BODY)
    rows = _rows()
    import_rows(survey, rows, tmp_path)
    return survey, rows


def _holm(p_values):
    m = len(p_values)
    order = np.argsort(p_values)
    adjusted, running = [0.0] * m, 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def test_unweighted_differences_match_a_direct_computation(four):
    survey, rows = four
    report = analyze(survey)
    calls = question_of(report, "calls")["differences"]
    assert len(calls) == 6 and {d["measure"] for d in calls} == {"mean"}
    for d in calls:
        a = [r["calls"] for r in rows if r["neighborhood"] == d["a"]]
        b = [r["calls"] for r in rows if r["neighborhood"] == d["b"]]
        welch = stats.ttest_ind(a, b, equal_var=False)
        assert d["difference"] == pytest.approx(np.mean(a) - np.mean(b), abs=1e-6)
        assert d["p_value"] == pytest.approx(welch.pvalue, rel=1e-6)
        assert d["ci"] == pytest.approx(list(welch.confidence_interval()), abs=1e-6)
        assert d["test"] == "Welch's t-test"
    trust = question_of(report, "trust")["differences"]
    assert {d["measure"] for d in trust} == {"favorable proportion"}
    for d in trust:
        yes = [
            sum(r["trust"] >= 4 for r in rows if r["neighborhood"] == h) for h in (d["a"], d["b"])
        ]
        n = [sum(r["neighborhood"] == h for r in rows) for h in (d["a"], d["b"])]
        assert d["difference"] == pytest.approx(yes[0] / n[0] - yes[1] / n[1], abs=1e-6)
        low, high = confint_proportions_2indep(yes[0], n[0], yes[1], n[1], method="newcomb")
        assert d["ci"] == pytest.approx([low, high], abs=1e-6)


def test_without_primary_questions_each_questions_pairs_are_one_holm_family(four):
    survey, _ = four
    report = analyze(survey)
    # n3 and n4 both have no favorable answer: no test, and not in the family.
    untested = [d for d in question_of(report, "trust")["differences"] if d["p_value"] is None]
    assert [(d["a"], d["b"], d["difference"], d["p_adjusted"]) for d in untested] == [
        ("n3", "n4", 0.0, None)
    ]
    for key in ("trust", "report", "calls"):
        differences = [
            d for d in question_of(report, key)["differences"] if d["p_value"] is not None
        ]
        p = [d["p_value"] for d in differences]
        assert [d["p_adjusted"] for d in differences] == pytest.approx(_holm(p), rel=1e-9)
        assert {(d["adjustment"], d["family"]) for d in differences} == {("holm", "question")}
    assert report["families"]["primary_questions"] == []
    assert "no primary questions are named" in report["multiple_comparisons"]


def test_primary_questions_form_one_holm_family_and_the_rest_bh(four):
    survey, _ = four
    survey.primary_questions = "report\ncalls"
    survey.save_revision().publish()
    report = analyze(survey)
    primary = [d for key in ("report", "calls") for d in question_of(report, key)["differences"]]
    p = [d["p_value"] for d in primary]
    assert len(p) == 12  # every pair of both questions, together
    assert [d["p_adjusted"] for d in primary] == pytest.approx(_holm(p), rel=1e-9)
    assert {(d["adjustment"], d["family"]) for d in primary} == {("holm", "primary")}
    # Holm over 12 is stricter than within one question's 6 pairs.
    smallest = min(primary, key=lambda d: d["p_value"])
    assert smallest["p_adjusted"] == pytest.approx(min(1.0, 12 * smallest["p_value"]))
    trust = [d for d in question_of(report, "trust")["differences"] if d["p_value"] is not None]
    expected = stats.false_discovery_control([d["p_value"] for d in trust], method="bh")
    assert [d["p_adjusted"] for d in trust] == pytest.approx(list(expected), rel=1e-9)
    assert {(d["adjustment"], d["family"]) for d in trust} == {("bh", "question")}
    families = report["families"]
    assert families["primary_questions"] == ["report", "calls"]
    assert families["confirmatory"]["adjustment"] == "holm"
    assert families["other_questions"]["adjustment"] == "bh"
    assert "(report, calls) form one family adjusted with Holm" in report["multiple_comparisons"]


@pytest.mark.parametrize(
    ("keys", "named"),
    [("trust nonsense", "nonsense"), ("comments", "comments"), ("area trust", "area")],
)
def test_primary_questions_must_be_analysable_questions(four, keys, named):
    survey, _ = four
    page = SurveyPage.objects.get(pk=survey.pk)
    page.primary_questions = keys
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    message = " ".join(error.value.message_dict["primary_questions"])
    assert f"analysed: {named}." in message
    page.primary_questions = "trust\ncalls  report"
    page.full_clean()  # questions (and indices) of the survey are accepted


def test_the_survey_editor_refuses_unknown_primary_questions(client, staff, four):
    """Bad input through the real path: the page editor's settings."""
    from tests.factories import body_with_ids, edit_form_data

    survey, _ = four
    client.force_login(staff)
    url = f"/admin/pages/{survey.pk}/edit/"
    data = edit_form_data(survey, body_with_ids(survey), primary_questions="trust\nnope")
    result = client.post(url, data)
    assert result.status_code == 200
    assert "can be analysed: nope." in result.content.decode()
    assert SurveyPage.objects.get(pk=survey.pk).primary_questions == ""
    data = edit_form_data(survey, body_with_ids(survey), primary_questions="trust calls")
    assert client.post(url, data).status_code == 302
    assert SurveyPage.objects.get(pk=survey.pk).primary_keys == ["trust", "calls"]


def _analyst(client, survey):
    user = make_staff("ana")
    user.groups.add(Group.objects.get(name="Analyst"))
    grant(user=user, survey=survey)
    client.force_login(user)
    return user


def test_the_admin_lists_the_pairs_that_differ_and_states_the_families(client, four):
    survey, _ = four
    survey.primary_questions = "trust"
    survey.save_revision().publish()
    url = f"/admin/surveys/{survey.pk}/results/"
    stranger = make_staff("someone")  # access control unchanged: VIEW_RESULTS needed
    stranger.groups.add(Group.objects.get(name="Analyst"))
    client.force_login(stranger)
    refused = client.get(url)
    assert refused.status_code in (302, 403) and "Differences" not in refused.content.decode()
    _analyst(client, survey)
    html = client.get(url).content.decode()
    assert "primary questions named by the organizers (trust) form one family" in html
    assert "A primary question of this survey." in html
    report = analyze(survey)
    trust = [d for d in question_of(report, "trust")["differences"] if d["p_value"] is not None]
    significant = [d for d in trust if d["p_adjusted"] < 0.05]
    assert len(trust) == 5 and 0 < len(significant) < len(trust)
    assert f"{len(significant)} of 5 pairs of neighborhoods differ" in html
    caption = (
        "<caption>I trust the police. — Differences between neighborhoods, favorable share "
        "(percentage points)</caption>"
    )
    assert caption in html
    table = html.split(caption)[1].split("</table>")[0]
    assert table.count("<tr>") == len(significant) + 1  # the header, then each pair
    best = min(significant, key=lambda d: d["p_adjusted"])
    assert f"{best['a'].title()} − {best['b'].title()}" in table
    assert f"{100 * best['difference']:+.1f}" in table
    # Every pair on request.
    assert client.get(f"{url}?every_pair=%00garbage").status_code == 200  # bad input: plain
    html = client.get(f"{url}?every_pair=on").content.decode()
    table = html.split(caption)[1].split("</table>")[0]
    assert table.count("<tr>") == 6
