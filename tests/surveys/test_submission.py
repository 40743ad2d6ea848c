"""The atomic write, and the privacy scan: nothing identifying is stored anywhere."""

import datetime

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client

from surveys import submission
from surveys.models import Answer, Response
from surveys.questionnaire import build_questionnaire
from surveys.submission import InvalidAnswers, ResponseData, record_response, record_responses
from tests.factories import post_data, valid_answers

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"
FORWARDED_IP = "198.51.100.23"
USER_AGENT = "PrivacyProbe/9.9 (unique-ua-marker)"
COOKIE = "cookie-marker-5d41402a"


class Boom(Exception):
    pass


def cleaned_answers(survey):
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    return questionnaire, {"color": "r", "places": ["a", "b"], "trust": "5"}


def fail_on_answers(execute, sql, params, many, context):
    """A database that fails as the answer rows are written (after the response row)."""
    if sql.startswith(f"INSERT INTO {connection.ops.quote_name(Answer._meta.db_table)}"):
        raise Boom
    return execute(sql, params, many, context)


def test_a_failure_mid_write_leaves_no_partial_response(survey):
    questionnaire, answers = cleaned_answers(survey)
    with connection.execute_wrapper(fail_on_answers), pytest.raises(Boom):
        record_response(survey=survey, questionnaire=questionnaire, answers=answers)
    assert Response.objects.count() == 0


def test_a_failure_mid_request_shows_an_error_and_stores_nothing(survey):
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(fail_on_answers):
        result = client.post(survey.url, post_data(valid_answers(), survey=survey))
    assert result.status_code == 500
    assert b"stored whole or not at all" in result.content
    assert Response.objects.count() == 0


def test_a_failure_in_a_bulk_write_stores_none_of_the_batch(survey, monkeypatch):
    questionnaire, answers = cleaned_answers(survey)
    day = datetime.date(2026, 1, 1)
    good = ResponseData(answers=answers, submitted_on=day, language="en")
    real_flush = submission._flush
    calls = []

    def flush_then_fail(responses, rows):
        calls.append(len(responses))
        real_flush(responses, rows)
        if len(calls) == 2:
            raise Boom

    monkeypatch.setattr(submission, "BULK_BATCH_SIZE", 10)
    monkeypatch.setattr(submission, "_flush", flush_then_fail)
    with pytest.raises(Boom):
        record_responses(survey=survey, questionnaire=questionnaire, responses=[good] * 20)
    assert calls and Response.objects.count() == 0 and Answer.objects.count() == 0


def test_answers_to_unknown_questions_are_a_programming_error(survey):
    questionnaire, _ = cleaned_answers(survey)
    with pytest.raises(ValueError, match="not in this questionnaire"):
        record_response(survey=survey, questionnaire=questionnaire, answers={"nope": "1"})


def test_a_response_must_name_its_revision(survey):
    questionnaire = build_questionnaire(survey)  # no revision
    with pytest.raises(ValueError, match="revision"):
        record_response(survey=survey, questionnaire=questionnaire, answers={"color": "r"})


