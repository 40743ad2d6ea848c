"""Issue 17, point 4: smaller errors that printed wrong numbers. Each through the real
path (the paper template, `import_responses`, `analyze`), and the public view of the
report where it applies."""

import io

import numpy as np
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from surveys.access import grant
from surveys.analysis.counts import Selection
from surveys.analysis.public import public_results
from surveys.analysis.report import build_report
from surveys.builders import choices, likert, question
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
DAY = "2026-02-01"


def test_a_reversed_0_to_10_item_reverses_to_10_to_0(home, tmp_path):
    neighborhoods({"a": None})
    index = {
        "type": "index",
        "value": {
            "label": "Safety",
            "key": "safety",
            "items": "safe unsafe",
            "reversed_items": "unsafe",
            "favorable_at_least": None,
        },
    }
    body = [
        question("neighborhood", "area", "Area", required=True),
        question("rating", "safe", "Safe?"),
        question("rating", "unsafe", "Unsafe?"),
    ]
    survey = survey_of(home, body, indices=[index])
    answers = [(7, 3), (10, 0), (0, 10), (4, 6)]  # each pair says the same thing
    rows = [{"neighborhood": "a", "submitted_on": DAY, "safe": s, "unsafe": u} for s, u in answers]
    import_rows(survey, rows, tmp_path)
    safety = question_of(analyze(survey), "safety")
    # Each respondent's two answers agree once reversed: 10 − x, not 11 − x.
    assert safety["overall"]["mean"] == pytest.approx(np.mean([s for s, _ in answers]))
    assert safety["alpha"] == pytest.approx(1.0)


def trust_survey(home, tmp_path, rows):
    body = [question("neighborhood", "area", "Area", required=True), likert("trust", "Trust")]
    survey = survey_of(home, body)
    import_rows(survey, rows, tmp_path)
    return survey


def test_reliability_counts_substantive_answers_and_the_public_view_withholds(home, tmp_path):
    """35 answers of which 10 are "don't know": 25 say something, under 30."""
    neighborhoods({"a": 4000, "b": 4000})
    answers_a = [98] * 10 + [2] * 13 + [4] * 12  # every count at least k = 10
    rows = [{"neighborhood": "a", "submitted_on": DAY, "trust": t} for t in answers_a] + [
        {"neighborhood": "b", "submitted_on": DAY, "trust": 2 + i % 2 * 2} for i in range(60)
    ]
    survey = trust_survey(home, tmp_path, rows)
    for weights in ("none", "neighborhood"):
        report = analyze(survey, "--weights", weights)
        groups = {g["neighborhood"]: g for g in question_of(report, "trust")["groups"]}
        assert groups["a"]["n"] == 35 and groups["a"]["unreliable"], weights
        assert groups["a"]["n_effective"] == pytest.approx(25)
        assert "under 30" in groups["a"]["unreliable_reasons"][0]
        assert not groups["b"]["unreliable"]
    public = next(p for p in public_results(build_report(Selection(survey=survey))))
    shown = {g.neighborhood: g for g in public.groups}
    a, b = shown["a"], shown["b"]
    assert a.favorable is None and all(cell.percent is None for cell in a.cells)  # withheld
    assert b.favorable is not None


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([3] * 40, "every answer is the same"),
        ([5], "a single answer"),
    ],
)
def test_a_zero_width_interval_is_never_reliable(home, tmp_path, answers, reason):
    neighborhoods({"a": None})
    rows = [{"neighborhood": "a", "submitted_on": DAY, "trust": t} for t in answers]
    survey = trust_survey(home, tmp_path, rows)
    overall = question_of(analyze(survey), "trust")["overall"]
    assert overall["unreliable"]
    assert any(reason in r for r in overall["unreliable_reasons"])


def test_a_mean_of_zero_is_flagged(home, tmp_path):
    neighborhoods({"a": None})
    body = [
        question("neighborhood", "area", "Area", required=True),
        question("number", "change", "Change", min_value=-50, max_value=50, integer=True),
    ]
    survey = survey_of(home, body)
    rows = [{"neighborhood": "a", "submitted_on": DAY, "change": v} for v in [-2, 2] * 20]
    import_rows(survey, rows, tmp_path)
    overall = question_of(analyze(survey), "change")["overall"]
    assert overall["mean"] == 0 and overall["unreliable"]
    assert any("a mean of 0" in r for r in overall["unreliable_reasons"])


def test_a_population_smaller_than_its_responses_is_refused(client, home, tmp_path):
    neighborhoods({"a": 20, "b": 5000})
    rows = [{"neighborhood": h, "submitted_on": DAY, "trust": 3} for h in "ab" for _ in range(30)]
    survey = trust_survey(home, tmp_path, rows)
    with pytest.raises(CommandError, match="population cannot be smaller.*A \\(population 20"):
        call_command(
            "analyze", survey.slug, "--weights", "neighborhood", "-o", "-", stdout=io.StringIO()
        )
    assert analyze(survey)["weighting"] == "none"  # unweighted still works
    user = make_staff("ana")
    user.groups.add(Group.objects.get(name="Analyst"))
    grant(user=user, survey=survey)
    client.force_login(user)
    html = client.get(f"/admin/surveys/{survey.pk}/results/?weighting=neighborhood")
    assert "population cannot be smaller than its number of responses" in html.content.decode()


def test_effect_sizes_do_not_grow_with_many_small_groups(home, tmp_path):
    """Forty neighborhoods of eight, answering at random: no association."""
    rng = np.random.default_rng(40)
    hoods = {f"n{i:02d}": None for i in range(40)}
    neighborhoods(hoods)
    body = [
        question("neighborhood", "area", "Area", required=True),
        likert("trust", "Trust"),
        question(
            "single_choice",
            "seen",
            "Seen?",
            choices=choices(("y", "Yes"), ("n", "No"), ("u", "Unsure")),
            widget="radio",
        ),
    ]
    survey = survey_of(home, body)
    rows = [
        {
            "neighborhood": hood,
            "submitted_on": DAY,
            "trust": int(rng.integers(1, 6)),
            "seen": "ynu"[int(rng.integers(0, 3))],
        }
        for hood in hoods
        for _ in range(8)
    ]
    import_rows(survey, rows, tmp_path)
    report = analyze(survey)
    seen = question_of(report, "seen")["test"]
    assert seen["effect_size"]["name"] == "Cramér's V, bias-corrected"
    assert seen["effect_size"]["value"] < 0.1  # the plain V of such noise is about 0.35
    trust = question_of(report, "trust")["test"]
    assert trust["effect_size"]["name"] == "epsilon-squared, adjusted for the number of groups"
    assert trust["effect_size"]["value"] < 0.05  # H/(n − 1) of such noise is about 0.12
