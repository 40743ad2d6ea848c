"""The trends' counts: the database computes each answer's month (or quarter) itself, and
gives the same table as Django's TruncMonth / TruncQuarter grouping, in two queries."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.analysis import impact_report
from surveys.analysis.counts import Selection, value_counts
from surveys.analysis.period_counts import period_respondent_counts, period_value_counts
from surveys.builders import likert, question
from surveys.models import Answer, Response
from tests.analysis.paths import analyze, import_rows, neighborhoods, question_of, survey_of

pytestmark = pytest.mark.django_db
BODY = [question("neighborhood", "area", "Area", required=True), likert("trust", "I trust.")]


@pytest.fixture
def survey(home, tmp_path):
    neighborhoods({"n1": 8000, "n2": 12000, "n3": 5000})
    survey = survey_of(home, BODY)
    rng = random.Random(7)
    rows = [
        {
            "neighborhood": rng.choice(["n1", "n2", "n3"]),
            # Last and first days of months and quarters, across a new year.
            "submitted_on": (
                datetime.date(2025, 11, 30) + datetime.timedelta(days=rng.randrange(130))
            ).isoformat(),
            "trust": rng.choice([1, 2, 3, 4, 5, 98]),
        }
        for _ in range(300)
    ]
    import_rows(survey, rows, tmp_path)
    return survey


@pytest.mark.parametrize("unit", ["month", "quarter"])
def test_period_counts_are_the_orm_grouping(survey, unit):
    selection = Selection(survey=survey)
    expected = sorted(impact_report._orm_value_counts(selection, ["trust"], unit))
    counted = sorted(period_value_counts(selection, ["trust"], unit))
    assert counted == expected
    assert len({row[4] for row in counted}) == (6 if unit == "month" else 3)
    assert period_respondent_counts(selection, unit) == impact_report._orm_respondent_counts(
        selection, unit
    )


def test_unreleased_answers_stay_out_of_the_trends(survey):
    selection = Selection(survey=survey)
    before = sum(row[5] for row in period_value_counts(selection, ["trust"], "month"))
    responses = sum(period_respondent_counts(selection, "month").values())
    response = Response.objects.filter(survey=survey).first()
    Response.objects.filter(pk=response.pk).update(released=False)
    Answer.objects.filter(response=response).update(released=False)
    after = sum(row[5] for row in period_value_counts(selection, ["trust"], "month"))
    assert after == before - Answer.objects.filter(response=response, key="trust").count()
    assert sum(period_respondent_counts(selection, "month").values()) == responses - 1


def test_loading_the_trends_reads_answers_and_responses_once_each(survey):
    selection = Selection(survey=survey)
    impact_report.load(selection, "month")  # questions and their revisions, warmed
    with CaptureQueriesContext(connection) as queries:
        impact_report.load(selection, "month")
    answers = [q for q in queries if Answer._meta.db_table in q["sql"]]
    responses = [
        q
        for q in queries
        if f"FROM {Response._meta.db_table}" in q["sql"].replace('"', "") and "GROUP BY" in q["sql"]
    ]
    assert len(answers) == 1
    assert len(responses) == 1


def test_unreleased_answers_stay_out_of_the_report(survey):
    """The report's answer counts read released answers only, as its respondent counts
    do: an answer waiting for its group to reach k moves no published figure."""
    selection = Selection(survey=survey)
    before = analyze(survey)
    counted = sum(row.count for row in value_counts(selection, ["trust"]))
    response = Response.objects.filter(survey=survey, answers__key="trust").first()
    Response.objects.filter(pk=response.pk).update(released=False)
    Answer.objects.filter(response=response).update(released=False)
    assert sum(row.count for row in value_counts(selection, ["trust"])) == counted - 1
    after = analyze(survey)
    assert after["responses"] == before["responses"] - 1
    assert _answered(after) == _answered(before) - 1


def _answered(report: dict) -> float:
    return sum(question_of(report, "trust")["overall"]["counts"].values())
