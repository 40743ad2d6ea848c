"""Reading feedback: topics in a language, what the public may see, and public counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.models import Locale

# The one disclosure rule and its intruder, shared with survey results (docs/privacy.md).
from surveys.disclosure.tables import protect_counts

from .models import Feedback, Topic

NOT_GIVEN = "—"


def _locale_ids(language: str) -> list[int]:
    """The locale of `language` first, then the default one."""
    default = Locale.get_default()
    wanted = Locale.objects.filter(language_code=language).values_list("pk", flat=True).first()
    return [pk for pk in (wanted, default.pk) if pk is not None]


def topics_in(language: str) -> list[Topic]:
    """One topic per code, labelled in `language` where translated, else in the default."""
    locale_ids = _locale_ids(language)
    chosen: dict[str, Topic] = {}
    rows = sorted(
        Topic.objects.filter(locale_id__in=locale_ids).select_related("locale"),
        key=lambda t: locale_ids.index(t.locale_id),
    )
    for topic in rows:
        chosen.setdefault(topic.code, topic)
    return sorted(chosen.values(), key=lambda t: (t.sort_order, t.name))


def topic_labels(language: str) -> dict[str, str]:
    return {topic.code: topic.name for topic in topics_in(language)}


def topic_for_code(code: str, language: str) -> Topic | None:
    return next((t for t in topics_in(language) if t.code == code), None)


def public_feedback() -> QuerySet[Feedback]:
    """What a public page may list: published items the resident let us publish (still
    listed once closed: "you said, we did" is most useful after the work is done)."""
    return (
        Feedback.objects.filter(
            status__in=Feedback.PUBLIC_STATUSES, may_publish=True, published_on__isnull=False
        )
        .exclude(public_text="")
        .select_related("topic", "neighborhood")
        .only(
            "pk",
            "key",
            "public_text",
            "reply",
            "reply_language",
            "replied_on",
            "published_on",
            "language",
            "topic__code",
            "topic__name",
            "neighborhood__name",
            "neighborhood__code",
        )
        .order_by("-published_on", "key")
    )


def counts_until() -> datetime.date:
    """Public counts cover whole months before this one, so that nobody can watch a
    count change as one more person writes in."""
    return timezone.localdate().replace(day=1)


@dataclass
class CountTable:
    """Feedback received by neighborhood × topic, with what a public page must hide."""

    topics: list[tuple[str, str]]  # (code, label)
    rows: list[dict] = field(default_factory=list)  # {"label", "cells": [int|None], "total"}
    topic_totals: list[int | None] = field(default_factory=list)
    until: datetime.date | None = None


def public_counts(
    *, k: int, labels: dict[str, str], until: datetime.date | None = None
) -> CountTable:
    """Counts of feedback received (declined items left out) by neighborhood and topic,
    with the survey results' small-cell suppression: None where a number is hidden.
    `labels` names topics by code (see `topic_labels`)."""
    until = until or counts_until()
    grouped = (
        Feedback.objects.filter(submitted_on__lt=until)
        .exclude(status=Feedback.Status.DECLINED)
        .values("neighborhood__code", "neighborhood__name", "topic__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table: dict = {}
    names: dict = {}
    for row in grouped:
        key = row["neighborhood__code"]  # None: no neighborhood given
        names[key] = row["neighborhood__name"]
        table.setdefault(key, {})[row["topic__code"]] = row["n"]
    codes = sorted({c for cells in table.values() for c in cells}, key=lambda c: labels.get(c, c))
    result = CountTable(topics=[(c, labels.get(c, c)) for c in codes], until=until)
    if not table:
        return result
    # Items without a neighborhood count in topic totals but in no published row.
    hidden = protect_counts(table, k, unprinted_rows=[None] if None in table else [])
    k = max(k, 5)
    for key in sorted((key for key in table if key is not None), key=lambda key: names[key]):
        total = sum(table[key].values())
        row_hidden = key in hidden.rows
        result.rows.append(
            {
                "label": names[key],
                "cells": [None if hidden.hides(key, c) else table[key].get(c, 0) for c in codes],
                "total": None if row_hidden else total,
            }
        )
    for c in codes:
        total = sum(table[key].get(c, 0) for key in table)
        # A city-wide topic total under k is a small number too.
        result.topic_totals.append(None if c in hidden.columns or 0 < total < k else total)
    return result


def admin_counts(*, since=None, until=None) -> list[dict]:
    """Feedback by topic × neighborhood × month, unsuppressed, for staff."""
    queryset = Feedback.objects.all()
    if since:
        queryset = queryset.filter(submitted_on__gte=since)
    if until:
        queryset = queryset.filter(submitted_on__lte=until)
    return list(
        queryset.annotate(month=TruncMonth("submitted_on"))
        .values("month", "topic__code", "neighborhood__name")
        .annotate(
            n=Count("pk"),
            published=Count("pk", filter=Q(status=Feedback.Status.PUBLISHED)),
        )
        .order_by("month", "topic__code", "neighborhood__name")
    )
