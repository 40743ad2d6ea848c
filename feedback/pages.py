"""The public "Community voices" page: what residents said, what was done, and the form.

Routes: the page itself lists published feedback with organizers' replies and counts;
`send/` is the feedback form; `status/` is where a receipt code shows an item's status
and reply.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.models import KnownViewRestrictions
from cms.rich_text import RICH_TEXT_FEATURES
from cms.visitor_language import LinksInVisitorLanguage

MIN_SMALL_CELL_THRESHOLD = 5


class CommunityVoicesPage(KnownViewRestrictions, LinksInVisitorLanguage, RoutablePageMixin, Page):
    """Published feedback beside organizers' replies ("you said, we did"), and the form."""

    # Linked from the home and thank-you pages (cms.navigation).
    linked_after_answering = True

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    form_intro = RichTextField(
        _("form introduction"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown above the feedback form."),
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest publishable count (k)"),
        default=10,
        validators=[MinValueValidator(MIN_SMALL_CELL_THRESHOLD), MaxValueValidator(1000)],
        help_text=_("Counts resting on fewer items than this are never shown. At least 5."),
    )
    per_page = models.PositiveSmallIntegerField(
        _("items per page"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("form_intro"),
        FieldPanel("small_cell_threshold"),
        FieldPanel("per_page"),
    ]
    subpage_types: list[str] = []
    template = "feedback/community_voices_page.html"

    class Meta:
        verbose_name = _("community voices page")

    @path("")
    def voices(self, request):
        # Imported here: the views import this module through the models.
        from .views import community_voices

        return community_voices(request, self)

    @path("send/", name="send")
    def send(self, request):
        from .views import send_feedback

        return send_feedback(request, self)

    @path("status/", name="status")
    def status(self, request):
        from .views import feedback_status

        return feedback_status(request, self)
