"""Surveys as Wagtail pages, and the responses residents give them.

Responses are stored long-format: one `Response` per submission and one `Answer` row
per (question key, chosen code | number | text). A response records the page revision
it answered, so editing a live survey never changes what a stored answer means.
"""

from __future__ import annotations

import uuid
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageQuerySet, Revision
from wagtail.url_routing import RouteResult

from cms.models import (
    RICH_TEXT_FEATURES,
    KnownViewRestrictions,
    MovesContentVersion,
    Neighborhood,
)
from cms.visitor_language import LinksInVisitorLanguage

from .bank_blocks import as_posted
from .blocks import IndexBlock, QuestionBlock, QuestionStreamBlock
from .key_following import follow_labels
from .page_form import SurveyPageForm
from .stability import changed_identifier_errors

MIN_SMALL_CELL_THRESHOLD = 5


def index_errors(questions, indices) -> dict[int, ValidationError]:
    """Errors, by position in `indices`: an index averages scale questions of one kind
    among `questions` (stream children), and its key is its own."""
    scales = {
        child.value["key"]: (child.block_type, child.value.get("points"))
        for child in questions
        if child.block_type in ("likert", "rating")
    }
    all_keys = {child.value["key"] for child in questions}
    errors, seen = {}, set()
    for index, child in enumerate(indices):
        value = child.value
        items = value["items"].split()
        reversed_items = (value.get("reversed_items") or "").split()
        problem = None
        if value["key"] in all_keys or value["key"] in seen:
            problem = gettext("The key '%(key)s' is already used.") % {"key": value["key"]}
        elif len(items) < 2:
            problem = gettext("An index needs at least two questions.")
        elif missing := [key for key in items if key not in scales]:
            problem = gettext(
                "These are not agreement-scale or rating questions of this survey: %(keys)s"
            ) % {"keys": ", ".join(missing)}
        elif len({scales[key] for key in items}) > 1:
            problem = gettext("All questions of an index must use the same scale.")
        elif stray := [key for key in reversed_items if key not in items]:
            problem = gettext("Reverse-coded questions must be among the index's: %(keys)s") % {
                "keys": ", ".join(stray)
            }
        seen.add(value["key"])
        if problem:
            errors[index] = StructBlockValidationError(non_block_errors=[problem])
    return errors


class SurveyPageQuerySet(MovesContentVersion, PageQuerySet):
    """Surveys; an update moves the content version (a survey's dates are shared with its
    translations by one, in SurveyPage._share_settings_with_translations)."""

    def open_now(self) -> SurveyPageQuerySet:
        """Live surveys whose opening and closing dates admit answers now."""
        now = timezone.now()
        return (
            self.live()
            .filter(models.Q(opens_at__isnull=True) | models.Q(opens_at__lte=now))
            .filter(models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=now))
        )

    def originals(self) -> SurveyPageQuerySet:
        """Surveys that are not translations of another: the ones responses pool under."""
        earlier_translation = SurveyPage.objects.filter(
            translation_key=models.OuterRef("translation_key"), pk__lt=models.OuterRef("pk")
        )
        return self.exclude(models.Exists(earlier_translation))


