"""Site-wide content: home page, content pages, neighborhoods and site settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.search import index

from .geojson import validate_boundary
from .rich_text import RICH_TEXT_FEATURES
from .site_settings_form import SiteSettingsForm
from .visitor_language import LinksInVisitorLanguage

neighborhood_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*\Z",
    _("Use letters, digits, hyphens and underscores, starting with a letter or digit."),
)


class MovesContentVersion:
    """For a queryset: writes that send no save signal still move the content version
    (cms.routes), as saves and deletes do through their signals."""

    def bulk_create(self, *args, **kwargs):
        from .routes import content_changed

        created = super().bulk_create(*args, **kwargs)
        content_changed()
        return created

    def update(self, **kwargs):
        from .routes import content_changed

        updated = super().update(**kwargs)
        if updated:
            content_changed()
        return updated


class ContentQuerySet(MovesContentVersion, models.QuerySet):
    pass


class Neighborhood(index.Indexed, models.Model):
    """An area results are compared across. Its `code` is what responses and exports carry."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[neighborhood_code_validator],
        help_text=_(
            "A short stable identifier used in exports and analysis, e.g. 'riverside'. "
            "It cannot be changed once saved."
        ),
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Adult residents, if known. Used to weight city-wide estimates."),
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        validators=[validate_boundary],
        help_text=_("Optional GeoJSON Polygon or MultiPolygon (longitude, latitude)."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("population"),
        FieldPanel("boundary"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighborhood")
        verbose_name_plural = _("neighborhoods")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def by_code(cls, code: str) -> Neighborhood:
        """The neighborhood with `code` (DoesNotExist without one), its boundary not read;
        kept for page requests under the content version (cms.routes)."""
        from .routes import remembered

        return remembered(
            ("neighborhood", code), lambda: cls.objects.only("id", "name", "code").get(code=code)
        )

    def clean(self) -> None:
        super().clean()
        if self.pk:
            stored_code = (
                Neighborhood.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            )
            if stored_code is not None and stored_code != self.code:
                raise ValidationError(
                    {
                        "code": _(
                            "The code of a saved neighborhood cannot change: responses and "
                            "exports refer to '%(code)s'. Create a new neighborhood instead."
                        )
                        % {"code": stored_code}
                    }
                )


class ContentVersion(models.Model):
    """One number that changes whenever what the public site routes to changes (pages,
    sites, locales, view restrictions, neighborhoods, site settings): the key under which
    every process keeps its copy of routes (cms.routes). A single row, id 1."""

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return str(self.number)


class KnownViewRestrictions:
    """A page whose route cms.routes may keep: it can be handed its view restrictions,
    read when the route was kept, instead of reading them again on every request."""

    _known_view_restrictions: list | None = None
    # Fields left out of the kept copy (read from the database if a request asks).
    route_omits: tuple[str, ...] = ()

    def before_route_kept(self) -> None:
        """Read now what requests will ask of this page, so that it is kept with it."""
        self.locale  # noqa: B018

    def get_view_restrictions(self):
        if self._known_view_restrictions is not None:
            return self._known_view_restrictions
        return super().get_view_restrictions()


class FallbackToDefaultLanguage:
    """A page whose children, when missing in its language, are found in the default one.

    A resident following /es/x/ where x has no Spanish version yet gets the original
    page (with the interface in Spanish) rather than "not found".
    """

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            default = Locale.get_default()
            if not path_components or self.locale_id == default.pk:
                raise
            original = self.get_translation_or_none(default)
            if original is None:
                raise
            return original.specific.route(request, path_components)


class HomePage(KnownViewRestrictions, LinksInVisitorLanguage, FallbackToDefaultLanguage, Page):
    """The landing page: who runs the site, the surveys open now, and resources."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    resources = StreamField(
        [
            (
                "resource",
                blocks.StructBlock(
                    [
                        ("page", blocks.PageChooserBlock()),
                        ("description", blocks.CharBlock(required=False, max_length=200)),
                    ],
                    icon="doc-full",
                ),
            )
        ],
        blank=True,
        verbose_name=_("resources"),
        help_text=_("Know-your-rights and resource pages to link from the home page."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("resources")]
    subpage_types = [
        "cms.ContentPage",
        "surveys.SurveyPage",
        "cms.ResultsPage",
        "feedback.CommunityVoicesPage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def open_surveys(self):
        """Live surveys in this home page's language that accept answers today."""
        # Imported here: surveys.models imports cms.models (Neighborhood).
        from surveys.models import SurveyPage

        return SurveyPage.objects.open_now().filter(locale_id=self.locale_id)


class ContentPage(KnownViewRestrictions, LinksInVisitorLanguage, FallbackToDefaultLanguage, Page):
    """Rich-text pages: know your rights, how to report a crime safely, resources."""

    intro = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = [
        "cms.ContentPage",
        "cms.ResultsPage",
        "surveys.SurveyPage",
        "feedback.CommunityVoicesPage",
    ]

    class Meta:
        verbose_name = _("content page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Who runs this site and what it promises residents."""

    organization_name = models.CharField(
        _("organization name"), max_length=120, default="Confianza"
    )
    privacy_statement = RichTextField(
        _("privacy statement"),
        features=["bold", "italic", "link", "ul"],
        blank=True,
        help_text=_("Shown on every survey. Leave empty to show the built-in promise."),
    )

    public_base_url = models.URLField(
        _("public address"),
        blank=True,
        help_text=_(
            "The address residents use, e.g. https://survey.example.org. Invitation "
            "cards, QR codes and printed links use it."
        ),
    )

    panels = [
        FieldPanel("organization_name"),
        FieldPanel("public_base_url", permission="cms.change_public_address"),
        FieldPanel("privacy_statement"),
    ]
    base_form_class = SiteSettingsForm

    class Meta:
        verbose_name = _("site settings")
        permissions = [
            ("change_public_address", _("Can change the address printed on invitation cards"))
        ]


class AuditEvent(models.Model):
    """A record that a staff member looked at or took resident data. Never edited."""

    class Action(models.TextChoices):
        VIEW_RESPONSES = "view_responses", _("Viewed responses")
        VIEW_RESULTS = "view_results", _("Viewed results")
        EXPORT = "export", _("Downloaded an export")
        MODERATE = "moderate", _("Moderated feedback")
        MOVE = "move", _("Moved a survey")
        COPY = "copy", _("Copied a survey")
        VIEW_INVITATIONS = "view_invitations", _("Viewed invitation codes")
        PRINT_INVITATIONS = "print_invitations", _("Printed invitation codes")
        CHANGE_THRESHOLD = "change_threshold", _("Changed the smallest publishable count")
        CHANGE_ADDRESS = "change_address", _("Changed the public address")
        REPUBLISH = "republish", _("Re-published results")
        REFUSE_RELEASE = "refuse_release", _("Results not published: refused")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as text so the record survives the account's deletion.
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    page = models.ForeignKey(
        Page,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey or page"),
    )
    subject = models.CharField(_("about"), max_length=255)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.subject}"


# The public results page lives beside the analysis it shows.
from .results_page import ResultsPage  # noqa: E402, F401
