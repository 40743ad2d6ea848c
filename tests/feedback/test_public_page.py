"""The Community voices page: published text only, replies beside it, counts suppressed."""

import datetime

import pytest
from django.utils import timezone

from feedback import moderation
from feedback.models import Feedback
from feedback.selectors import public_counts, topic_labels
from feedback.submission import record_feedback
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LAST_MONTH = timezone.localdate().replace(day=1) - datetime.timedelta(days=3)


def publish(items, reply=""):
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.filter(username="mod").first() or make_staff(
        "mod", superuser=True
    )
    for item in items:
        if reply:
            moderation.edit(
                user=moderator, feedback=item, public_text="", masked_names="", reply=reply
            )
    moderation.set_status(user=moderator, items=items, status=Feedback.Status.PUBLISHED)


def feedback(topics, neighborhood=None, *, text="Stopped again", topic="traffic", **kwargs):
    kwargs.setdefault("may_publish", True)
    kwargs.setdefault("submitted_on", LAST_MONTH)
    return record_feedback(
        topic=topics[topic], neighborhood=neighborhood, language="en", text=text, **kwargs
    )[0]


def test_the_page_shows_public_text_and_replies_never_originals(
    client, voices, topics, neighborhoods
):
    secret = "call me at 512-555-0199 or rosa.m@example.org, I live at 42 Oak St"
    shown = feedback(topics, neighborhoods[0], text=f"Checkpoint on Friday. {secret}")
    feedback(topics, text="UNPUBLISHED-ITEM")
    feedback(topics, text="PRIVATE-ITEM", may_publish=False)
    declined = feedback(topics, text="DECLINED-ITEM")
    publish([shown], reply="We asked the sheriff for the checkpoint schedule.")
    moderation.set_status(
        user=make_staff("m2", superuser=True), items=[declined], status="declined"
    )
    html = client.get(voices.url).content.decode()
    assert "Checkpoint on Friday." in html
    assert "We asked the sheriff for the checkpoint schedule." in html
    for hidden in (secret, "512-555-0199", "rosa.m@example.org", "42 Oak St"):
        assert hidden not in html
    for hidden in ("UNPUBLISHED-ITEM", "PRIVATE-ITEM", "DECLINED-ITEM"):
        assert hidden not in html
    assert "Traffic stops" in html and "Area 1" in html


def test_closed_items_stay_published_until_declined(client, voices, topics):
    item = feedback(topics, text="Done and dusted")
    publish([item])
    moderation.set_status(user=make_staff("m", superuser=True), items=[item], status="closed")
    assert "Done and dusted" in client.get(voices.url).content.decode()
    moderation.set_status(user=make_staff("m2", superuser=True), items=[item], status="declined")
    assert "Done and dusted" not in client.get(voices.url).content.decode()


def test_filters_and_pagination(client, voices, topics, neighborhoods):
    voices.per_page = 2
    voices.save_revision().publish()
    items = [
        feedback(topics, neighborhoods[i % 2], text=f"VOICE-{i}-", topic=t)
        for i, t in enumerate(["traffic", "traffic", "language", "traffic", "language"])
    ]
    publish(items)
    first = client.get(voices.url).content.decode()
    assert first.count("VOICE-") == 2 and "page=2" in first
    third = client.get(voices.url + "?page=3").content.decode()
    assert third.count("VOICE-") == 1
    language = client.get(voices.url + "?topic=language").content.decode()
    assert "VOICE-2-" in language and "VOICE-4-" in language and "VOICE-0-" not in language
    area = client.get(voices.url + f"?area={neighborhoods[1].code}").content.decode()
    assert "VOICE-1-" in area and "VOICE-3-" in area and "VOICE-0-" not in area


def test_counts_under_k_are_never_shown(client, voices, topics, neighborhoods):
    # Area 1: 7 traffic + 6 language; Area 2: 2 traffic (under k = 5); no area: 1.
    for _ in range(7):
        feedback(topics, neighborhoods[0])
    for _ in range(6):
        feedback(topics, neighborhoods[0], topic="language")
    for _ in range(2):
        feedback(topics, neighborhoods[1])
    feedback(topics, None, topic="language")
    table = public_counts(k=5, labels=topic_labels("en"))
    rows = {row["label"]: row for row in table.rows}
    codes = [code for code, _ in table.topics]
    area2 = rows["Area 2"]
    assert area2["total"] is None and all(cell is None for cell in area2["cells"])
    # Every number that is shown is 0 or at least k.
    shown = [c for row in table.rows for c in row["cells"] if c is not None]
    shown += [row["total"] for row in table.rows if row["total"] is not None]
    shown += [t for t in table.topic_totals if t is not None]
    assert all(n == 0 or n >= 5 for n in shown)
    # And the hidden Area 2 traffic count (2) cannot be worked out from the totals.
    traffic = codes.index("traffic-stops")
    if table.topic_totals[traffic] is not None and rows["Area 1"]["cells"][traffic] is not None:
        assert table.topic_totals[traffic] - rows["Area 1"]["cells"][traffic] != 2
    html = client.get(voices.url).content.decode()
    assert "What we have heard" in html and ">13<" in html  # Area 1's total


def test_this_months_feedback_is_not_counted_yet(voices, topics, neighborhoods):
    for _ in range(6):
        feedback(topics, neighborhoods[0], submitted_on=timezone.localdate())
    assert public_counts(k=5, labels=topic_labels("en")).rows == []


# The content version, then the page's own: locale, topics, neighborhoods, published
# items and their counts.
VOICES_BUDGET = 8


def test_the_page_has_a_query_budget(
    client, voices, topics, neighborhoods, django_assert_max_num_queries
):
    def add(count):
        items = [feedback(topics, neighborhoods[i % 3], text=f"t{i}") for i in range(count)]
        publish(items, reply="done")

    add(3)
    client.get(voices.url)  # keep its route, as any running server has
    with django_assert_max_num_queries(VOICES_BUDGET) as few:
        client.get(voices.url)
    add(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(voices.url)
