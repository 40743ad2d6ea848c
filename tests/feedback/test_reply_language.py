"""Issue 19, Residents 6: an organizer's reply says which language it is in. It starts as
the language of the moderator's admin interface (else the site's default), can be chosen
in the admin, and the public page marks each reply with `lang` (and `dir`)."""

import re

import pytest
from wagtail.users.models import UserProfile

from feedback.models import Feedback
from feedback.submission import record_feedback

from .conftest import role

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(topics, neighborhoods):
    feedback, _ = record_feedback(
        topic=topics["traffic"],
        neighborhood=neighborhoods[0],
        language="es",
        text="Nos pararon otra vez cerca de la escuela.",
        may_publish=True,
    )
    return feedback


def selected_language(html: str) -> str:
    select = re.search(r'<select name="reply_language".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w+)"[^>]*selected', select).group(1)


def reply_block(html: str, text: str) -> str:
    """The opening tag of the element holding the reply `text`."""
    end = html.index(text)
    return html[html.rindex("<div", 0, end) : end]


def moderate(client, item, **fields):
    data = {"public_text": "", "masked_names": "", "reply": "", "note": "", **fields}
    return client.post(f"/admin/feedback/{item.key}/", data)


def test_a_new_reply_starts_in_the_moderators_interface_language(client, item):
    moderator = role("Moderator", "mod")
    client.force_login(moderator)
    assert selected_language(client.get(f"/admin/feedback/{item.key}/").content.decode()) == "en"
    profile = UserProfile.get_for_user(moderator)
    profile.preferred_language = "es"
    profile.save()
    page = client.get(f"/admin/feedback/{item.key}/").content.decode()
    assert selected_language(page) == "es"
    # Each language is named in its own language.
    assert re.search(r'<option value="ar" lang="ar"', page)


def test_the_chosen_language_marks_the_reply_on_the_public_pages(client, item, voices):
    client.force_login(role("Moderator", "mod"))
    reply = "Pedimos al alguacil el horario de los retenes."
    result = moderate(client, item, reply=reply, reply_language="es", status="published")
    assert result.status_code == 302
    item.refresh_from_db()
    assert item.reply_language == "es"
    # An English reader: the reply says it is Spanish; the labels stay English.
    public = client.get(voices.url).content.decode()
    assert 'lang="es" dir="ltr"' in reply_block(public, reply)

    arabic = "طلبنا من الشريف جدول نقاط التفتيش."
    assert moderate(client, item, reply=arabic, reply_language="ar").status_code == 302
    public = client.get(voices.url).content.decode()
    assert 'lang="ar" dir="rtl"' in reply_block(public, arabic)
    assert selected_language(client.get(f"/admin/feedback/{item.key}/").content.decode()) == "ar"


def test_replies_written_before_the_field_are_in_the_default_language(client, item, voices):
    client.force_login(role("Moderator", "mod"))
    moderate(client, item, reply="We raised it with the council.", status="published")
    Feedback.objects.filter(pk=item.pk).update(reply_language="")
    public = client.get(voices.url).content.decode()
    assert 'lang="en" dir="ltr"' in reply_block(public, "We raised it with the council.")


def test_an_unknown_reply_language_is_refused(client, item):
    client.force_login(role("Moderator", "mod"))
    result = moderate(client, item, reply="Hello", reply_language="xx")
    assert result.status_code == 400
    item.refresh_from_db()
    assert item.reply == "" and item.reply_language == ""
