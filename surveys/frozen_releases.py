"""Frozen releases: a survey's published figures for a period, stored once it closes.

A public results page (cms/results_page.py) shows closed periods only
(cms/results_periods.py). The first time a closed period is asked for by any page of
the survey (or any translation of one), or at `manage.py upkeep` (run hourly), its
figures are computed once and stored as a `ResultsRelease`. A release belongs to the
survey (the original of its translations), the period's days and the published
settings (questions and weighting), not to a page: every page and translation showing
the same days with the same settings reads the same release, so no language or copy of
the page shows other figures. A response released later (its neighborhood's batch
reached k after the period closed), a back-dated paper row, an erased response: none
changes a published figure, so no one can subtract two versions of a page to read them.

A period whose days partly overlap (neither the same days nor apart; one holding the
other counts) the days of a stored release of the same survey is refused: nothing is
stored, the page says the period is not published and why, and the refusal is an
audit event listed on the page's Releases screen (surveys/release_refusals.py).

Organizers re-publish a period deliberately (surveys/release_views.py). The new figures
are then attacked with the differencing intruder (surveys/disclosure/differencing.py)
against every earlier release of the same survey and days, whatever its settings — so
release 3 cannot be subtracted from release 1 either; a first release with other
questions or weighting than a stored one of the same days is attacked the same way.
Rows whose difference the intruder pins within 1..k−1 (or −(k−1)..−1, answers erased)
are hidden in the new release, and if hiding does not settle it within a few rounds the
re-publication (or the first release) is refused, and audited likewise. Every release
is kept: `number`
counts them per survey, days and settings. Freezes and re-publications of one survey
lock its row, so each sees every release stored before it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from .release_figures import compute
from .release_refusals import DIFFERENCING, OPEN, OVERLAP, record_refusal

DIFFERENCING_ROUNDS = 4
logger = logging.getLogger(__name__)


class ResultsRelease(models.Model):
    """The stored public figures of one results page for one period: never edited."""

    page = models.ForeignKey(
        "cms.ResultsPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="releases",
        verbose_name=_("results page"),
    )
    page_title = models.CharField(_("page title"), max_length=255)  # kept if the page goes
    survey = models.ForeignKey(
        "surveys.SurveyPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("survey")
    )
    period = models.CharField(_("period"), max_length=40)  # the first page's key for it
    # The days, "first..last": a release belongs to the survey, these days and the
    # published settings, shared by every page and translation that shows them.
    span = models.CharField(_("days"), max_length=24, default="")
    period_name = models.CharField(_("period name"), max_length=80, blank=True)
    starts_on = models.DateField(_("first day"), null=True, blank=True)
    ends_on = models.DateField(_("last day"))
    number = models.PositiveIntegerField(_("release"), default=1)
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    published_keys = models.TextField(_("questions and indices"))
    weighting = models.CharField(_("weighting"), max_length=20)
    # What the page prints: total responses, k, and the public questions.
    figures = models.JSONField(_("public figures"))
    # What the intruder needs to attack the next release: not public.
    audit = models.JSONField(_("audit data"))
    # Rows hidden so that this release could not be subtracted from the one before.
    hidden = models.JSONField(_("rows hidden against differencing"), default=dict)

    class Meta:
        app_label = "surveys"
        ordering = ["survey", "span", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "span", "published_keys", "weighting", "number"],
                name="one_release_number_per_survey_period",
            )
        ]
        verbose_name = _("results release")

    def __str__(self) -> str:
        return f"{self.page_title} · {self.period} · {self.number}"


class RepublicationRefused(Exception):
    """A re-publication that would reveal the answers added since an earlier release;
    `reason` and `params` say why (surveys/release_refusals.py)."""

    def __init__(self, message: str, reason: str = "", **params):
        super().__init__(message)
        self.reason, self.params = reason, params


class FreezeRefused(Exception):
    """A period whose first release is not stored: the page says so, in the reader's
    language (`message`), and the refusal is audited (release_refusals.py)."""

    def __init__(self, reason: str, **params):
        super().__init__(reason, params)
        self.reason, self.params = reason, params

    def message(self) -> str:
        if self.reason == OVERLAP:
            return gettext(
                "The figures of this period are not published: it overlaps another "
                "published period of this survey (%(published)s) without being the same, "
                "and subtracting one from the other would reveal the answers of the days "
                "between."
            ) % {"published": self.params.get("published", "")}
        return gettext(
            "The figures of this period are not published: compared with figures already "
            "published for the same period, they would reveal the answers of too few people."
        )


def span_of(period) -> str:
    """The days of a period as stored: the same for every page showing them."""
    return f"{period.start or ''}..{period.end}"


def survey_of(page):
    return page.survey.specific.responses_survey


def series(page, period):
    """The releases of `period` of the page's survey with the page's published settings:
    every page and every translation showing them shares these."""
    from wagtail.models import Page

    # The survey's translations (and aliases) share its translation key: found in the
    # same query as the releases, without reading the survey first.
    keys = Page.objects.filter(
        models.Q(pk=page.survey_id) | models.Q(aliases__pk=page.survey_id)
    ).values("translation_key")
    return ResultsRelease.objects.filter(
        survey__translation_key__in=keys,
        span=span_of(period),
        published_keys=" ".join(page.keys),
        weighting=page.weighting,
    )


def current_release(page, period) -> ResultsRelease | None:
    return series(page, period).order_by("-number").first()


def _store(page, period, number: int, figures, audit, *, user=None, hidden=None):
    return ResultsRelease.objects.create(
        page=page,
        page_title=page.title,
        survey=survey_of(page),
        period=period.key,
        span=span_of(period),
        period_name=period.name,
        starts_on=period.start,
        ends_on=period.end,
        number=number,
        made_by=user,
        published_keys=" ".join(page.keys),
        weighting=page.weighting,
        figures=figures,
        audit=audit,
        hidden={key: sorted(rows, key=str) for key, rows in (hidden or {}).items()},
    )


def _lock_survey(page) -> None:
    """Freezes and re-publications of one survey wait for each other (PostgreSQL; SQLite
    writes one at a time anyway), so that the overlap and differencing checks see every
    release stored before theirs."""
    from .models import SurveyPage

    list(SurveyPage.objects.select_for_update().filter(pk=survey_of(page).pk).values("pk"))


def overlapping(page, period) -> ResultsRelease | None:
    """A stored release of the page's survey whose days partly overlap `period`'s:
    neither the same days nor apart."""
    from cms.results_periods import overlaps_partly

    released = ResultsRelease.objects.filter(survey=survey_of(page)).exclude(span=span_of(period))
    for release in released.order_by("ends_on", "pk"):
        if overlaps_partly(release.starts_on, release.ends_on, period.start, period.end):
            return release
    return None


def frozen_release(page, period, *, today: datetime.date | None = None) -> ResultsRelease | None:
    """The release `page` shows for `period`: stored the first time any page of the
    survey (or translation of one) asks for these days with these settings after they
    closed; None while the period is open. FreezeRefused when the period partly overlaps
    a stored one, or differs from a stored release of the same days (other questions or
    weighting) in a way that reveals fewer than k people."""
    today = today or timezone.localdate()
    if not period.is_closed(today):
        return None
    release = current_release(page, period)
    if release is not None:
        return release
    try:
        return _freeze(page, period)
    except FreezeRefused as refused:  # audited outside the rolled-back transaction
        record_refusal(page, period, refused.reason, refused.params)
        raise


def _freeze(page, period) -> ResultsRelease | None:
    try:
        with transaction.atomic():
            _lock_survey(page)
            release = current_release(page, period)
            if release is not None:  # another request froze it first: theirs stands
                return release
            other = overlapping(page, period)
            if other is not None:
                _refused(
                    page,
                    period,
                    OVERLAP,
                    published=f"{other.page_title}, {other.period_name or other.ends_on}",
                )
            try:
                return _attacked(page, period, 1, None)
            except RepublicationRefused as refused:
                _refused(page, period, DIFFERENCING, **refused.params)
    except IntegrityError:  # another request stored it meanwhile: theirs stands
        return current_release(page, period)


def _refused(page, period, reason: str, **params):
    logger.warning(
        "Results page %s: period %s not frozen (%s %s)", page.pk, period.key, reason, params
    )
    raise FreezeRefused(reason, **params)


def _attacked(page, period, number: int, user) -> ResultsRelease:
    """A new release, attacked with the differencing intruder together with every
    earlier release of the same survey and days (any settings), in one integer programme:
    rows leaking against any of them, or whose mean the answers added since one of them
    dominate (surveys/disclosure/newcomers.py), are hidden, again until none leaks;
    RepublicationRefused after a few rounds."""
    from .disclosure.differencing import joint_leaks
    from .disclosure.newcomers import dominated_between

    earlier = [
        (old.audit["questions"], old.audit["respondents"], int(old.audit["k"]))
        for old in ResultsRelease.objects.filter(
            survey=survey_of(page), span=span_of(period)
        ).order_by("pk")
    ]
    hide: dict[str, set] = {}
    for _round in range(DIFFERENCING_ROUNDS):
        figures, audit = compute(page, period, hide=hide)
        k = max([int(audit["k"]), *(old_k for _q, _p, old_k in earlier)])
        # Every earlier release at once: r3 − r1 is also read through r2.
        leaks = joint_leaks(
            [(questions, people) for questions, people, _k in earlier],
            (audit["questions"], audit["respondents"]),
            k,
        )
        # The answers that came or went in between, read as a total: the p%-rule.
        between = dominated_between(
            [questions for questions, _p, _k in earlier], audit["questions"]
        )
        for key, rows in between.items():
            leaks.setdefault(key, set()).update(rows)
        if not leaks:
            return _store(page, period, number, figures, audit, user=user, hidden=hide)
        for key, rows in leaks.items():
            hide.setdefault(key, set()).update(_rows_to_hide(rows))
    raise RepublicationRefused(
        gettext(
            "Not re-published: the new figures, compared with the ones published before, "
            "would reveal the answers of fewer than %(k)s people (%(questions)s). The current "
            "release stays; re-publish when more answers have arrived."
        )
        % {"k": audit["k"], "questions": ", ".join(sorted(leaks))},
        DIFFERENCING,
        k=audit["k"],
        questions=", ".join(sorted(leaks)),
    )


def republish(page, period, user, *, today: datetime.date | None = None) -> ResultsRelease:
    """A new release of a closed period, with today's responses and page settings,
    checked by the differencing intruder against every earlier release of its days."""
    try:
        return _republish(page, period, user, today=today or timezone.localdate())
    except RepublicationRefused as refused:  # audited outside the rolled-back transaction
        record_refusal(page, period, refused.reason, refused.params, user=user)
        raise


def _republish(page, period, user, *, today: datetime.date) -> ResultsRelease:
    if not period.is_closed(today):
        raise RepublicationRefused(gettext("This period has not closed yet."), OPEN)
    with transaction.atomic():
        # Locks the survey so two organizers cannot both make release n + 1.
        _lock_survey(page)
        other = overlapping(page, period)
        if other is not None:
            published = f"{other.page_title}, {other.period_name or other.ends_on}"
            raise RepublicationRefused(
                FreezeRefused(OVERLAP, published=published).message(),
                OVERLAP,
                published=published,
            )
        old = current_release(page, period)
        return _attacked(page, period, old.number + 1 if old else 1, user)


def _rows_to_hide(rows) -> set:
    """A leaking neighborhood's row; the unplaced respondents' row is never printed,
    so its difference is read off the city-wide figures: hide those."""
    from .disclosure.cells import CITY_ROW, UNPLACED_ROW

    return {CITY_ROW if row == UNPLACED_ROW else row for row in rows}


def freeze_due(*, today: datetime.date | None = None) -> int:
    """Store the release of every closed period of every live results page that has
    none yet (`manage.py upkeep`); the number stored. Refused periods are audited."""
    from cms.models import ResultsPage

    stored = 0
    for page in ResultsPage.objects.live().specific():
        for period in page.closed_periods(today=today):
            if current_release(page, period) is not None:
                continue
            try:
                if frozen_release(page, period, today=today):
                    stored += 1
            except FreezeRefused:
                continue
    return stored
