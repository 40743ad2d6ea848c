"""The public results page: what organizers publish of a survey's results.

Publishing is where figures could leak, so the page holds itself to more than
suppression within one table:

- it shows fixed, closed periods (calendar months, quarters, the organizer's named
  periods, or one window of dates: cms/results_periods.py), never one still open, so
  that nobody can watch the page change as one more resident answers;
- a period's figures are stored when first shown after it closed and never change
  (surveys/frozen_releases.py): late answers and back-dated imports reach the page only
  when an organizer re-publishes, and the re-publication is attacked for the
  difference it makes against every earlier release (surveys/disclosure/differencing.py);
- a release belongs to the survey, the days and the published settings, shared by every
  page and translation showing them (the periods and settings are synchronized, not
  translated); a period partly overlapping a stored one is refused, and the page says so;
- organizers can only choose a survey whose results they may see;
- a preview computes the figures without storing them;
- the trend chart across periods, if the organizer turns it on, draws the periods'
  releases and nothing else (surveys/released_trends.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField

from .models import KnownViewRestrictions  # defined before models.py imports this module
from .results_periods import (
    NAMED,
    PERIOD_KINDS,
    WINDOW,
    Period,
    PeriodError,
    calendar_periods,
    overlaps_partly,
    parse_named,
)
from .rich_text import RICH_TEXT_FEATURES
from .visitor_language import LinksInVisitorLanguage

CACHE_SECONDS = 10 * 60  # releases never change: the cache saves drawing them (labels may)


class ResultsPageForm(WagtailAdminPageForm):
    """Organizers publish results only of surveys they have been granted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.access import VIEW_RESULTS, surveys_visible_to

        if "survey" in self.fields and self.for_user is not None:
            self.fields["survey"].queryset = surveys_visible_to(self.for_user, VIEW_RESULTS)


