"""When staff see new responses and used invitation codes: in releases.

A resident's response, and the use of the invitation code that admitted it, reach staff
only in a *release*: after the day it was sent has closed, together with at least k
others of its neighborhood (k is the survey's smallest publishable count). An organizer
who watches the responses list, the results, the invitation counts or the sheet of
unused codes therefore never sees one response or one used code appear on its own, and
cannot tell which code admitted which response (BRIEF invariant 1).

Responses and codes are released separately, each by the same rule; "no neighborhood"
is a neighborhood of its own. A group that never reaches k is never released, not even
when the survey closes (a neighborhood of one household would name it): its responses
are kept, and only `manage.py release_remaining`, run from the server's shell and
audited, can show them. Partial responses ("continue later") are never released: they
are still the resident's, and one that vanished from a list when completed would date
its completion. The codes of one release are all given the release's last day, so not
even the database keeps the day each one was used. Responses that staff
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
    waiting = Response.objects.filter(
        survey=survey,
        status=Response.Status.COMPLETE,
        released=False,
        submitted_on__lt=today,
    )
    groups = _ready_groups(waiting, survey.small_cell_threshold)
    if not groups:
        return 0
    return _mark_released(list(waiting.filter(_in_groups(groups)).values_list("pk", flat=True)))


def _mark_released(ids: list) -> int:
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        Answer.objects.filter(response_id__in=chunk).update(released=True)
        Response.objects.filter(pk__in=chunk).update(released=True)
    return len(ids)


def release_remaining(survey: SurveyPage, *, today: datetime.date | None = None) -> int:
    """Release every complete response of a survey closed before `today`, whatever the
    size of its neighborhood (`manage.py release_remaining`: a decision for whoever
    holds the database anyway, never the admin's)."""
    original = survey.responses_survey
    today = today or _today()
    if not original.closes_at or timezone.localdate(original.closes_at) >= today:
        raise ValueError("Only a survey that closed before today has responses to release.")
    waiting = Response.objects.filter(
        survey=original, status=Response.Status.COMPLETE, released=False
    )
    with transaction.atomic():
        count = _mark_released(list(waiting.values_list("pk", flat=True)))
    if count:
        responses_changed(original.pk)
    return count


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
