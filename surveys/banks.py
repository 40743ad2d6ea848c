"""Question banks: reusable, versioned sets of questions organizers insert into surveys.

A bank version is a promise: "trust_police v1" means the same questions wherever it was
used, so that surveys built from it can be compared. A version that is shipped with
Confianza or that any survey has inserted is therefore never changed in place; an
organizer copies it into a new version instead (the admin enforces this, bank_admin.py).
Surveys hold copies of the questions (bank_blocks.py), so a new version never changes a
survey that used an older one.

The shipped banks are data files in `bank_data/`, one per bank and version, created in the
database after every migrate by `ensure_shipped_banks` (idempotent).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connections, models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.fields import StreamField

from .bank_blocks import prefixed
from .blocks import (
    IndexBlock,
    LikertBlock,
    LongTextBlock,
    MultipleChoiceBlock,
    NoteBlock,
    NumberBlock,
    RatingBlock,
    SectionBlock,
    ShortTextBlock,
    SingleChoiceBlock,
    is_question,
)
from .identifiers import assign_identifiers

BANK_DATA = Path(__file__).parent / "bank_data"


class BankStreamBlock(blocks.StreamBlock):
    """A bank's questions: the survey's vocabulary without neighborhoods or page breaks
    (a survey asks for the neighborhood once, and pages are the survey's own layout)."""

    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    likert = LikertBlock()
    rating = RatingBlock()
    number = NumberBlock()
    short_text = ShortTextBlock()
    long_text = LongTextBlock()
    section = SectionBlock()
    note = NoteBlock()

    def clean(self, value):
        value = super().clean(value)
        errors = assign_identifiers(value, is_question=is_question)
        for index, child in enumerate(value):
            show_if = child.value.get("show_if")
            if show_if and show_if.get("rules"):
                errors.setdefault(index, _always_shown_error())
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value


def _always_shown_error() -> StructBlockValidationError:
    return StructBlockValidationError(
        {
            "show_if": ValidationError(
                gettext(
                    "Questions in a bank are always shown: add display logic after inserting "
                    "the bank into a survey."
                )
            )
        }
    )


class QuestionBank(models.Model):
    slug = models.SlugField(
        _("name"),
        max_length=50,
        help_text=_("Short and stable, e.g. 'trust_police'; shared by all its versions."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, validators=[MinValueValidator(1)]
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the bank measures, its scale, and how to read its index."),
    )
    body = StreamField(BankStreamBlock(), verbose_name=_("questions"))
    index = StreamField(
        [("index", IndexBlock())],
        blank=True,
        max_num=1,
        verbose_name=_("recommended index"),
        help_text=_("Added to a survey's indices when the bank is inserted."),
    )
    shipped = models.BooleanField(_("shipped with Confianza"), default=False, editable=False)

    panels = [
        FieldRowPanel([FieldPanel("slug"), FieldPanel("version")]),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("body"),
        FieldPanel("index"),
    ]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["slug", "version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="one_bank_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.source})"

    @property
    def source(self) -> str:
        """How surveys record the bank they copied questions from, e.g. 'trust_police v1'."""
        return f"{self.slug} v{self.version}"

    def is_used(self) -> bool:
        """Whether any revision of any survey inserted this version (its section says so)."""
        from wagtail.models import Revision

        # Revisions hold the body as JSON, itself inside a JSON string: match either form.
        marker = json.dumps({"source": self.source})[1:-1]
        escaped = json.dumps(marker)[1:-1]
        return (
            Revision.objects.annotate(text=Cast("content", TextField()))
            .filter(models.Q(text__contains=marker) | models.Q(text__contains=escaped))
            .exists()
        )

    def locked_reason(self) -> str | None:
        """Why this version cannot be changed in place, or None if it can."""
        if self.shipped:
            return gettext("This bank version ships with Confianza.")
        if self.pk and self.is_used():
            return gettext("A survey has used this bank version.")
        return None

    def next_version(self) -> int:
        latest = QuestionBank.objects.filter(slug=self.slug).aggregate(models.Max("version"))
        return (latest["version__max"] or 0) + 1

    def clean(self) -> None:
        from .models import index_errors  # models imports this module

        super().clean()
        questions = [child for child in self.body if is_question(child)]
        errors = index_errors(questions, self.index)
        if errors:
            raise ValidationError({"index": [StreamBlockValidationError(block_errors=errors)]})


def add_bank_indices(page) -> None:
    """Add to `page` the recommended index of each bank its body just inserted, with the
    bank's key prefix, unless the survey already has an index with that key."""
    index_block = page.indices.stream_block.child_blocks["index"]
    existing = {child.value["key"] for child in page.indices}
    for bank, prefix in getattr(page.body, "inserted_banks", ()):
        for child in bank.index:
            value = child.value
            key = prefixed(prefix, value["key"])
            if key in existing:
                continue
            raw = {
                "label": value["label"],
                "key": key,
                "items": _prefixed_keys(prefix, value["items"]),
                "reversed_items": _prefixed_keys(prefix, value["reversed_items"]),
                "favorable_at_least": value["favorable_at_least"],
            }
            page.indices.append(("index", index_block.to_python(raw)))
            existing.add(key)


def _prefixed_keys(prefix: str, keys: str | None) -> str:
    return " ".join(prefixed(prefix, key) for key in (keys or "").split())


def shipped_definitions() -> list[dict]:
    """The banks shipped with Confianza, as stored in `bank_data/`."""
    return [json.loads(path.read_text()) for path in sorted(BANK_DATA.glob("*.json"))]


def ensure_shipped_banks(using: str = "default") -> int:
    """Create the shipped bank versions missing from the database; return how many.

    An existing version is left alone: versions never change in place.
    """
    created = 0
    for data in shipped_definitions():
        _, new = QuestionBank.objects.using(using).get_or_create(
            slug=data["slug"],
            version=data["version"],
            defaults={
                "title": data["title"],
                "description": data["description"],
                "body": data["body"],
                "index": [{"type": "index", "value": data["index"]}] if data["index"] else [],
                "shipped": True,
            },
        )
        created += new
    return created


def ship_banks_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: ship the banks once the table exists (not when migrating backwards)."""
    if QuestionBank._meta.db_table in connections[using].introspection.table_names():
        ensure_shipped_banks(using)
