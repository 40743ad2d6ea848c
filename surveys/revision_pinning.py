"""Which revision a web response records: one that does not tell the time of day.

A response records the questionnaire revision it answered (BRIEF invariant 2). But an
organizer who publishes a revision at 14:03 that changes nothing would otherwise split
that day's responses into those sent before and after 14:03. So a response records the
earliest revision, among the one live when its day began and those published since,
whose `Questionnaire.meaning` (keys, types, codes, limits, conditions) is the one it
answered: republishing, or changing only wording, help or layout, moves no response to
a new revision. Only a change in what answers mean does, and must (the answers are
stored by it). Called by submission.py for what residents send.
"""

from __future__ import annotations

import datetime
import threading

from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from .questionnaire import Questionnaire, questionnaire_for_analysis

# Worked out once per process and day for each answered revision (the answer never
# changes during the day: revisions published later come after it).
_PINNED: dict[tuple[int, datetime.date], int] = {}
_KEPT = 256
_LOCK = threading.Lock()


def recorded_revision_id(
    questionnaire: Questionnaire, *, today: datetime.date | None = None
) -> int:
    """The revision a response to `questionnaire` (as answered) records (see the module)."""
    answered = questionnaire.revision_id
    today = today or timezone.localdate()
    key = (answered, today)
    with _LOCK:
        pinned = _PINNED.get(key)
    if pinned is None:
        pinned = _earliest_alike(questionnaire, today)
        with _LOCK:
            while len(_PINNED) >= _KEPT:
                del _PINNED[next(iter(_PINNED))]
            _PINNED[key] = pinned
    return pinned


def _earliest_alike(questionnaire: Questionnaire, today: datetime.date) -> int:
    answered = Revision.objects.filter(pk=questionnaire.revision_id).only("object_id").first()
    if answered is None:
        return questionnaire.revision_id
    day_began = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    published = PageLogEntry.objects.filter(
        page_id=int(answered.object_id), action="wagtail.publish", revision__isnull=False
    )
    live_when_day_began = (
        published.filter(timestamp__lt=day_began).order_by("-timestamp", "-pk").first()
    )
    since = published.filter(timestamp__gte=day_began).order_by("timestamp", "pk")
    candidates = [entry.revision_id for entry in since]
    if live_when_day_began is not None:
        candidates.insert(0, live_when_day_began.revision_id)
    if questionnaire.revision_id not in candidates:
        return questionnaire.revision_id  # a form from before the day: nothing to hide
    earlier = candidates[: candidates.index(questionnaire.revision_id)]
    revisions = Revision.objects.in_bulk(earlier)
    for revision_id in earlier:
        revision = revisions.get(revision_id)
        if revision is not None and (
            questionnaire_for_analysis(revision).meaning == questionnaire.meaning
        ):
            return revision_id
    return questionnaire.revision_id


def forget_pinned() -> None:
    """Drop what was worked out (tests that rewrite history use this)."""
    with _LOCK:
        _PINNED.clear()


def meaning_changes_today(
    page, proposed: Questionnaire, *, today: datetime.date | None = None
) -> int:
    """How many times what answers mean would have changed today on `page` if
    `proposed` were published now (the revision live when the day began counts as the
    day's first meaning)."""
    today = today or timezone.localdate()
    day_began = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    published = PageLogEntry.objects.filter(
        page_id=page.pk, action="wagtail.publish", revision__isnull=False
    )
    start = published.filter(timestamp__lt=day_began).order_by("-timestamp", "-pk").first()
    since = list(published.filter(timestamp__gte=day_began).order_by("timestamp", "pk"))
    ids = ([start.revision_id] if start else []) + [entry.revision_id for entry in since]
    revisions = Revision.objects.in_bulk(ids)
    meanings = [questionnaire_for_analysis(revisions[i]).meaning for i in ids if i in revisions]
    meanings.append(proposed.meaning)
    return sum(1 for a, b in zip(meanings, meanings[1:], strict=False) if a != b)
