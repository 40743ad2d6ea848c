"""Issue 17, point 1: a before/after comparison measures what changed, not who answered.

Two neighborhoods of equal population, one answering 4–5 and one 1–2 in both periods;
100 + 100 answers before and 180 + 20 after. Nothing changed. Through the real path:
the paper template, `import_responses`, then `analyze`."""

import pytest
from django.contrib.auth.models import Group

from surveys.access import grant
from surveys.builders import likert, question
from tests.analysis.paths import (
    analyze,
    changes_of,
    import_rows,
    neighborhoods,
    question_of,
    survey_of,
)
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
BODY = [question("neighborhood", "area", "Area", required=True), likert("trust", "I trust.")]
SPLIT = ["--split-at", "2026-06-01"]
COMPARE = ["--compare", "2026-01-01:2026-03-31", "2026-09-01:2026-10-31"]


@pytest.fixture
def shifted(home, tmp_path):
    neighborhoods({"east": 10000, "west": 10000})
    survey = survey_of(home, BODY)
    rows = []
    for day, sizes in (
        ("2026-03-01", {"east": 100, "west": 100}),
        ("2026-09-01", {"east": 180, "west": 20}),
    ):
        for hood, n in sizes.items():
            for i in range(n):
                trust = (4 if hood == "east" else 1) + i % 2
                rows.append({"neighborhood": hood, "submitted_on": day, "trust": trust})
    import_rows(survey, rows, tmp_path)
    return survey


@pytest.mark.parametrize("periods", [SPLIT, COMPARE])
def test_post_stratified_periods_do_not_report_a_change_in_who_answered(shifted, periods):
    report = analyze(shifted, "--weights", "neighborhood", *periods)
    trust = question_of(report, "trust")
    city = changes_of(trust, "mean")[None]
    assert city["before"]["mean"] == pytest.approx(3.0)  # was 2.40 with pooled weights
    assert city["after"]["mean"] == pytest.approx(3.0)
    assert city["change"] == pytest.approx(0, abs=1e-9)  # was +1.48
    assert city["p_value"] > 0.5
    assert city["test"] == "t-test on the difference of weighted means"
    favorable = changes_of(trust, "favorable proportion")[None]
    assert favorable["before"]["level"] == pytest.approx(0.5)
    assert favorable["after"]["level"] == pytest.approx(0.5)
    assert favorable["change"] == pytest.approx(0, abs=1e-9) and favorable["p_value"] > 0.5
    assert favorable["test"] == "t-test on the difference of weighted proportions"
    # Per-neighborhood changes stay as they are: none.
    for code in ("east", "west"):
        assert changes_of(trust, "mean")[code]["change"] == pytest.approx(0, abs=1e-9)
    assert report["weighting"] == "post-stratification"
    assert report["weighting_detail"]["within_periods"] is True


def test_an_unweighted_comparison_says_the_neighborhoods_shares_moved(shifted):
    report = analyze(shifted, *SPLIT)
    city = changes_of(question_of(report, "trust"), "mean")[None]
    assert city["change"] == pytest.approx(1.2)  # the change in who answered, flagged:
    note = next(n for n in city["notes"] if "shares of the sample moved" in n)
    assert "East 50% → 90%" in note and "West 50% → 10%" in note
    assert report["composition"] == note and note in report["warnings"]
    # An unchanged sample composition gives no such note.
    assert analyze(shifted, "--split-at", "2026-01-01")["composition"] is None


def test_the_admin_offers_the_weighted_comparison_beside_it(client, shifted):
    user = make_staff("ana")
    user.groups.add(Group.objects.get(name="Analyst"))
    grant(user=user, survey=shifted)
    client.force_login(user)
    url = f"/admin/surveys/{shifted.pk}/results/?split_at=2026-06-01&weighting=none"
    html = client.get(url).content.decode()
    assert "shares of the sample moved" in html
    assert "split_at=2026-06-01&amp;weighting=neighborhood" in html


def test_weighted_favorable_changes_agree_with_their_interval(home, tmp_path):
    """A real change, weighted: the p-value and the interval come from the same weighted
    proportions and standard error, so "significant" and "interval excludes 0" agree."""
    neighborhoods({"east": 10000, "west": 30000})
    survey = survey_of(home, BODY)
    rows = []
    for day, agree in (("2026-03-01", (0.5, 0.4)), ("2026-09-01", (0.62, 0.47))):
        for hood, share, n in (("east", agree[0], 150), ("west", agree[1], 60)):
            for i in range(n):
                trust = 4 if i < share * n else 2
                rows.append({"neighborhood": hood, "submitted_on": day, "trust": trust})
    import_rows(survey, rows, tmp_path)
    report = analyze(survey, "--weights", "neighborhood", *SPLIT)
    for change in question_of(report, "trust")["periods"]:
        if change["measure"] != "favorable proportion" or change["p_value"] is None:
            continue
        low, high = change["ci"]
        assert (change["p_value"] < 0.05) == (low > 0 or high < 0), change
        assert low < change["change"] < high
        assert (low + high) / 2 == pytest.approx(change["change"], abs=1e-6)  # symmetric t