class ResultsPage(KnownViewRestrictions, LinksInVisitorLanguage, Page):
    """Published results of a survey: the questions organizers choose, suppressed and
    rounded for the public, with charts, tables and maps."""

    # Linked from the home and thank-you pages (cms.navigation).
    linked_after_answering = True

    survey = models.ForeignKey(
        "surveys.SurveyPage",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("survey"),
    )
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    published_keys = models.TextField(
        _("questions and indices to publish"),
        help_text=_(
            "Keys, one per line or separated by spaces, in the order to show. Free-text "
            "questions are never published; figures under the survey's k never appear."
        ),
    )
    weighting = models.CharField(
        _("weighting"),
        max_length=20,
        choices=[
            ("none", _("None")),
            ("neighborhood", _("Neighborhood populations")),
            ("rake", _("Neighborhoods and raking margins")),
        ],
        default="neighborhood",
    )
    period_kind = models.CharField(
        _("periods shown"),
        max_length=20,
        choices=PERIOD_KINDS,
        default=WINDOW,
        help_text=_(
            "Only periods that have ended are shown, and their figures are stored when "
            "first shown: later answers change them only when you re-publish."
        ),
    )
    since = models.DateField(_("answers from"), null=True, blank=True)
    until = models.DateField(
        _("answers until"),
        null=True,
        blank=True,
        help_text=_(
            "One period: required, and before today. Months and quarters: the first and "
            "last ones shown hold these days (from the survey's first day online, if empty)."
        ),
    )
    named_periods = models.TextField(
        _("named periods"),
        blank=True,
        help_text=_(
            "Named periods: one per line, the first day, the last day and a name, like "
            "“2026-01-01 2026-03-31 Winter”. Periods must not overlap."
        ),
    )
    show_trend = models.BooleanField(
        _("show a trend chart"),
        default=False,
        help_text=_(
            "With months, quarters or named periods: a chart of each question across the "
            "periods, drawn only from their published figures, with the survey's "
            "interventions marked."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("survey"),
        FieldPanel("intro"),
        FieldPanel("published_keys"),
        FieldPanel("weighting"),
        FieldPanel("period_kind"),
        FieldRowPanel([FieldPanel("since"), FieldPanel("until")]),
        FieldPanel("named_periods"),
        FieldPanel("show_trend"),
    ]
    base_form_class = ResultsPageForm
    subpage_types: list[str] = []
    # Keys are identifiers, not text: every language publishes the same questions, so the
    # translation editor never offers them (a translated key would publish nothing).
    # The periods and the published settings too: a period's release belongs to the
    # survey, its days and these settings, shared by every translation of the page
    # (surveys/frozen_releases.py), so no language may show other figures for it.
    override_translatable_fields = [
        SynchronizedField(name, overridable=False)
        for name in (
            "published_keys",
            "weighting",
            "period_kind",
            "since",
            "until",
            "named_periods",
            "show_trend",
        )
    ]

    class Meta:
        app_label = "cms"
        verbose_name = _("results page")

    @property
    def keys(self) -> list[str]:
        return self.published_keys.split()

    @property
    def window_is_closed(self) -> bool:
        return self.until is not None and self.until < timezone.localdate()

    def periods(self) -> list[Period]:
        """Every period of the page, open or closed, oldest first."""
        if self.period_kind == WINDOW:
            if self.until is None:
                return []
            start = f"{self.since}" if self.since else ""
            return [Period(f"{start}..{self.until}", self.since, self.until)]
        if self.period_kind == NAMED:
            try:
                return parse_named(self.named_periods)
            except PeriodError:
                return []
        first = self.since or self._survey_start()
        if first is None:
            return []
        return calendar_periods(self.period_kind, first, self.until or timezone.localdate())

    def _survey_start(self):
        survey = self.survey.specific.responses_survey if self.survey_id else None
        started = survey and (survey.opens_at or survey.first_published_at)
        return timezone.localdate(started) if started else None

    def closed_periods(self, *, today=None) -> list[Period]:
        """The periods the page shows: those that have ended, newest first."""
        today = today or timezone.localdate()
        return [p for p in reversed(self.periods()) if p.is_closed(today)]

    def clean(self) -> None:
        super().clean()
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.analysis.questions import analysable_questions

        self._clean_periods()
        if not self.survey_id:
            return
        questions, indices = analysable_questions(self.survey.specific.responses_survey)
        known = {q.key for q in questions} | {i.key for i in indices}
        unknown = [key for key in self.keys if key not in known]
        if unknown:
            raise ValidationError(
                {
                    "published_keys": _(
                        "Not a question or index that can be published: %(keys)s. Free-text "
                        "questions and the neighborhood question never are."
                    )
                    % {"keys": ", ".join(unknown)}
                }
            )

    def _clean_periods(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ValidationError({"until": _("The end is before the start.")})
        if self.period_kind == WINDOW and (not self.until or not self.window_is_closed):
            raise ValidationError(
                {
                    "until": _(
                        "Give an end date before today: published figures cover a closed period."
                    )
                }
            )
        if self.period_kind == NAMED:
            try:
                parse_named(self.named_periods)
            except PeriodError as error:
                raise ValidationError({"named_periods": str(error)}) from None
        self._clean_overlaps()

    def _clean_overlaps(self) -> None:
        """A period that partly overlaps one already published (by any results page of
        the survey) would let the two be subtracted: the days between them revealed."""
        from surveys.frozen_releases import ResultsRelease

        if not self.survey_id:
            return
        released = ResultsRelease.objects.filter(
            survey=self.survey.specific.responses_survey
        ).values_list("starts_on", "ends_on", "page_title", "period_name")
        published = set(released)
        for period in self.periods():
            for start, end, title, name in published:
                if overlaps_partly(start, end, period.start, period.end):
                    raise ValidationError(
                        _(
                            "%(period)s overlaps a published period (%(published)s) without "
                            "being the same: subtracting one from the other would reveal the "
                            "answers of the days between. Choose periods that are the same "
                            "or do not overlap."
                        )
                        % {"period": period.label, "published": f"{title}, {name or end}"}
                    )

    def get_context(self, request, *args, **kwargs):
        from surveys.frozen_releases import FreezeRefused

        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False) or self.pk is None
        periods = self.closed_periods()
        chosen = request.GET.get("period")
        period = next((p for p in periods if p.key == chosen), None)
        if chosen is not None and period is None:
            raise Http404("No such period")
        period = period or (periods[0] if periods else None)
        context["periods"], context["period"] = periods, period
        try:
            context["results"] = self.public_displays(period, preview=preview) if period else None
        except FreezeRefused as refused:  # said on the page, in the reader's language
            context["results"], context["refused"] = None, refused.message()
        if context["results"]:
            context["labels_language"] = context["results"]["labels_language"]
        if self.show_trend:
            from surveys.released_trends import released_trends

            context["trends"] = released_trends(self, periods, preview=preview)
            context.setdefault("labels_language", self.labels_language())
        return context

    def labels_language(self) -> str:
        """The language the question labels are shown in: the visitor's where the survey
        has a live translation in it (surveys.presentation.in_language), else the
        survey's own."""
        from wagtail.models import Locale

        survey = self.survey.specific.responses_survey
        language = translation.get_language()
        locale = Locale.objects.filter(language_code=language).first()
        translated = survey.get_translation_or_none(locale) if locale else None
        if translated is not None and translated.live:
            return language
        return survey.locale.language_code

    def public_displays(self, period: Period, *, preview: bool = False) -> dict | None:
        """The published figures of `period`, drawn in the visitor's language: its
        frozen release (stored now if this is its first showing: FreezeRefused if it may
        not be), or, in a preview, figures computed and not stored. None while the period
        is open."""
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.release_figures import compute

        if not period.is_closed(timezone.localdate()):
            return None
        if preview:
            figures, _audit = compute(self, period)
            return self._drawn(figures)
        release = self.release(period)
        key = f"results-release:{release.pk}:{translation.get_language()}"
        drawn = cache.get(key)
        if drawn is None:
            drawn = self._drawn(release.figures)
            cache.set(key, drawn, timeout=CACHE_SECONDS)
        return drawn

    def release(self, period: Period):
        """The frozen release of the closed `period` (stored now if this is its first
        showing); FreezeRefused, remembered a while, if it may not be stored."""
        from surveys.frozen_releases import FreezeRefused, frozen_release

        refused = f"results-refused:{self.pk}:{period.key}"
        if (known := cache.get(refused)) is not None:  # not attacked again on every view
            raise FreezeRefused(known[0], **known[1])
        try:
            return frozen_release(self, period)
        except FreezeRefused as error:
            cache.set(refused, (error.reason, error.params), timeout=CACHE_SECONDS)
            raise

    def _drawn(self, figures: dict) -> dict:
        from surveys.presentation import displays, in_language

        survey = self.survey.specific.responses_survey
        questions = [stored_question(q, figures["k"]) for q in figures["questions"]]
        return {
            "responses": figures["responses"],
            "k": figures["k"],
            "labels_language": self.labels_language(),
            "displays": displays(
                in_language(questions, survey, translation.get_language()),
                analyst=False,
                primary=figures.get("primary", []),
            ),
            # The multiple-comparison families (no pairs are published: docs/analysis.md).
            "primary": bool(figures.get("primary")),
        }


def stored_question(data: dict, k: int):
    """A public question from a release's stored figures, its note in the reader's
    language (stored in the site's)."""
    from surveys.analysis.public import PublicCell, PublicGroup, PublicQuestion
    from surveys.disclosure.publication import WITHHELD

    def group(g: dict) -> PublicGroup:
        cells = [PublicCell(**c) for c in g.get("cells", ())]
        found = PublicGroup(**{**g, "cells": cells})
        found.ci = tuple(found.ci) if found.ci else None
        found.favorable_ci = tuple(found.favorable_ci) if found.favorable_ci else None
        return found

    question = PublicQuestion(
        **{
            **data,
            "codes": [tuple(c) for c in data["codes"]],
            "overall": group(data["overall"]),
            "groups": [group(g) for g in data["groups"]],
            "favorable_codes": tuple(data.get("favorable_codes") or ()),
        }
    )
    with translation.override(settings.LANGUAGE_CODE):
        withheld = gettext(WITHHELD) % {"k": k}
    if question.note == withheld:
        question.note = gettext(WITHHELD) % {"k": k}
    return question
