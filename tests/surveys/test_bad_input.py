"""Bad input gets a clear error beside the field, keeps the resident's answers, stores nothing."""

from urllib.parse import urlencode

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings

from surveys.models import Answer, Response
from tests.factories import post_data, valid_answers

pytestmark = pytest.mark.django_db


def submit(client, survey, **changes):
    answers = valid_answers()
    answers.update(changes)
    answers = {key: value for key, value in answers.items() if value is not None}
    return client.post(survey.url, post_data(answers, survey=survey))


def assert_refused(result, field, message):
    """The form came back with `message` at `field`, in the summary, and nothing stored."""
    assert result.status_code == 200, result.status_code
    html = result.content.decode()
    assert "Please check your answers" in html
    form = result.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    summary_links = [link.anchor for link in form.error_links()]
    assert any(anchor.startswith(f"id_q-{field}") for anchor in summary_links)
    assert f'href="#{summary_links[0]}"' in html
    assert 'aria-invalid="true"' in html or "question--error" in html
    kept = 'name="q-age" value="34"' if field != "age" else 'name="q-nickname" value="hola"'
    assert html.count(kept) == 1, "answers are kept"
    assert 'value="a" id="id_q-places_0" checked' in html or field == "places"
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("color", "purple", "Choose one of the options shown."),
        ("color", None, "Answer this question."),
        ("size", "xl", "Choose one of the options shown."),
        ("area", "atlantis", "Choose one of the options shown."),
        ("places", ["a", "b", "c"], "Choose at most 2 options."),
        ("places", ["a", "zzz"], "Choose one of the options shown."),
        ("places", ["a", "a"], "sent more than once"),
        ("trust", "6", "Choose one of the options shown."),
        ("trust7", "98", "Choose one of the options shown."),
        ("overall", "11", "Choose one of the options shown."),
        ("overall", "-1", "Choose one of the options shown."),
        ("age", "17", "no smaller than 18"),
        ("age", "121", "no larger than 120"),
        ("age", "34.5", "Enter a whole number."),
        ("age", "thirty", "Enter a number"),
        ("age", "NaN", "Enter a number"),
        ("age", "1e400", "no larger than 120"),
        ("hours", "24.5", "no larger than 24"),
        ("hours", "Infinity", "Enter a number"),
        ("nickname", "x" * 21, "20 characters or fewer"),
        ("story", "y" * 101, "100 characters or fewer"),
        ("story", "null \x00 byte", "Null characters are not allowed."),
    ],
)
def test_invalid_answers(client, survey, field, value, message):
    assert_refused(submit(client, survey, **{field: value}), field, message)


def test_duplicated_single_answer_field_is_refused(client, survey):
    data = post_data(valid_answers(), survey=survey)
    result = client.post(survey.url, {**data, "q-color": ["r", "g"]})
    assert_refused(result, "color", "more than one answer")


def test_unknown_field_names_are_refused(client, survey):
    result = client.post(survey.url, {**post_data(valid_answers(), survey=survey), "q-admin": "1"})
    assert result.status_code == 200
    assert "not in this survey" in result.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("revision", ["abc", "999999", "-1", "", "²", "１２", "9" * 40])
def test_a_tampered_revision_falls_back_to_the_live_one(client, survey, revision):
    result = client.post(survey.url, post_data(valid_answers(), revision=revision, survey=survey))
    assert result.status_code == 302
    assert Response.objects.get().revision_id == survey.live_revision_id


def test_an_unpublished_draft_revision_is_not_accepted_as_the_answered_one(client, survey):
    draft = survey.save_revision()  # never published
    client.post(survey.url, post_data(valid_answers(), revision=draft.pk, survey=survey))
    assert Response.objects.get().revision_id == survey.live_revision_id


@override_settings(PUBLIC_MAX_BODY_BYTES=2000)
def test_an_oversized_body_gets_413_before_anything_reads_it(survey, monkeypatch):
    # With CSRF checks on, as for a real browser: the refusal must come before the CSRF
    # middleware reads the body.
    client = Client(enforce_csrf_checks=True)
    parsed = []
    real_load = HttpRequest._load_post_and_files

    def spy(request):
        parsed.append(request.path)
        return real_load(request)

    monkeypatch.setattr(HttpRequest, "_load_post_and_files", spy)
    data = {**post_data(valid_answers(), survey=survey), "q-story": "é" * 1000}
    result = client.post(survey.url, data)
    assert result.status_code == 413
    assert "too long" in result.content.decode()
    assert parsed == [] and Response.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=5000, PUBLIC_MAX_BODY_BYTES=10**6)
def test_a_body_beyond_djangos_limit_gets_a_plain_400(survey):
    client = Client(raise_request_exception=False)
    result = client.post(
        survey.url, {**post_data(valid_answers(), survey=survey), "q-story": "a" * 6000}
    )
    assert result.status_code in (400, 413)
    assert Response.objects.count() == 0


