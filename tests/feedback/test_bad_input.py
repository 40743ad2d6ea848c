"""Bad input to the feedback form and the receipt check: a clear message, nothing stored."""

import pytest

from feedback.forms import TEXT_MAX_LENGTH
from feedback.models import ContactDetail, Feedback

from .conftest import send

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "Write your feedback before sending it."),
        ({"text": "   \n  "}, "Write your feedback before sending it."),
        ({"text": "x" * (TEXT_MAX_LENGTH + 1)}, "Please keep it under 3000 characters"),
        ({"topic": "no-such-topic"}, "Choose one of the topics in the list."),
        ({"topic": None}, "Choose the topic closest to what you want to tell us."),
        ({"neighborhood": "atlantis"}, "Choose one of the neighborhoods in the list."),
        ({"contact": "c" * 201}, "Please keep it under 200 characters"),
        (
            {"text": " ".join(f"http://spam{i}.example/x" for i in range(4))},
            "Please include at most 3 links.",
        ),
        ({"text": "buy www.a.com www.b.com www.c.com www.d.com"}, "at most 3 links"),
    ],
)
def test_bad_feedback_is_refused_with_a_message(client, voices, fields, message):
    result = send(client, voices, **fields)
    assert result.status_code == 400
    assert message in result.content.decode()
    assert not Feedback.objects.exists() and not ContactDetail.objects.exists()


def test_a_few_links_are_fine(client, voices):
    text = "See https://example.org/rights and https://example.org/help"
    assert send(client, voices, text=text).status_code == 200
    assert Feedback.objects.get().text == text


def test_markup_is_kept_as_text_and_shown_as_text(client, voices, staff):
    refused = send(client, voices, text=PAYLOAD, topic="nope")
    assert "<script>alert" not in refused.content.decode()
    assert "&lt;script&gt;" in refused.content.decode()
    send(client, voices, text=PAYLOAD, may_publish="on")
    item = Feedback.objects.get()
    assert item.text == PAYLOAD  # stored as sent: nothing silently changed
    client.force_login(staff)
    for url in ("/admin/feedback/", f"/admin/feedback/{item.key}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
    client.post(f"/admin/feedback/{item.key}/", {"public_text": "", "status": "published"})
    client.logout()
    public = client.get(voices.url).content.decode()
    assert "<script>alert" not in public and "<img src=x" not in public
    assert "&lt;script&gt;alert" in public


def test_oversized_posts_are_refused_unread(client, voices, settings):
    settings.PUBLIC_MAX_BODY_BYTES = 1000
    result = send(client, voices, text="y" * 2000)
    assert result.status_code == 413
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "A receipt code has 12 letters and digits"),
        ("nope", "A receipt code has 12 letters and digits"),
        ("0000-1111-IIII", "A receipt code has 12 letters and digits"),
        ("2345-6789-ABCD", "We could not find feedback with this receipt code."),
        ("2345-6789-ABCD" * 10, "A receipt code has 12 letters and digits"),
    ],
)
def test_wrong_receipt_codes_get_a_clear_message(client, voices, typed, message):
    send(client, voices)
    result = client.post(voices.url + "status/", {"code": typed})
    assert result.status_code == 400
    html = result.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert "The police stopped" not in html


def test_a_receipt_code_reused_many_times_only_reads(client, voices):
    import re

    code = re.search(r'id="receipt-code">([^<]+)<', send(client, voices).content.decode())[1]
    for _ in range(3):
        assert client.post(voices.url + "status/", {"code": code}).status_code == 200
    assert Feedback.objects.count() == 1
    # Guessing is rate limited like submissions.
    from django.conf import settings

    limit = settings.SUBMISSION_RATE_LIMIT[0]
    statuses = {
        client.post(voices.url + "status/", {"code": "2345-6789-ABCD"}).status_code
        for _ in range(limit)
    }
    assert 429 in statuses


def test_unknown_public_filters_say_so(client, voices):
    result = client.get(voices.url + "?topic=nope&area=atlantis&page=abc")
    assert result.status_code == 400
    html = result.content.decode()
    assert "There is no such topic" in html and "There is no such neighborhood" in html


def test_the_error_summary_comes_first_takes_focus_and_links_to_fields(client, voices):
    html = send(client, voices, text="").content.decode()
    article = html.split('<article class="survey">')[1]
    # Straight after the heading, before the introduction and the privacy promise.
    after_heading = article.split("</h1>", 1)[1].lstrip()
    assert after_heading.startswith('<div class="error-summary"')
    summary = after_heading.split("</div>", 1)[0]
    assert "autofocus" in summary and 'href="#id_text"' in summary


@pytest.mark.parametrize("language", ["xx", "en-us", '"><script>', "e" * 500, "ar\x00"])
def test_a_reply_language_not_offered_is_refused(client, voices, staff, language):
    send(client, voices, may_publish="on")
    item = Feedback.objects.get()
    client.force_login(staff)
    data = {"public_text": "", "reply": "Hello", "reply_language": language}
    result = client.post(f"/admin/feedback/{item.key}/", data)
    assert result.status_code == 400
    assert "<script>" not in result.content.decode()
    item.refresh_from_db()
    assert item.reply == "" and item.reply_language == ""