class SurveyPage(KnownViewRestrictions, LinksInVisitorLanguage, RoutablePageMixin, Page):
    """A questionnaire residents answer without an account."""

    # Said, in the visitor's language, where the survey has no translation in it.
    missing_translation_message = _(
        "This survey has not been translated into %(language)s yet. "
        "It is offered in these languages:"
    )

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        NOT_YET_OPEN = "not_yet_open", _("Not yet open")
        CLOSED = "closed", _("Closed")
        UNPUBLISHED = "unpublished", _("Not published")

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))
    indices = StreamField(
        [("index", IndexBlock())],
        blank=True,
        verbose_name=_("indices"),
        help_text=_(
            "Composite indices (e.g. trust in local police) reported like a question: the "
            "mean of several scale questions."
        ),
    )
    thank_you = RichTextField(
        _("thank-you message"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown after a resident submits."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    neighborhood_required = models.BooleanField(
        _("neighborhood required"),
        default=False,
        help_text=_("Residents must say which neighborhood they live in."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest publishable count (k)"),
        default=10,
        validators=[MinValueValidator(MIN_SMALL_CELL_THRESHOLD), MaxValueValidator(1000)],
        help_text=_(
            "Figures resting on fewer responses than this are never published. At least 5."
        ),
    )

    class Admission(models.TextChoices):
        OPEN = "open", _("Anyone with the link")
        CODE = "code", _("Only with an invitation code")
        BOTH = "both", _("Anyone; an invitation code sets the neighborhood")

    admission = models.CharField(
        _("who can answer"),
        max_length=8,
        choices=Admission.choices,
        default=Admission.OPEN,
        help_text=_(
            "With invitation codes (e.g. on door hangers), each code admits one complete "
            "response and records the neighborhood it was handed out in."
        ),
    )
    partial_days = models.PositiveSmallIntegerField(
        _("days to continue later"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A resident who chooses 'Continue later' can finish within this many days; "
            "then the unfinished answers are deleted."
        ),
    )

    raking_margins = models.JSONField(
        _("raking margins"),
        null=True,
        blank=True,
        help_text=_(
            'Known population totals for raking, e.g. {"age_group": {"18_24": 1200, '
            '"25_34": 2100}}. Neighborhood populations are always used.'
        ),
    )

    primary_questions = models.TextField(
        _("primary questions"),
        blank=True,
        default="",
        help_text=_(
            "Keys of this survey's main questions or indices, one per line or separated by "
            "spaces, named before reading the results. Their comparisons between "
            "neighborhoods form one family adjusted with Holm's method (confirmatory); every "
            "other question is exploratory (Benjamini–Hochberg)."
        ),
    )

    objects = PageManager.from_queryset(SurveyPageQuerySet)()

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("thank_you"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("neighborhood_required"),
                FieldPanel("admission"),
                FieldPanel("partial_days"),
                FieldPanel("small_cell_threshold"),
            ],
            heading=_("Survey"),
        ),
        FieldPanel("indices"),
        FieldPanel("raking_margins"),
        FieldPanel("primary_questions"),
    ] + Page.settings_panels
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types: list[str] = []
    base_form_class = SurveyPageForm

    class Meta:
        verbose_name = _("survey")

    # --- what residents see ------------------------------------------------------------

    def state(self, now=None) -> State:
        """Whether the survey takes answers now, and if not, why."""
        now = now or timezone.now()
        if not self.live:
            return self.State.UNPUBLISHED
        if self.opens_at and now < self.opens_at:
            return self.State.NOT_YET_OPEN
        if self.closes_at and now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN

    def route(self, request, path_components):
        if not self.live and not path_components:
            # An unpublished survey says so plainly instead of a bare "not found".
            return RouteResult(self, args=(self.unavailable, [], {}))
        return super().route(request, path_components)

    @path("")
    def answer(self, request):
        # Imported here: the views import this module.
        from .views import answer_survey

        return answer_survey(request, self)

    @path("thanks/")
    def thanks(self, request):
        from .views import thank_you

        return thank_you(request, self)

    # Codes travel in the query (`?code=`), which access logs leave out; the paths with
    # a code in them keep working for links printed before (cms.access_log hides them).
    @path("resume/", name="resume")
    @path("resume/<str:code>/", name="resume")
    def resume(self, request, code=""):
        from .views import resume

        return resume(request, self, code)

    @path("invite/", name="invite")
    @path("invite/<str:code>/", name="invite")
    def invite(self, request, code=""):
        from .views import invitation_link

        return invitation_link(request, self, code or request.GET.get("code", ""))

    def serve(self, request, *args, **kwargs):
        # Imported here: progress imports this module. A resident's invitation code
        # travels in a cookie of its own, which the view may have changed.
        from .progress import apply_cookies

        return apply_cookies(request, super().serve(request, *args, **kwargs))

    def unavailable(self, request):
        from .views import survey_unavailable

        return survey_unavailable(request, self)

    def serve_preview(self, request, mode_name):
        from .views import preview_survey

        return preview_survey(request, self)

    # Requests read the questions from the revision cache, not from the page: unpickling
    # the parsed StreamFields with every kept route would cost more than routing did.
    route_omits = ("body", "indices")

    def before_route_kept(self) -> None:
        super().before_route_kept()
        self.responses_survey  # noqa: B018 (every submission asks)

    # --- responses -----------------------------------------------------------------------

    @cached_property
    def responses_survey(self) -> SurveyPage:
        """The survey responses are recorded against: the original of a translation or alias.

        Every translation of a survey shares its `translation_key`, and an alias mirrors
        the page it is an alias of; responses to any of them pool under the first-created
        page of the original's translations, so that analysis sees one survey.
        """
        if not self.pk:
            return self
        source = self
        if self.alias_of_id:
            source = Page.objects.only("translation_key").get(pk=self.alias_of_id)
        original = (
            SurveyPage.objects.filter(translation_key=source.translation_key).order_by("pk").first()
        )
        # This very page, not a second copy of it that would go stale as it is edited.
        return self if original is None or original.pk == self.pk else original

    @property
    def primary_keys(self) -> list[str]:
        """The primary questions' keys, in the order named, each once."""
        return list(dict.fromkeys(self.primary_questions.split()))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors.setdefault("closes_at", []).append(
                gettext("The survey must close after it opens.")
            )
        questions = [child for child in self.body if isinstance(child.block, QuestionBlock)]
        if self.neighborhood_required and not any(
            child.block_type == "neighborhood" for child in questions
        ):
            errors.setdefault("neighborhood_required", []).append(
                gettext("Add a Neighborhood question to require a neighborhood.")
            )
        add_bank_indices(self)
        follow_labels(self)
        stream_errors = as_posted(self.body, changed_identifier_errors(self))
        if stream_errors:
            errors["body"] = [StreamBlockValidationError(block_errors=stream_errors)]
        if self.raking_margins:
            from .analysis.margins import MarginsError, check_margins  # analysis imports models

            try:
                check_margins(self.raking_margins, self)
            except MarginsError as error:
                errors["raking_margins"] = [str(error)]
        if self.primary_keys:
            from .analysis.questions import unknown_keys  # analysis imports models

            unknown = unknown_keys(self, self.primary_keys)
            if unknown:
                errors["primary_questions"] = [
                    gettext(
                        "Not a question or index of this survey that can be analysed: "
                        "%(keys)s. Free-text questions and the neighborhood question never are."
                    )
                    % {"keys": ", ".join(unknown)}
                ]
        bad_indices = index_errors(questions, self.indices)
        if bad_indices:
            errors["indices"] = [StreamBlockValidationError(block_errors=bad_indices)]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        self._share_settings_with_translations()
        return result

    # One survey in several languages has one set of dates, k and neighborhood rule.
    SHARED_SETTINGS = (
        "opens_at",
        "closes_at",
        "neighborhood_required",
        "admission",
        "partial_days",
        "small_cell_threshold",
        "raking_margins",
        "primary_questions",
    )

    def _share_settings_with_translations(self) -> None:
        """The original's survey settings apply to every translation (and alias) of it."""
        original = self.responses_survey
        if original.pk == self.pk:
            values = {name: getattr(self, name) for name in self.SHARED_SETTINGS}
            SurveyPage.objects.filter(
                models.Q(translation_key=self.translation_key) | models.Q(alias_of=self)
            ).exclude(pk=self.pk).update(**values)
        else:
            values = {name: getattr(original, name) for name in self.SHARED_SETTINGS}
            if any(getattr(self, name) != value for name, value in values.items()):
                SurveyPage.objects.filter(pk=self.pk).update(**values)
                for name, value in values.items():
                    setattr(self, name, value)


