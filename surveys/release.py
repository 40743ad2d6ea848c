"""When staff see new responses and used invitation codes: in releases.

A resident's response, and the use of the invitation code that admitted it, reach staff
only in a *release*: after the day it was sent has closed, together with at least k
others of its neighborhood (k is the survey's smallest publishable count). An organizer
who watches the responses list, the results, the invitation counts or the sheet of
unused codes therefore never sees one response or one used code appear on its own, and
cannot tell which code admitted which response (BRIEF invariant 1).

Responses and codes are released separately, each by the same rule; "no neighborhood"
is a neighborhood of its own. Once a survey has closed, the day after, its last
responses are released whatever their number (no code can be tried any more); the use
of its last few codes stays unknown. The codes of one release are all given the release's last
day, so not even the database keeps the day each one was used. Responses that staff
entered themselves (paper) are released as they are entered: whoever typed them holds
the paper. Releases happen the first time anyone looks on a day (`release_due`, from
every view and command that shows responses or codes) and by `manage.py upkeep`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from .invitations import InvitationCode
from .models import Answer, Response, SurveyPage
from .response_version import responses_changed

BATCH = 500  # ids per UPDATE


def _today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Released:
    responses: int = 0
    codes: int = 0


def release_due(survey: SurveyPage, *, today: datetime.date | None = None) -> Released:
    """Release what is due for `survey` (in every language); at most once a day.

    Nothing sent today is due: what counts for a release changes only when a day
    closes, so one look a day is enough.
    """
    original = survey.responses_survey
    today = today or _today()
    checked = f"release:{original.pk}:{today.isoformat()}"
    if cache.get(checked):
        return Released()
    with transaction.atomic():
        released = Released(
            responses=_release_responses(original, today),
            codes=_release_codes(original, today),
        )
    cache.set(checked, True, timeout=26 * 60 * 60)
    if released.responses:
        responses_changed(original.pk)
    return released


def release_all_due(*, today: datetime.date | None = None) -> Released:
    """Release what is due for every survey (`manage.py upkeep`)."""
    total = Released()
    for survey in SurveyPage.objects.originals():
        done = release_due(survey, today=today)
        total = Released(total.responses + done.responses, total.codes + done.codes)
    return total


def _ready_groups(waiting: QuerySet, k: int) -> list:
    """The neighborhoods (None: no neighborhood) with at least `k` items waiting."""
    counts = waiting.order_by().values("neighborhood").annotate(n=Count("pk"))
    return [row["neighborhood"] for row in counts if row["n"] >= k]


def _in_groups(groups: list) -> Q:
    named = [group for group in groups if group is not None]
    q = Q(neighborhood__in=named)
    if None in groups:
        q |= Q(neighborhood__isnull=True)
    return q


def _release_responses(survey: SurveyPage, today: datetime.date) -> int:
    waiting = Response.objects.filter(survey=survey, released=False, submitted_on__lt=today)
    groups = _ready_groups(
        waiting, 1 if _closed_before(survey, today) else survey.small_cell_threshold
    )
    if not groups:
        return 0
    ids = list(waiting.filter(_in_groups(groups)).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        Answer.objects.filter(response_id__in=chunk).update(released=True)
        Response.objects.filter(pk__in=chunk).update(released=True)
    return len(ids)


def _closed_before(survey: SurveyPage, today: datetime.date) -> bool:
    """Whether `survey` stopped taking answers before `today`: then the last few
    responses of a neighborhood are released too (no code can be tried any more), though
    the use of the last few codes stays unknown."""
    return bool(survey.closes_at) and timezone.localdate(survey.closes_at) < today


def _release_codes(survey: SurveyPage, today: datetime.date) -> int:
    waiting = InvitationCode.objects.filter(survey=survey, released=False, redeemed_on__lt=today)
    released = 0
    for group in _ready_groups(waiting, survey.small_cell_threshold):
        batch = waiting.filter(_in_groups([group]))
        last_day = batch.aggregate(last=Max("redeemed_on"))["last"]
        released += batch.update(released=True, redeemed_on=last_day)
    return released


# --- what staff see ---------------------------------------------------------------------


def shown_responses(survey: SurveyPage) -> QuerySet[Response]:
    """`survey`'s responses (in every language) that staff may see: released ones."""
    return Response.objects.filter(survey=survey.responses_survey, released=True)
