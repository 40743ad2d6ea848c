"""The public results page: what organizers publish of a survey's results.

Publishing is where figures could leak, so the page holds itself to more than
suppression within one table:

- it shows a closed window of answers (its end date before today), so that nobody can
  watch the page change as one more resident answers and read that person's answer off
  the difference;
- organizers can only choose a survey whose results they may see;
- a preview never fills the public page's cache, and the cache is keyed on what the page
  publishes, so figures follow its settings, and on the survey's responses version, so
  that a late paper import shows at once (and in any case within CACHE_SECONDS).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField

from .models import KnownViewRestrictions  # defined before models.py imports this module
from .rich_text import RICH_TEXT_FEATURES
from .visitor_language import LinksInVisitorLanguage

CACHE_SECONDS = 60


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
    since = models.DateField(_("answers from"), null=True, blank=True)
    until = models.DateField(
        _("answers until"),
        null=True,
        blank=True,
        help_text=_(
            "Required, and before today: published figures cover a closed period, so that "
            "no one can watch them change as one more person answers."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("survey"),
        FieldPanel("intro"),
        FieldPanel("published_keys"),
        FieldPanel("weighting"),
        FieldRowPanel([FieldPanel("since"), FieldPanel("until")]),
    ]
    base_form_class = ResultsPageForm
    subpage_types: list[str] = []
    # Keys are identifiers, not text: every language publishes the same questions, so the
    # translation editor never offers them (a translated key would publish nothing).
    override_translatable_fields = [SynchronizedField("published_keys")]

    class Meta:
        app_label = "cms"
        verbose_name = _("results page")

    @property
    def keys(self) -> list[str]:
        return self.published_keys.split()

    @property
    def window_is_closed(self) -> bool:
        return self.until is not None and self.until < timezone.localdate()

    def clean(self) -> None:
        super().clean()
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.analysis.questions import analysable_questions

        if not self.until or not self.window_is_closed:
            raise ValidationError(
                {
                    "until": _(
                        "Give an end date before today: published figures cover a closed period."
                    )
                }
            )
        if self.since and self.since > self.until:
            raise ValidationError({"until": _("The end is before the start.")})
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False) or self.pk is None
        context["results"] = self.public_displays(use_cache=not preview)
        if context["results"]:
            context["labels_language"] = context["results"]["labels_language"]
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

    def cache_key(self) -> str:
        """Keyed on what the page publishes and on the survey's responses version, so
        that a new response (a late paper import) is never answered with old figures."""
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.response_version import responses_version

        settings = (
            responses_version(self.survey.responses_survey.pk),
            self.pk,
            self.survey_id,
            " ".join(self.keys),
            self.weighting,
            self.since,
            self.until,
            translation.get_language(),
        )
        digest = hashlib.sha256(repr(settings).encode()).hexdigest()[:32]
        return f"results-page:{digest}"

    def public_displays(self, *, use_cache: bool = True) -> dict | None:
        """The published figures, or None while the window is still open. Cached until
        the survey's next response, and for a minute at most."""
        # Imported here: surveys.models imports cms.models, which imports this module.
        from surveys.analysis.counts import Selection
        from surveys.analysis.public import public_results
        from surveys.analysis.report import WeightingError, build_report
        from surveys.presentation import displays, in_language
        from surveys.release import release_due

        if not self.window_is_closed:
            return None
        release_due(self.survey.specific)
        cached = cache.get(self.cache_key()) if use_cache else None
        if cached is not None:
            return cached
        survey = self.survey.specific.responses_survey
        selection = Selection(survey=survey, since=self.since, until=self.until)
        try:
            report = build_report(
                selection, weighting=self.weighting, margins=survey.raking_margins
            )
        except WeightingError:  # populations below responses: never publish such weights
            report = build_report(selection)
        result = {
            # The total is a count like any other: under k it is not shown.
            "responses": report.responses if report.responses >= report.k else None,
            "k": report.k,
            "labels_language": self.labels_language(),
            "displays": displays(
                in_language(public_results(report, self.keys), survey, translation.get_language()),
                analyst=False,
            ),
        }
        if use_cache:
            cache.set(self.cache_key(), result, timeout=CACHE_SECONDS)
        return result