class Response(models.Model):
    """One resident's submission. Nothing here identifies the person who gave it."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        PAPER = "paper", _("Paper")
        KIOSK = "kiosk", _("Kiosk")

    class Status(models.TextChoices):
        COMPLETE = "complete", _("Complete")
        PARTIAL = "partial", _("Partial")

    # Random, so that identifiers reveal neither order nor count of submissions.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        SurveyPage, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire revision"),
    )
    neighborhood = models.ForeignKey(
        Neighborhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("neighborhood"),
    )
    language = models.CharField(_("language"), max_length=12)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.COMPLETE
    )
    # The day only: an exact time could be matched against other records of a visit.
    submitted_on = models.DateField(_("submitted on"))
    # The same answers as its Answer rows, as one row of cells (surveys/wide.py), written
    # with them: the export reads this instead of pivoting the rows. Null (the export
    # reads the rows) for responses stored before it existed, until `fill_wide_cells`,
    # and for the rare answers cells cannot hold exactly (see surveys/wide.py).
    cells = models.JSONField(null=True, blank=True, editable=False)
    # Staff see a response only once it is released: with at least k others of its
    # neighborhood, after its day has closed (surveys/release.py). Until then nothing
    # shows when, or whether, it came in.
    released = models.BooleanField(_("released"), default=False, editable=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(
                fields=["survey", "status", "submitted_on"], name="response_survey_status_day"
            ),
            models.Index(fields=["survey", "neighborhood"], name="response_survey_area"),
            # The few responses waiting to be released, counted once a day.
            models.Index(
                fields=["survey", "neighborhood", "submitted_on"],
                condition=models.Q(released=False),
                name="response_waiting",
            ),
        ]
        permissions = [
            ("view_responses", "Can view survey responses"),
            ("view_results", "Can view survey results"),
            ("export_responses", "Can export survey responses"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.pk}"


class Answer(models.Model):
    """One stored answer: a chosen code, a number or a text, under a question key.

    The survey, neighborhood, status, day and release are copied from the response when
    it is written (submission.py, the only writer; release.py for the release), so that
    analysis counts answers with one index-only GROUP BY instead of joining a million
    rows to their responses.
    """

    # Random like the response's: a sequential id would reveal the order of submissions.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    key = models.CharField(max_length=40)
    code = models.CharField(max_length=40, null=True, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(null=True, blank=True)
    # Copies of the response's fields (see the docstring).
    survey = models.ForeignKey(SurveyPage, on_delete=models.PROTECT, related_name="+")
    neighborhood = models.ForeignKey(
        Neighborhood, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Response.Status.choices)
    submitted_on = models.DateField()
    released = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Covers the analysis: filter by survey, status, release and question; group
            # by neighborhood, code and number; periods by day.
            models.Index(
                fields=[
                    "survey",
                    "status",
                    "released",
                    "key",
                    "neighborhood",
                    "code",
                    "number",
                    "submitted_on",
                ],
                name="answer_analysis",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__isnull=False)
                | models.Q(number__isnull=False)
                | models.Q(text__isnull=False),
                name="answer_has_a_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.code or self.number or self.text}"


class SurveyAccess(models.Model):
    """A grant: `user` may see the responses, results and exports of `survey` (and of
    every translation of it), as far as their role allows. Superusers need no grant.

    A grant names the survey itself, never a place in the page tree: moving pages
    around cannot widen it (an Organizer who may move pages must not be able to move
    another survey under one they were granted).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_access",
        verbose_name=_("user"),
    )
    survey = models.ForeignKey(
        SurveyPage,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("survey"),
        help_text=_("A grant on any language version covers the survey in every language."),
    )
    granted_on = models.DateField(_("granted on"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey access")
        verbose_name_plural = _("survey access")
        constraints = [
            models.UniqueConstraint(fields=["user", "survey"], name="one_grant_per_user_and_survey")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.survey.title}"

    def clean(self) -> None:
        # Responses pool under the original: a grant is always held on it.
        if self.survey_id:
            self.survey = self.survey.responses_survey


# Models kept beside the code that uses them.
from .api.tokens import ApiToken  # noqa: E402,F401
from .banks import QuestionBank, add_bank_indices  # noqa: E402,F401
from .exports.jobs import ExportJob  # noqa: E402,F401
from .exports.paper_import import ImportedFile  # noqa: E402,F401
from .frozen_releases import ResultsRelease  # noqa: E402,F401
from .interventions import Intervention  # noqa: E402,F401
from .invitations import InvitationCode  # noqa: E402,F401
from .resume import ResumeCode  # noqa: E402,F401
