"""Refused releases: every freeze or re-publication that was not stored, as an audit event.

A period's first release can be refused when it is first shown (it partly overlaps a
stored period of the survey, or differs from a stored release of the same days in a way
that would reveal fewer than k people), and an organizer's re-publication can be refused
(the period has not closed, or the differencing intruder still finds a leak). Nothing
is stored then, but organizers must see that it happened: each refusal is an audit
event (cms/audit.py), listed with who, when, why and which period on the page's
Releases screen (surveys/release_views.py). The reason is stored as a code with its
parameters, so it is read in the organizer's language. Like releases, refusals belong to
the survey (its translation key, shared by its translations): a page pointed at another
survey lists that survey's refusals only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext

from cms.audit import record_access, record_command_access
from cms.models import AuditEvent
from cms.results_periods import Period

OVERLAP, DIFFERENCING, OPEN = "overlap", "differencing", "open"
AUTOMATIC = "(automatic)"  # a first release refused when the page was shown


def survey_key(page) -> str:
    """The survey a page's releases belong to: its translation key (as `series` in
    surveys/frozen_releases.py finds them), the same for every translation."""
    return str(page.survey.specific.responses_survey.translation_key)


def record_refusal(page, period, reason: str, params: dict, *, user=None) -> AuditEvent | None:
    """Audit a refused freeze (no `user`: the page was shown) or re-publication. A
    refused freeze is recorded once per page, survey, period and reason, not on every
    view."""
    detail = {
        "survey": survey_key(page),
        "period": period.key,
        "start": period.start.isoformat() if period.start else None,
        "end": period.end.isoformat(),
        "name": period.name,
        "reason": reason,
        "params": {key: str(value) for key, value in params.items()},
        "republication": user is not None,
    }
    action = AuditEvent.Action.REFUSE_RELEASE
    if user is not None:
        return record_access(user=user, action=action, page=page, detail=detail)
    already = AuditEvent.objects.filter(
        action=action,
        page=page,
        username=AUTOMATIC,
        detail__survey=detail["survey"],
        detail__period=period.key,
    )
    if already.filter(detail__reason=reason).exists():
        return None
    return record_command_access(action=action, page=page, detail=detail, username=AUTOMATIC)


def reason_text(reason: str, params: dict) -> str:
    """Why a release was refused, in the reader's language."""
    if reason == OVERLAP:
        return gettext(
            "It partly overlaps another published period of this survey (%(published)s): "
            "subtracting one from the other would reveal the answers of the days between."
        ) % {"published": params.get("published", "")}
    if reason == OPEN:
        return gettext("The period had not closed yet.")
    if params.get("questions"):
        return gettext(
            "Compared with the figures published before for the same days, it would "
            "reveal the answers of fewer than %(k)s people (%(questions)s)."
        ) % {"k": params.get("k", ""), "questions": params["questions"]}
    return gettext(
        "Compared with the figures published before for the same days, it would reveal "
        "the answers of too few people."
    )


@dataclass(frozen=True)
class Refusal:
    at: datetime.datetime
    who: str
    what: str
    period: str
    why: str


def refusals(page, limit: int = 50) -> list[Refusal]:
    """The page's refused freezes and re-publications of its current survey, newest
    first (those of a survey the page showed before are not listed)."""
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.REFUSE_RELEASE, page=page, detail__survey=survey_key(page)
    )
    found = []
    for event in events.order_by("-at", "-pk")[:limit]:
        d = event.detail
        start = datetime.date.fromisoformat(d["start"]) if d.get("start") else None
        period = Period(
            d["period"], start, datetime.date.fromisoformat(d["end"]), d.get("name", "")
        )
        automatic = event.username == AUTOMATIC
        found.append(
            Refusal(
                at=event.at,
                who=gettext("automatic: first showing or hourly upkeep")
                if automatic
                else event.username,
                what=gettext("Re-publication")
                if d.get("republication")
                else gettext("First release"),
                period=period.label,
                why=reason_text(d.get("reason", ""), d.get("params") or {}),
            )
        )
    return found
