"""Community feedback: topics organizers define, what residents said, and what was done.

What is stored is decided in `submission.py`: the topic, the neighborhood if given, the
language, the text, whether it may be published and the *day*. Contact details, when a
resident leaves them, live in their own table (`ContactDetail`) that only moderators
see and that is deleted when the item is closed or its days run out.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin

from cms.models import Neighborhood, neighborhood_code_validator

MODERATE = "feedback.moderate_feedback"


class Topic(TranslatableMixin, models.Model):
    """What feedback is about ("Traffic stops", "Language access"); translated per locale.

    Feedback points to the topic as it was chosen; counts and filters pool its
    translations by `code`, which never changes.
    """

    name = models.CharField(_("name"), max_length=80)
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[neighborhood_code_validator],
        help_text=_("A short stable identifier used in exports, e.g. 'traffic-stops'."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        unique_together = [("translation_key", "locale"), ("code", "locale")]
        verbose_name = _("feedback topic")
        verbose_name_plural = _("feedback topics")

    def __str__(self) -> str:
        return self.name


class Feedback(models.Model):
    """One resident's feedback. `text` is the original: it never reaches a public page.

    Staff, URLs, exports and the audit log know an item by its random `key` (shown as
    `reference`), never by its row id, which counts items in the order they came.
    """

    class Status(models.TextChoices):
        NEW = "new", _("New")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")
        FOLLOW_UP = "follow_up", _("Needs follow-up")
        CLOSED = "closed", _("Closed")

    PUBLIC_STATUSES = (Status.PUBLISHED, Status.CLOSED)

    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("topic")
    )
    neighborhood = models.ForeignKey(
        Neighborhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("neighborhood"),
    )
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("original text"))
    may_publish = models.BooleanField(_("may be published"), default=False)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    # The SHA-256 of the resident's receipt code, never the code.
    receipt_digest = models.CharField(max_length=64, unique=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )
    public_text = models.TextField(
        _("public text"),
        blank=True,
        help_text=_("What the public page shows. Personal details are masked again on save."),
    )
    masked_names = models.TextField(
        _("names to mask"),
        blank=True,
        help_text=_("Names of people or places to hide, one per line or separated by commas."),
    )
    reply = models.TextField(
        _("public reply"),
        blank=True,
        help_text=_("What organizers did or will do; shown beside the published text."),
    )
    # The reply's language (one of settings.LANGUAGES); blank for replies written before
    # it was asked, which were in the site's default language.
    reply_language = models.CharField(
        _("reply language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        # Within a day, in the order of the random keys: not the order items came in.
        ordering = ["-submitted_on", "key"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        permissions = [
            ("moderate_feedback", _("Moderate feedback: read originals and contact details")),
        ]
        indexes = [models.Index(fields=["status", "-published_on"])]

    def __str__(self) -> str:
        return f"#{self.reference} {self.get_status_display()}"

    @property
    def reference(self) -> str:
        """How staff refer to the item: the first eight characters of its random key."""
        return self.key.hex[:8].upper()

    @property
    def is_public(self) -> bool:
        return (
            self.status in self.PUBLIC_STATUSES
            and self.may_publish
            and self.published_on is not None
            and bool(self.public_text)
        )

    @property
    def reply_lang(self) -> str:
        """The language the reply is written in."""
        return self.reply_language or settings.LANGUAGE_CODE


class ContactDetail(models.Model):
    """How a resident asked to be reached. Moderators only; deleted on close or expiry."""

    feedback = models.OneToOneField(
        Feedback, on_delete=models.CASCADE, related_name="contact", verbose_name=_("feedback")
    )
    contact = models.CharField(_("contact details"), max_length=200)
    delete_on = models.DateField(_("deleted on"), db_index=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"contact for feedback {self.feedback} until {self.delete_on}"


class InternalNote(models.Model):
    """A moderator's note on an item; never shown outside the admin."""

    feedback = models.ForeignKey(
        Feedback, on_delete=models.CASCADE, related_name="notes", verbose_name=_("feedback")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=150)
    written_on = models.DateField(_("written on"), auto_now_add=True)
    text = models.TextField(_("note"), max_length=2000)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"note on feedback {self.feedback}"


# The public page lives beside the feedback it shows.
from .pages import CommunityVoicesPage  # noqa: E402, F401
