"""Frozen releases: a results page's figures for a period, stored once the period closes.

A public results page (cms/results_page.py) shows closed periods only
(cms/results_periods.py). The first time a closed period is asked for, or at the daily
upkeep, its figures are computed once and stored as a `ResultsRelease`; the page then
only ever reads them. A response released later (its neighborhood's batch reached k
after the period closed), a back-dated paper row, an erased response: none changes a
published figure, so no one can subtract two versions of a page to read them.

Organizers re-publish a period deliberately (surveys/release_views.py). The new figures
are then attacked together with the current ones (surveys/disclosure/differencing.py):
rows whose difference the intruder pins within 1..k−1 are hidden in the new release,
and if hiding does not settle it within a few rounds the re-publication is refused
and the current release stays. Every release is kept: `number` counts them.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

DIFFERENCING_ROUNDS = 4


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
    period = models.CharField(_("period"), max_length=40)
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
        ordering = ["page", "period", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "period", "number"], name="one_release_number_per_period"
            )
        ]
        verbose_name = _("results release")

    def __str__(self) -> str:
        return f"{self.page_title} · {self.period} · {self.number}"


class RepublicationRefused(Exception):
    """A re-publication that would reveal the answers added since the last release."""


def current_release(page, period) -> ResultsRelease | None:
    return ResultsRelease.objects.filter(page=page, period=period.key).order_by("-number").first()


def compute(page, period, hide: dict | None = None) -> tuple[dict, dict]:
    """The public figures of `page` for `period` from the responses staff see now, and
    what the intruder needs; `hide` names rows to hide per question key."""
    from .analysis.counts import Selection
    from .analysis.report import WeightingError, build_report
    from .disclosure.cells import respondents_by_row
    from .disclosure.differencing import printed_to_json, truth_to_json
    from .disclosure.printed import truth
    from .disclosure.publication import printed_of, publish
    from .release import release_due

    release_due(page.survey.specific)
    survey = page.survey.specific.responses_survey
    selection = Selection(survey=survey, since=period.start, until=period.end)
    try:
        report = build_report(selection, weighting=page.weighting, margins=survey.raking_margins)
    except WeightingError:  # populations below responses: never publish such weights
        report = build_report(selection)
    respondents = respondents_by_row(report.selection)
    # Stored once for every language: notes in the site's language, translated on view.
    with translation.override(settings.LANGUAGE_CODE):
        publication = publish(report, page.keys, respondents, hide=hide)
    weighted = report.weighting != "none"
    audited = {}
    for question in publication.questions:
        cells = publication.cells.get(question.key)
        if cells is None:
            continue
        printed = printed_of(
            question, cells, weighted=weighted, hood_ratios=report.weighting != "rake"
        )
        audited[question.key] = {
            "printed": printed_to_json(printed),
            "truth": truth_to_json(truth(cells)),
        }
    figures = {
        # The total is a count like any other: under k it is not shown.
        "responses": report.responses if report.responses >= report.k else None,
        "k": int(report.k),
        "questions": [asdict(q) for q in publication.questions],
        # The multiple-comparison families as they were when the figures were released.
        "primary": list(report.primary_questions),
    }
    audit = {"k": publication.k, "respondents": publication.respondents, "questions": audited}
    return figures, audit


def _store(page, period, number: int, figures, audit, *, user=None, hidden=None):
    return ResultsRelease.objects.create(
        page=page,
        page_title=page.title,
        survey=page.survey.specific.responses_survey,
        period=period.key,
        period_name=period.name,
        starts_on=period.start,
        ends_on=period.end,
        number=number,
        made_by=user,
        published_keys=page.published_keys,
        weighting=page.weighting,
        figures=figures,
        audit=audit,
        hidden={key: sorted(rows, key=str) for key, rows in (hidden or {}).items()},
    )


def frozen_release(page, period, *, today: datetime.date | None = None) -> ResultsRelease | None:
    """The release `page` shows for `period`: stored the first time it is asked for
    after the period closed; None while it is open."""
    today = today or timezone.localdate()
    if not period.is_closed(today):
        return None
    release = current_release(page, period)
    if release is not None:
        return release
    figures, audit = compute(page, period)
    try:
        with transaction.atomic():
            return _store(page, period, 1, figures, audit)
    except IntegrityError:  # another request froze it first: theirs stands
        return current_release(page, period)


def republish(page, period, user, *, today: datetime.date | None = None) -> ResultsRelease:
    """A new release of a closed period, with today's responses and page settings,
    checked against the current release by the differencing intruder."""
    from .disclosure.differencing import differencing_leaks

    today = today or timezone.localdate()
    if not period.is_closed(today):
        raise RepublicationRefused(gettext("This period has not closed yet."))
    with transaction.atomic():
        # Locks the period's releases so two organizers cannot both make release n + 1.
        old = (
            ResultsRelease.objects.select_for_update()
            .filter(page=page, period=period.key)
            .order_by("-number")
            .first()
        )
        if old is None:
            figures, audit = compute(page, period)
            return _store(page, period, 1, figures, audit, user=user)
        hide: dict[str, set] = {}
        for _round in range(DIFFERENCING_ROUNDS):
            figures, audit = compute(page, period, hide=hide)
            leaks = differencing_leaks(
                old.audit["questions"],
                audit["questions"],
                old.audit["respondents"],
                audit["respondents"],
                max(int(old.audit["k"]), int(audit["k"])),
            )
            if not leaks:
                return _store(page, period, old.number + 1, figures, audit, user=user, hidden=hide)
            for key, rows in leaks.items():
                hide.setdefault(key, set()).update(_rows_to_hide(rows))
        raise RepublicationRefused(
            gettext(
                "Not re-published: the new figures, compared with the current ones, would "
                "reveal the answers of fewer than %(k)s people (%(questions)s). The current "
                "release stays; re-publish when more answers have arrived."
            )
            % {"k": audit["k"], "questions": ", ".join(sorted(leaks))}
        )


def _rows_to_hide(rows) -> set:
    """A leaking neighborhood's row; the unplaced respondents' row is never printed,
    so its difference is read off the city-wide figures: hide those."""
    from .disclosure.cells import CITY_ROW, UNPLACED_ROW

    return {CITY_ROW if row == UNPLACED_ROW else row for row in rows}


def freeze_due(*, today: datetime.date | None = None) -> int:
    """Store the release of every closed period of every live results page that has
    none yet (`manage.py upkeep`); the number stored."""
    from cms.models import ResultsPage

    stored = 0
    for page in ResultsPage.objects.live().specific():
        done = set(ResultsRelease.objects.filter(page=page).values_list("period", flat=True))
        for period in page.closed_periods(today=today):
            if period.key not in done and frozen_release(page, period, today=today):
                stored += 1
    return stored
