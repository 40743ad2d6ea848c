"""Where responses and answers lie in the database says nothing of when they came
(surveys/storage_order.py): random rowids on SQLite, a daily rewrite on PostgreSQL."""

import pytest
from django.db import connection
from django.utils import timezone

from surveys.models import Answer, Response
from surveys.questionnaire import build_questionnaire
from surveys.storage_order import shuffle_postgresql_tables
from surveys.submission import cleaned_answers, record_response
from tests.factories import valid_answers

pytestmark = pytest.mark.django_db


def answer_many(survey, count: int) -> list[str]:
    """`count` responses, one after another; their ids in the order they came."""
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    answers = cleaned_answers(questionnaire, valid_answers())
    return [
        str(record_response(survey=survey, questionnaire=questionnaire, answers=answers).pk)
        for _ in range(count)
    ]


def rank_correlation(order: list[str], came: list[str]) -> float:
    """Spearman's rho between the order rows lie in and the order they came in."""
    position = {pk: index for index, pk in enumerate(came)}
    ranks = [position[pk] for pk in order]
    n = len(ranks)
    return 1 - 6 * sum((r - i) ** 2 for i, r in enumerate(ranks)) / (n * (n * n - 1))


def lying_order(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [str(row[0]).replace("-", "") for row in cursor.fetchall()]


def test_on_sqlite_rows_lie_in_no_order_of_arrival(survey):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's rowids (PostgreSQL is tested below)")
    # With 200 rows a random order's rho has a standard deviation of 1/sqrt(199) = 0.07:
    # 0.4 is 5.6 of them (one failure in 50 million runs), while rows stored in order of
    # arrival give rho = 1.
    came = [pk.replace("-", "") for pk in answer_many(survey, 200)]
    responses = lying_order("SELECT id FROM surveys_response ORDER BY rowid")
    assert responses != came
    assert abs(rank_correlation(responses, came)) < 0.4
    answers = lying_order("SELECT response_id FROM surveys_answer ORDER BY rowid")
    by_response = list(dict.fromkeys(answers))
    assert abs(rank_correlation(by_response, came)) < 0.4
    assert Answer.objects.count() > Response.objects.count() == 200  # nothing lost


def test_on_sqlite_the_triggers_survive_migrations():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's triggers")
    names = set(lying_order("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    assert {"surveys_response_random_rowid", "surveys_answer_random_rowid"} <= names


def test_on_postgresql_the_daily_rewrite_puts_rows_in_random_order(survey, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's CLUSTER (runs in CI's PostgreSQL pass)")
    # With 200 rows a random order's rho has a standard deviation of 1/sqrt(199) = 0.07:
    # 0.4 is 5.6 of them (one failure in 50 million runs), while rows stored in order of
    # arrival give rho = 1.
    came = [pk.replace("-", "") for pk in answer_many(survey, 200)]
    before = lying_order("SELECT id FROM surveys_response ORDER BY ctid")
    assert before == came  # as PostgreSQL writes them, until upkeep's rewrite
    settings.STORAGE_SHUFFLE_HOUR = (timezone.localtime().hour + 12) % 24
    assert shuffle_postgresql_tables() == "not the hour for it"
    with connection.cursor() as cursor:  # upkeep runs outside any transaction; a test not
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert "rewritten" in shuffle_postgresql_tables(force=True)
    after = lying_order("SELECT id FROM surveys_response ORDER BY ctid")
    assert after == sorted(came) and abs(rank_correlation(after, came)) < 0.4
