"""The demo's community feedback: topics in English and Spanish, the Community voices
page, and a few items, one published with a reply ("you said, we did")."""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Locale

from cms.models import HomePage, Neighborhood

TOPICS = [
    ("traffic-stops", "Traffic stops", "Paradas de tráfico"),
    ("calling-police", "Calling the police", "Llamar a la policía"),
    ("language-access", "Language access", "Acceso en su idioma"),
    ("know-your-rights", "Know-your-rights help", "Ayuda sobre sus derechos"),
]
# (topic, neighborhood, language, text, reply or None for unpublished)
ITEMS = [
    (
        "language-access",
        "riverside",
        "es",
        "En la estación de policía nadie habla español y no pude poner la denuncia.",
        "We asked the police department for Spanish-speaking staff at the front desk; "
        "since March an interpreter line is available at every station.",
    ),
    (
        "traffic-stops",
        "la-loma",
        "en",
        "Three stops on Lopez Road in one week, always the same corner by the school.",
        "We shared the pattern with the city council's public safety committee.",
    ),
    (
        "know-your-rights",
        "eastfield",
        "en",
        "Can you run a know-your-rights session at the church? Call me at 512-555-0143.",
        None,
    ),
    ("calling-police", None, "es", "Mi vecina no llama a la policía por miedo.", None),
]
# Unpublished items for the counts: (topic, neighborhood, how many), spread over months.
BACKGROUND = [
    ("traffic-stops", "riverside", 14),
    ("traffic-stops", "la-loma", 11),
    ("calling-police", "riverside", 12),
    ("language-access", "la-loma", 10),
    ("language-access", "harbor-flats", 3),
]


def ensure_topics():
    from feedback.models import Topic

    spanish = Locale.objects.get_or_create(language_code="es")[0]
    default = Locale.get_default()
    topics = {}
    for order, (code, name, nombre) in enumerate(TOPICS):
        topic = Topic.objects.filter(code=code, locale=default).first()
        if topic is None:
            topic = Topic.objects.create(code=code, name=name, sort_order=order, locale=default)
        if not Topic.objects.filter(translation_key=topic.translation_key, locale=spanish).exists():
            translated = topic.copy_for_translation(spanish)
            translated.name = nombre
            translated.save()
        topics[code] = topic
    return topics


def ensure_feedback(home: HomePage) -> int:
    """The page and the demo feedback; returns how many items were added (0 on a rerun)."""
    from feedback import moderation
    from feedback.models import Feedback
    from feedback.pages import CommunityVoicesPage
    from feedback.submission import record_feedback

    topics = ensure_topics()
    if not CommunityVoicesPage.objects.child_of(home).exists():
        page = CommunityVoicesPage(
            title="Community voices",
            slug="voices",
            show_in_menus=True,
            intro=(
                "<p>What residents told us that our surveys did not ask, and what we did "
                "about it.</p>"
            ),
            form_intro="<p>Tell us about police stops, calling for help, language access "
            "or anything else. You do not need to give your name.</p>",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    if Feedback.objects.exists():
        return 0
    areas = {n.code: n for n in Neighborhood.objects.all()}
    month_start = timezone.localdate().replace(day=1)
    added = 0
    for index, (code, area, count) in enumerate(BACKGROUND):
        for i in range(count):
            day = month_start - datetime.timedelta(days=3 + (i * 11 + index * 5) % 80)
            record_feedback(
                topic=topics[code],
                neighborhood=areas.get(area),
                language="es" if i % 3 else "en",
                text="(demo feedback)",
                submitted_on=day,
            )
            added += 1
    published = []
    for i, (code, area, language, text, reply) in enumerate(ITEMS):
        item, _ = record_feedback(
            topic=topics[code],
            neighborhood=areas.get(area) if area else None,
            language=language,
            text=text,
            may_publish=True,
            contact="(demo contact)" if reply is None else "",
            submitted_on=month_start - datetime.timedelta(days=10 + i),
        )
        added += 1
        if reply:
            item.reply = reply
            item.replied_on = month_start - datetime.timedelta(days=2)
            item.save()
            published.append(item)
    # As a moderator would: masked public text, publication day.
    for item in published:
        item.public_text = moderation.masked_text(item)
        item.status = Feedback.Status.PUBLISHED
        item.published_on = month_start - datetime.timedelta(days=1)
        item.save()
    return added
