"""The moderation queue: who reaches it, filters, edits, bulk actions and the audit log."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cms.models import AuditEvent
from feedback import admin_urls
from feedback.exports import feedback_rows
from feedback.models import ContactDetail, Feedback, InternalNote
from feedback.submission import record_feedback
from tests.factories import make_staff

from .conftest import role

pytestmark = pytest.mark.django_db

ORIGINAL = "They took my brother at 123 Main St, call 512-555-0199"


def moderation_urls(item_key) -> list[str]:
    """Every moderation URL, discovered from the namespace (new views join the checks)."""
    urls = []
    for pattern in admin_urls.urlpatterns:
        kwargs = {"key": item_key} if "key" in pattern.pattern.converters else {}
        urls.append(reverse(f"feedback_admin:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.fixture
def item(topics, neighborhoods):
    feedback, _ = record_feedback(
        topic=topics["traffic"],
        neighborhood=neighborhoods[0],
        language="en",
        text=ORIGINAL,
        may_publish=True,
        contact="maria@example.org",
    )
    return feedback


def test_anonymous_visitors_are_sent_to_sign_in(client, item):
    for url in moderation_urls(item.key):
        result = client.get(url)
        assert result.status_code == 302 and result["Location"].startswith("/accounts/login/"), url
    assert client.post(reverse("feedback_admin:bulk"), {"ids": [item.key]}).status_code == 302
    assert Feedback.objects.get().status == "new"


def test_analysts_see_no_queue_no_originals_no_contacts(client, item):
    client.force_login(role("Analyst", "ana"))
    for url in moderation_urls(item.key):
        result = client.get(url)
        assert result.status_code in (302, 403), url
        assert "512-555-0199" not in result.content.decode()
        assert "maria@example.org" not in result.content.decode()
    result = client.post(reverse("feedback_admin:bulk"), {"ids": [item.key], "status": "closed"})
    assert result.status_code in (302, 403) and result.get("Location", "/admin/") == "/admin/"
    assert ContactDetail.objects.exists() and Feedback.objects.get().status == "new"
    assert "/admin/feedback/" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("name", ["Moderator", "Organizer"])
def test_moderators_and_organizers_read_originals_and_contacts(client, item, name):
    client.force_login(role(name, "mod"))
    queue = client.get("/admin/feedback/").content.decode()
    assert f"/admin/feedback/{item.key}/" in queue
    assert "512-555-0199" not in queue  # the queue shows masked text
    detail = client.get(f"/admin/feedback/{item.key}/").content.decode()
    assert ORIGINAL in detail and "maria@example.org" in detail
    assert "[phone removed]" in detail and "[address removed]" in detail
    event = AuditEvent.objects.get(action=AuditEvent.Action.MODERATE)
    assert event.username == "mod" and event.detail["did"] == "view"
    assert event.detail["feedback"] == [str(item.key)]


def test_a_moderator_masks_what_the_scrubber_missed_and_publishes(client, item, voices):
    client.force_login(role("Moderator", "mod"))
    missed = "They took my brother at [address removed], ring five one two, ask Rosa"
    result = client.post(
        f"/admin/feedback/{item.key}/",
        {
            "public_text": missed.replace("ring five one two, ", ""),
            "masked_names": "Rosa",
            "reply": "We raised it with the city council.",
            "note": "Followed up by phone.",
            "status": "published",
        },
    )
    assert result.status_code == 302
    item.refresh_from_db()
    assert item.status == "published" and item.published_on == datetime.date.today()
    assert item.public_text == "They took my brother at [address removed], ask [name removed]"
    assert item.text == ORIGINAL  # the original is kept as sent
    assert InternalNote.objects.get().text == "Followed up by phone."
    public = client.get(voices.url).content.decode()
    assert "ask [name removed]" in public and "We raised it with the city council." in public
    assert ORIGINAL not in public and "512-555-0199" not in public and "Rosa" not in public
    assert "Followed up by phone." not in public
    did = list(AuditEvent.objects.values_list("detail__did", flat=True))
    assert "edit" in did and "status:published" in did


def test_a_typed_phone_number_is_masked_again_on_save(client, item):
    client.force_login(role("Moderator", "mod"))
    client.post(f"/admin/feedback/{item.key}/", {"public_text": "call (512) 555-0100 now"})
    item.refresh_from_db()
    assert item.public_text == "call [phone removed] now"


def test_feedback_the_resident_kept_private_cannot_be_published(client, topics):
    private, _ = record_feedback(topic=topics["traffic"], language="en", text="private")
    client.force_login(role("Moderator", "mod"))
    client.post(f"/admin/feedback/{private.key}/", {"status": "published"}, follow=True)
    private.refresh_from_db()
    assert private.status == "new" and private.published_on is None


def make_items(topics, neighborhoods):
    made = []
    for i, (topic, area, lang, day) in enumerate(
        [
            ("traffic", 0, "en", datetime.date(2026, 1, 5)),
            ("traffic", 1, "es", datetime.date(2026, 2, 5)),
            ("language", 1, "es", datetime.date(2026, 3, 5)),
            ("language", None, "en", datetime.date(2026, 3, 6)),
        ]
    ):
        feedback, _ = record_feedback(
            topic=topics[topic],
            neighborhood=neighborhoods[area] if area is not None else None,
            language=lang,
            text=f"item number {i}",
            may_publish=True,
            submitted_on=day,
        )
        made.append(feedback)
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=traffic-stops", [0, 1]),
        ("language=es", [1, 2]),
        ("neighborhood={area}", [1, 2]),
        ("submitted_on_from=2026-03-01", [2, 3]),
        ("submitted_on_to=2026-01-31", [0]),
        ("status=new", [0, 1, 2, 3]),
        ("status=closed", []),
    ],
)
def test_queue_filters(client, topics, neighborhoods, query, expected):
    items = make_items(topics, neighborhoods)
    client.force_login(role("Moderator", "mod"))
    html = client.get("/admin/feedback/?" + query.format(area=neighborhoods[1].pk)).content.decode()
    shown = [i for i, item in enumerate(items) if f"/admin/feedback/{item.key}/" in html]
    assert shown == expected


def test_bulk_actions_change_many_and_are_audited(client, topics, neighborhoods):
    items = make_items(topics, neighborhoods)
    ContactDetail.objects.create(
        feedback=items[0], contact="x", delete_on=datetime.date(2030, 1, 1)
    )
    client.force_login(role("Moderator", "mod"))
    ids = [items[0].key, items[1].key]
    result = client.post(reverse("feedback_admin:bulk"), {"ids": ids, "status": "closed"})
    assert result.status_code == 302
    assert set(Feedback.objects.filter(status="closed").values_list("key", flat=True)) == set(ids)
    assert not ContactDetail.objects.exists()
    event = AuditEvent.objects.get(detail__did="status:closed")
    assert sorted(event.detail["feedback"]) == sorted(str(key) for key in ids)
    client.post(reverse("feedback_admin:bulk"), {"ids": [items[2].key], "status": "published"})
    items[2].refresh_from_db()
    assert items[2].status == "published" and items[2].public_text == "item number 2"


@pytest.mark.parametrize(
    "data",
    [{"ids": ["x"], "status": "closed"}, {"status": "closed"}, {"ids": ["1"], "status": "zap"}],
)
def test_bad_bulk_actions_change_nothing(client, topics, neighborhoods, data):
    make_items(topics, neighborhoods)
    client.force_login(role("Moderator", "mod"))
    result = client.post(reverse("feedback_admin:bulk"), data, follow=True)
    assert result.status_code == 200
    assert set(Feedback.objects.values_list("status", flat=True)) == {"new"}
    assert not AuditEvent.objects.filter(detail__did__startswith="status").exists()


def test_admin_counts_by_topic_neighborhood_and_month(client, topics, neighborhoods):
    make_items(topics, neighborhoods)
    client.force_login(role("Organizer", "org"))
    html = client.get("/admin/feedback/counts/").content.decode()
    for month in ("2026-01", "2026-02", "2026-03"):
        assert month in html
    assert "Traffic stops" in html and "Language access" in html


def test_topics_and_neighborhoods_with_feedback_cannot_be_deleted(client, item, staff):
    client.force_login(staff)
    topic, area = item.topic, item.neighborhood
    for url in (
        f"/admin/snippets/feedback/topic/delete/{topic.pk}/",
        f"/admin/snippets/cms/neighborhood/delete/{area.pk}/",
    ):
        result = client.post(url, follow=True)
        assert result.status_code == 200, url
        assert "Not deleted: 1 items of community feedback" in result.content.decode()
    assert Feedback.objects.filter(topic=topic, neighborhood=area).exists()


def test_moderators_need_a_second_factor(client, item, settings):
    settings.REQUIRE_MFA = True
    moderator = make_staff("nomfa", mfa=False)
    moderator.groups.add(Group.objects.get(name="Moderator"))
    client.force_login(moderator)
    result = client.get("/admin/feedback/")
    assert result.status_code == 302 and result["Location"] == "/accounts/2fa/enrol/"


def test_items_are_known_by_random_keys_not_by_their_order(client, topics):
    moderator = make_staff("mod")
    moderator.groups.add(Group.objects.get(name="Moderator"))
    items = [
        record_feedback(topic=topics["traffic"], language="en", text=f"item {i}")[0]
        for i in range(12)
    ]
    client.force_login(moderator)
    queue = client.get("/admin/feedback/").content.decode()
    for item in items:
        assert f"/admin/feedback/{item.key}/" in queue and f"#{item.reference}" in queue
        assert f"/admin/feedback/{item.pk}/" not in queue
    listed = [str(item.key) for item in client.get("/admin/feedback/").context["items"]]
    assert listed == sorted(str(item.key) for item in items)  # one day: in key order
    header, *rows = list(feedback_rows(include_original=True))
    assert {row[header.index("id")] for row in rows} == {str(item.key) for item in items}
