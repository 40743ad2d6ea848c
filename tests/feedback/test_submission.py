"""A resident leaves feedback without an account and reads the reply with a receipt code."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from feedback import moderation
from feedback.models import ContactDetail, Feedback, InternalNote
from feedback.submission import RECEIPT_CODE_LENGTH, find_by_receipt
from surveys import codes
from tests.factories import make_staff

from .conftest import send, started

pytestmark = pytest.mark.django_db


def receipt_code(response) -> str:
    return re.search(r'id="receipt-code">([^<]+)<', response.content.decode())[1]


def test_a_spanish_resident_sends_feedback_and_reads_the_reply(client, voices, spanish_home):
    form = client.get("/es/voices/send/")
    html = form.content.decode()
    assert form.status_code == 200 and "Paradas de tráfico" in html
    assert 'name="website"' in html  # the honeypot
    assert "privacy-heading" in html  # the promise is beside the form
    result = client.post(
        "/es/voices/send/",
        {
            "topic": "traffic-stops",
            "neighborhood": "area-2",
            "text": "Tengo miedo de llamar a la policía.",
            "may_publish": "on",
            "started": started(voices),
        },
    )
    assert result.status_code == 200 and result["Cache-Control"] == "no-store"
    code = receipt_code(result)
    item = Feedback.objects.get()
    assert item.language == "es" and item.may_publish and item.neighborhood.code == "area-2"
    assert item.topic.code == "traffic-stops" and item.status == Feedback.Status.NEW
    assert item.receipt_digest == codes.digest(code) and code not in item.receipt_digest
    moderator = make_staff("mod", superuser=True)
    moderation.edit(
        user=moderator,
        feedback=item,
        public_text="",
        masked_names="",
        reply="Hablamos con el jefe.",
    )
    status = client.post("/es/voices/status/", {"code": code.lower().replace("-", " ")})
    page = status.content.decode()
    assert status.status_code == 200 and "Hablamos con el jefe." in page
    assert "Tengo miedo" not in page  # the original is not shown back
    assert status["Cache-Control"] == "no-store"


def test_nothing_identifying_is_stored(client, voices):
    client.post(
        voices.url + "send/",
        {"topic": "language", "text": "Need interpreters at court.", "started": started(voices)},
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="SpyPhone/1.0",
    )
    item = Feedback.objects.get()
    assert item.submitted_on == timezone.localdate()
    fields = {f.name for f in Feedback._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "user_agent", "created_at", "submitted_at", "session"}
    for field in Feedback._meta.concrete_fields:
        assert not isinstance(field, __import__("django").db.models.DateTimeField), field.name
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_feedback")
        stored = repr(cursor.fetchall())
    assert "203.0.113.77" not in stored and "SpyPhone" not in stored
    assert not ContactDetail.objects.exists()


def test_contact_details_go_to_their_own_table_and_are_deleted_on_close(client, voices):
    send(client, voices, contact="call me 512-555-0199")
    item = Feedback.objects.get()
    assert "512-555-0199" not in item.text
    contact = ContactDetail.objects.get(feedback=item)
    assert contact.contact == "call me 512-555-0199"
    assert contact.delete_on == timezone.localdate() + datetime.timedelta(days=60)
    moderation.set_status(
        user=make_staff("mod", superuser=True), items=[item], status=Feedback.Status.CLOSED
    )
    assert not ContactDetail.objects.exists()
    assert Feedback.objects.filter(pk=item.pk, status="closed").exists()


def test_contact_details_expire_after_their_days(client, voices, settings):
    from django.core.management import call_command

    settings.FEEDBACK_CONTACT_DAYS = 1
    send(client, voices, contact="email me")
    send(client, voices, contact="text me")
    ContactDetail.objects.filter(contact="email me").update(
        delete_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    call_command("expire_feedback_contacts", stdout=__import__("io").StringIO())
    assert list(ContactDetail.objects.values_list("contact", flat=True)) == ["text me"]
    assert Feedback.objects.count() == 2  # the feedback itself stays


def test_the_honeypot_and_the_timing_check_store_nothing(client, voices):
    robot = send(client, voices, website="http://spam.example")
    assert robot.status_code == 200 and "receipt-code" in robot.content.decode()
    hurried = send(client, voices, started=started(voices, seconds_ago=0))
    assert hurried.status_code == 400
    assert "send it again" in hurried.content.decode()
    forged = send(client, voices, started="forged")
    assert forged.status_code == 400
    assert not Feedback.objects.exists()


def test_the_rate_limit_applies(client, voices, settings):
    settings.SUBMISSION_RATE_LIMIT = (2, 600)
    assert send(client, voices).status_code == 200
    assert send(client, voices).status_code == 200
    assert send(client, voices).status_code == 429
    assert Feedback.objects.count() == 2


def test_receipt_codes_are_long_and_only_their_digest_is_kept(client, voices):
    code = receipt_code(send(client, voices))
    assert len(code.replace("-", "")) == RECEIPT_CODE_LENGTH
    assert codes.entropy_bits(RECEIPT_CODE_LENGTH) > 55
    stored = repr(list(Feedback.objects.values()))
    assert code not in stored and code.replace("-", "") not in stored
    assert find_by_receipt(code).pk == Feedback.objects.get().pk


def test_the_status_shows_each_state_and_never_internal_notes(client, voices):
    code = receipt_code(send(client, voices))
    item = Feedback.objects.get()
    InternalNote.objects.create(feedback=item, author_name="mod", text="SECRET-NOTE")
    first = client.post(voices.url + "status/", {"code": code}).content.decode()
    assert 'id="feedback-status">New<' in first and "SECRET-NOTE" not in first
    item.status = Feedback.Status.FOLLOW_UP
    item.save()
    again = client.post(voices.url + "status/", {"code": code}).content.decode()
    assert 'id="feedback-status">Needs follow-up<' in again


def test_an_untranslated_page_keeps_the_residents_language_in_its_links(
    client, voices, spanish_home
):
    index = client.get("/es/voices/").content.decode()
    assert 'href="/es/voices/send/"' in index and 'href="/es/voices/status/"' in index
    form = client.get("/es/voices/send/").content.decode()
    assert 'action="/es/voices/send/"' in form and 'lang="es"' in form
    status = client.get("/es/voices/status/").content.decode()
    assert 'action="/es/voices/status/"' in status