def snapshot() -> dict[str, set[tuple]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = {tuple(row) for row in cursor.fetchall()}
    return tables


def test_privacy_scan_nothing_identifying_is_stored_anywhere(survey):
    client = Client(
        REMOTE_ADDR=CLIENT_IP,
        HTTP_USER_AGENT=USER_AGENT,
        HTTP_X_FORWARDED_FOR=FORWARDED_IP,
        HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9",
        HTTP_REFERER="https://example.com/shared-link?from=marker-referer",
    )
    client.cookies["tracking"] = COOKIE
    client.get(survey.url)
    before = snapshot()
    result = client.post(survey.url, post_data(valid_answers(), survey=survey))
    assert result.status_code == 302
    client.get(result["Location"])
    after = snapshot()

    added = {table: after[table] - before[table] for table in after if after[table] - before[table]}
    assert set(added) == {Response._meta.db_table, Answer._meta.db_table}
    assert len(added[Response._meta.db_table]) == 1
    assert all(before[table] <= after[table] for table in before), "nothing is removed"

    markers = [CLIENT_IP, FORWARDED_IP, "unique-ua-marker", COOKIE, "marker-referer", "es-MX"]
    for table, rows in after.items():
        dump = repr(rows)
        for marker in markers:
            assert marker not in dump, f"{marker!r} stored in {table}"
    for row in added[Response._meta.db_table] | added[Answer._meta.db_table]:
        for value in row:
            assert not isinstance(value, datetime.datetime), f"exact time stored: {row}"
            if isinstance(value, str):
                # SQLite returns dates as text: only a bare date may appear, never a time.
                try:
                    parsed = datetime.datetime.fromisoformat(value)
                except ValueError:
                    continue
                assert len(value) == 10, f"exact time stored: {value!r}"
                assert parsed.time() == datetime.time(0)


def test_the_resident_gets_no_session_or_identifying_cookie(client, survey):
    client.get(survey.url)
    result = client.post(survey.url, post_data(valid_answers(), survey=survey))
    thanks = client.get(result["Location"])
    for response in (result, thanks):
        assert set(response.cookies) <= {"csrftoken"}
    assert "sessionid" not in client.cookies


def test_response_ids_are_random_uuids(client, survey):
    for _ in range(3):
        client.post(survey.url, post_data(valid_answers(), survey=survey))
    ids = [r.pk for r in Response.objects.all()]
    assert len(set(ids)) == 3 and all(i.version == 4 for i in ids)


def test_pages_send_no_referrer_to_other_sites(client, survey):
    assert client.get(survey.url)["Referrer-Policy"] == "same-origin"


def test_bulk_writes_validate_every_response_first(survey):
    questionnaire, answers = cleaned_answers(survey)
    day = datetime.date(2026, 1, 1)
    good = ResponseData(answers={"color": "r", "area": "area-1"}, submitted_on=day, language="en")
    cases = [
        ({"color": "purple"}, "color"),
        ({"color": "r", "area": "atlantis"}, "area"),
        ({"color": "r", "age": "12"}, "age"),
        ({"trust": "4"}, "color"),  # a required answer missing
    ]
    for bad_answers, key in cases:
        bad = ResponseData(answers=bad_answers, submitted_on=day, language="en")
        with pytest.raises(InvalidAnswers) as caught:
            record_responses(survey=survey, questionnaire=questionnaire, responses=[good, bad])
        assert caught.value.index == 1 and key in caught.value.errors
        assert "response 2" in str(caught.value)
    assert Response.objects.count() == 0
    assert record_responses(survey=survey, questionnaire=questionnaire, responses=[good]) == 1
    assert Response.objects.get().neighborhood.code == "area-1"


def test_the_csrf_cookie_lasts_only_for_the_browser_session(client, survey):
    cookie = client.get(survey.url).cookies["csrftoken"]
    assert not cookie["max-age"] and not cookie["expires"]


def test_answers_carry_their_responses_survey_neighborhood_status_and_day(client, survey):
    """Analysis counts answers without joining responses; the copies must agree."""
    client.post(survey.url, post_data(valid_answers(), survey=survey))
    questionnaire, answers = cleaned_answers(survey)
    record_responses(
        survey=survey,
        questionnaire=questionnaire,
        responses=[
            ResponseData(
                answers={**answers, "area": "area-1"},
                submitted_on=datetime.date(2026, 1, 2),
                language="en",
            )
        ],
    )
    for answer in Answer.objects.select_related("response"):
        response = answer.response
        assert (answer.survey_id, answer.neighborhood_id, answer.status, answer.submitted_on) == (
            response.survey_id,
            response.neighborhood_id,
            response.status,
            response.submitted_on,
        )
    assert Answer.objects.values("response").distinct().count() == 2


def test_a_neighborhood_or_survey_with_responses_cannot_be_deleted(survey, neighborhoods):
    """No answer is ever left pointing at a deleted neighborhood or survey (the answers
    carry copies of their response's); deleting the responses deletes their answers."""
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    area = neighborhoods[0]
    record_response(
        survey=survey,
        questionnaire=questionnaire,
        answers={"area": area.code, "color": "r", "trust": "5"},
    )
    assert Answer.objects.filter(neighborhood=area, survey=survey).count() == 2
    with pytest.raises(ProtectedError):
        area.delete()
    with pytest.raises(ProtectedError):
        survey.delete()
    assert Answer.objects.filter(neighborhood=area, survey=survey).count() == 2
    Response.objects.all().delete()
    assert not Answer.objects.exists()
    area.delete()