def test_a_missing_csrf_token_gets_a_friendly_page_and_stores_nothing(survey):
    client = Client(enforce_csrf_checks=True)
    result = client.post(survey.url, post_data(valid_answers(), survey=survey))
    assert result.status_code == 403
    assert "This page expired" in result.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"q-color=%ZZ%", b"\xff\xfe\x00garbage", b"q-color=r&" * 2000],
)
def test_garbage_bodies_never_cause_a_500(survey, body):
    client = Client(raise_request_exception=False)
    result = client.post(survey.url, data=body, content_type="application/x-www-form-urlencoded")
    assert result.status_code < 500
    assert Response.objects.count() == 0


@pytest.mark.parametrize("length", ["²", "abc", "-5", "１０"])
def test_a_malformed_content_length_is_refused_plainly(survey, length):
    client = Client(raise_request_exception=False)
    result = client.post(
        survey.url,
        data=b"q-color=r",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=length,
    )
    assert result.status_code == 413
    assert Response.objects.count() == 0


@pytest.mark.parametrize("page", ["99", "-1", "x", "²", "", "1" * 40])
def test_a_tampered_page_number_never_causes_a_500(paged, page):
    from tests.surveys.conftest import Resident

    resident = Resident(Client(raise_request_exception=False), paged)
    result = resident.post({"area": "area-1", "stopped": "2"}, action="next", page=0, **{})
    result = resident.client.post(
        paged.url, {"action": "next", "page": page, "started": resident.started, "q-years": "3"}
    )
    assert result.status_code in (200, 302)
    assert Response.objects.count() == 0


@pytest.mark.parametrize("action", ["delete", "", "NEXT", "save\x00"])
def test_an_unknown_action_is_taken_as_send(paged, action):
    from tests.surveys.conftest import Resident

    resident = Resident(Client(raise_request_exception=False), paged)
    result = resident.post({"area": "area-1"}, action=action, page=0)
    assert result.status_code == 200  # page 1 checked like a send: "stopped" is required
    assert "Answer this question." in result.content.decode()
    assert Response.objects.count() == 0


def test_answers_to_another_page_are_refused(paged):
    from tests.surveys.conftest import Resident

    resident = Resident(Client(), paged)
    result = resident.post({"area": "area-1", "stopped": "2", "years": "3"}, action="next", page=0)
    assert result.status_code == 200
    assert "not in this survey" in result.content.decode()


@pytest.mark.parametrize(
    "code", ["x" * 5000, "ÄÖÜ-ÄÖÜ-ÄÖÜ", "%00", "'; DROP TABLE surveys_response; --"]
)
def test_resume_and_invitation_links_take_any_text_plainly(paged, code):
    client = Client(raise_request_exception=False)
    assert client.get(f"{paged.url}resume/").status_code == 200
    assert client.post(f"{paged.url}resume/", {"code": code}).status_code == 400
    # An open survey takes no invitation codes: the link just opens it.
    assert client.get(f"{paged.url}invite/{code[:200]}/").status_code in (302, 404)
    assert Response.objects.count() == 0


def test_text_that_is_not_utf8_is_refused_plainly_and_nothing_stored(survey):
    answers = {k: v for k, v in valid_answers().items() if k != "nickname"}
    body = urlencode(post_data(answers, survey=survey), doseq=True) + "&q-nickname=caf%E9"
    result = Client().post(survey.url, data=body, content_type="application/x-www-form-urlencoded")
    assert result.status_code == 400
    assert "not valid UTF-8" in result.content.decode()
    assert Response.objects.count() == 0


def test_text_in_any_script_is_stored_as_written(survey):
    answers = {k: v for k, v in valid_answers().items() if k != "nickname"}
    body = urlencode(post_data({**answers, "nickname": "شكرا جزيلا"}, survey=survey), doseq=True)
    result = Client().post(survey.url, data=body, content_type="application/x-www-form-urlencoded")
    assert result.status_code == 302
    assert Answer.objects.get(key="nickname").text == "شكرا جزيلا"


def test_a_multipart_post_with_text_that_is_not_utf8_is_refused(survey):
    result = Client().post(survey.url, data=post_data(valid_answers(), survey=survey))
    assert result.status_code == 302  # the test client's multipart form post works ...
    multipart = Client().post(
        survey.url,
        data=b'--x\r\nContent-Disposition: form-data; name="q-nickname"\r\n\r\n\xe9\r\n--x--',
        content_type="multipart/form-data; boundary=x",
    )
    assert multipart.status_code == 400  # ... unless its text is not UTF-8
    assert "not valid UTF-8" in multipart.content.decode()
    assert Response.objects.count() == 1
