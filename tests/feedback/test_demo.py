"""The demo shows community feedback: topics in two languages, the page, a reply."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import Feedback, Topic
from feedback.pages import CommunityVoicesPage

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_community_voices_page_with_a_reply(
    client, django_capture_on_commit_callbacks
):
    for _ in range(2):  # idempotent
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", "--no-responses", stdout=StringIO())
    page = CommunityVoicesPage.objects.get(locale__language_code="en")
    assert Topic.objects.filter(locale__language_code="es", name="Paradas de tráfico").exists()
    assert Feedback.objects.filter(status="published").exclude(reply="").count() >= 1
    count = Feedback.objects.count()
    html = client.get(page.url).content.decode()
    assert "interpreter line" in html and "512-555-0143" not in html
    spanish = client.get(page.url.replace("/en/", "/es/", 1) + "send/")
    assert spanish.status_code == 200 and "Paradas de tráfico" in spanish.content.decode()
    # The page itself is in Spanish too: its title and introduction.
    assert "Voces de la comunidad" in spanish.content.decode()
    assert Feedback.objects.count() == count
