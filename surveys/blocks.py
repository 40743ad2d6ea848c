"""The question vocabulary organizers build surveys from (StreamField blocks).

Every question block has a `key` (stable, unique within the survey; derived from the
label when left blank) and every choice a `code` (stable, unique within its question;
numbered when left blank). Responses store keys and codes, never labels. Each block
turns its value into a plain `Question` with `to_item`; nothing else reads the
StreamField.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext, gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .bank_blocks import QuestionBankBlock, as_posted, expand_banks
from .condition_blocks import ConditionBlock, check_conditions
from .identifiers import assign_identifiers
from .questionnaire import (
    CODE_MAX_LENGTH,
    CODE_PATTERN,
    FAVORABLE_PATTERN,
    KEY_MAX_LENGTH,
    KEY_PATTERN,
    KEYS_PATTERN,
    Choice,
    IndexDefinition,
    Note,
    PageBreak,
    Question,
    Section,
)

DONT_KNOW_CODE = "98"
BANK_SOURCE_PATTERN = re.compile(r"^[-A-Za-z0-9_]+ v[0-9]+\Z")
PREFER_NOT_TO_SAY_CODE = "99"

AGREEMENT_LABELS = {
    5: [
        _("Strongly disagree"),
        _("Disagree"),
        _("Neither agree nor disagree"),
        _("Agree"),
        _("Strongly agree"),
    ],
    7: [
        _("Strongly disagree"),
        _("Disagree"),
        _("Somewhat disagree"),
        _("Neither agree nor disagree"),
        _("Somewhat agree"),
        _("Agree"),
        _("Strongly agree"),
    ],
}


class IdentifierBlock(blocks.FieldBlock):
    """A key or code: plain text that is never translated and may be left blank."""

    def __init__(self, *, pattern, max_length, message, required=False, **kwargs):
        self.field = forms.CharField(
            required=required,
            max_length=max_length,
            validators=[RegexValidator(pattern, message)],
        )
        super().__init__(**kwargs)

    def get_searchable_content(self, value):
        return []


def key_block(**kwargs) -> IdentifierBlock:
    return IdentifierBlock(
        pattern=KEY_PATTERN,
        max_length=KEY_MAX_LENGTH,
        message=_("A key starts with a letter and holds only letters, digits and underscores."),
        label=_("Key"),
        help_text=_(
            "The column name in exports. Leave blank to derive it from the question. "
            "It cannot change once the survey has responses."
        ),
        **kwargs,
    )


def favorable_block() -> IdentifierBlock:
    return IdentifierBlock(
        pattern=FAVORABLE_PATTERN,
        max_length=200,
        message=_("List codes separated by spaces, e.g. '4 5'."),
        label=_("Favorable answers"),
        help_text=_(
            "Codes counted as favorable in results, separated by spaces. Leave blank for "
            "the top of a scale (e.g. agree and strongly agree)."
        ),
    )


class ChoiceOptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=300, label=_("Label"))
    code = IdentifierBlock(
        pattern=CODE_PATTERN,
        max_length=CODE_MAX_LENGTH,
        message=_("A code holds only letters, digits, '.', '-' and '_' (no spaces)."),
        label=_("Code"),
        help_text=_("Stored in responses. Leave blank to number it."),
    )
    non_substantive = blocks.BooleanBlock(
        required=False,
        label=_("Non-substantive"),
        help_text=_("For answers like 'Don't know': excluded from percentages and means."),
    )
    other = blocks.BooleanBlock(
        required=False,
        label=_("Asks to specify"),
        help_text=_("For 'Other (please specify)': a text box for the resident's own answer."),
    )
    anchored = blocks.BooleanBlock(
        required=False,
        label=_("Keep last"),
        help_text=_(
            "Stays at the end when choices are shuffled ('Other', 'Don't know' and "
            "non-substantive answers always do)."
        ),
    )

    class Meta:
        icon = "list-ul"


def choices_block() -> blocks.ListBlock:
    return blocks.ListBlock(ChoiceOptionBlock(), min_num=2, max_num=100, label=_("Choices"))


class QuestionBlock(blocks.StructBlock):
    """Fields every question has. Subclasses add their own and set `question_type`."""

    question_type: str = ""

    label = blocks.CharBlock(max_length=500, label=_("Question"))
    key = key_block(required=False)
    help_text = blocks.CharBlock(required=False, max_length=500, label=_("Help text"))
    required = blocks.BooleanBlock(required=False, label=_("Answer required"))
    about_respondent = blocks.BooleanBlock(
        required=False,
        label=_("About the respondent"),
        help_text=_(
            "Demographics such as age or language: never shown by neighborhood on public "
            "results, where they could narrow down who answered."
        ),
    )

    show_if = ConditionBlock(required=False)

    class Meta:
        # The key beside the label in each block's header, so organizers see it.
        label_format = "{label} ({key})"

    def to_item(self, value, block_id: str) -> Question:
        """Return the plain `Question` this block value asks."""
        return Question(
            key=value["key"],
            type=self.question_type,
            label=value["label"],
            help_text=value.get("help_text") or "",
            required=bool(value.get("required")),
            block_id=block_id or "",
            about_respondent=bool(value.get("about_respondent")),
            condition=ConditionBlock.to_condition(value.get("show_if")),
            condition_hint=ConditionBlock.to_hint(value.get("show_if")),
            **self.question_options(value),
        )

    def question_options(self, value) -> dict[str, Any]:
        """Type-specific `Question` fields (choices, limits). Override per type."""
        return {}

    def choice_options(self, value) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                code=c["code"],
                label=c["label"],
                non_substantive=bool(c["non_substantive"]),
                other=bool(c.get("other")),
                anchored=bool(c.get("anchored")),
            )
            for c in value["choices"]
        )


def randomize_block() -> blocks.BooleanBlock:
    return blocks.BooleanBlock(
        required=False,
        label=_("Shuffle choices"),
        help_text=_(
            "Show the choices in a random order to each resident (kept-last ones stay last)."
        ),
    )


def check_other_choices(value) -> None:
    if sum(1 for c in value["choices"] if c.get("other")) > 1:
        raise StructBlockValidationError(
            {"choices": ValidationError(gettext("Only one choice can ask to specify."))}
        )


class SingleChoiceBlock(QuestionBlock):
    question_type = "single_choice"
    choices = choices_block()
    widget = blocks.ChoiceBlock(
        choices=[("radio", _("Radio buttons")), ("dropdown", _("Dropdown"))],
        default="radio",
        label=_("Show as"),
    )

    randomize = randomize_block()
    favorable = favorable_block()

    def question_options(self, value):
        return {
            "choices": self.choice_options(value),
            "widget": value["widget"] or "radio",
            "favorable": _codes(value.get("favorable")),
            "randomize": bool(value.get("randomize")),
        }

    def clean(self, value):
        value = super().clean(value)
        check_other_choices(value)
        return value

    class Meta:
        icon = "radio-full"
        label = _("Single choice")


class MultipleChoiceBlock(QuestionBlock):
    question_type = "multiple_choice"
    choices = choices_block()
    max_selections = blocks.IntegerBlock(required=False, min_value=1, label=_("Maximum selections"))
    randomize = randomize_block()

    def question_options(self, value):
        return {
            "choices": self.choice_options(value),
            "max_selections": value["max_selections"],
            "randomize": bool(value.get("randomize")),
        }

    def clean(self, value):
        value = super().clean(value)
        check_other_choices(value)
        limit = value.get("max_selections")
        if limit and limit > len(value["choices"]):
            raise StructBlockValidationError(
                {"max_selections": ValidationError(gettext("More than the number of choices."))}
            )
        return value

    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class LikertBlock(QuestionBlock):
    """An agreement scale; don't-know and prefer-not-to-say are coded 98 and 99."""

    question_type = "likert"
    points = blocks.ChoiceBlock(
        choices=[("5", _("5 points")), ("7", _("7 points"))], default="5", label=_("Scale")
    )
    dont_know = blocks.BooleanBlock(required=False, label=_("Offer 'Don't know'"))
    prefer_not_to_say = blocks.BooleanBlock(required=False, label=_("Offer 'Prefer not to say'"))
    favorable = favorable_block()

    def question_options(self, value):
        points = int(value["points"] or 5)
        choices = [
            Choice(code=str(n), label=str(label))
            for n, label in enumerate(AGREEMENT_LABELS[points], start=1)
        ]
        if value.get("dont_know"):
            choices.append(Choice(DONT_KNOW_CODE, gettext("Don't know"), non_substantive=True))
        if value.get("prefer_not_to_say"):
            choices.append(
                Choice(PREFER_NOT_TO_SAY_CODE, gettext("Prefer not to say"), non_substantive=True)
            )
        # Without a choice: agree and strongly agree (the top two, or three of seven).
        top = ("4", "5") if points == 5 else ("5", "6", "7")
        return {"choices": tuple(choices), "favorable": _codes(value.get("favorable")) or top}

    class Meta:
        icon = "order"
        label = _("Agreement scale (Likert)")


class RatingBlock(QuestionBlock):
    question_type = "rating"
    min_label = blocks.CharBlock(required=False, max_length=60, label=_("Label for 0"))
    max_label = blocks.CharBlock(required=False, max_length=60, label=_("Label for 10"))
    favorable = favorable_block()

    def question_options(self, value):
        return {
            "choices": tuple(Choice(code=str(n), label=str(n)) for n in range(11)),
            "min_label": value.get("min_label") or "",
            "max_label": value.get("max_label") or "",
            # Without a choice: 7 to 10.
            "favorable": _codes(value.get("favorable")) or ("7", "8", "9", "10"),
        }

    class Meta:
        icon = "pick"
        label = _("Rating 0–10")


class NumberBlock(QuestionBlock):
    question_type = "number"
    min_value = blocks.FloatBlock(required=False, label=_("Minimum"))
    max_value = blocks.FloatBlock(required=False, label=_("Maximum"))
    integer = blocks.BooleanBlock(required=False, default=True, label=_("Whole numbers only"))

    def question_options(self, value):
        return {
            "min_value": value.get("min_value"),
            "max_value": value.get("max_value"),
            "integer": bool(value.get("integer")),
        }

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                {"max_value": ValidationError(gettext("The maximum is below the minimum."))}
            )
        return value

    class Meta:
        icon = "decimal"
        label = _("Number")


class ShortTextBlock(QuestionBlock):
    question_type = "short_text"
    max_length = blocks.IntegerBlock(
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(255)],
        label=_("Maximum length (characters)"),
    )

    def question_options(self, value):
        return {"max_length": value.get("max_length") or 200}

    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class LongTextBlock(QuestionBlock):
    question_type = "long_text"
    max_length = blocks.IntegerBlock(
        default=2000,
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
        label=_("Maximum length (characters)"),
    )

    def question_options(self, value):
        return {"max_length": value.get("max_length") or 2000}

    class Meta:
        icon = "doc-full"
        label = _("Long text")


class DateBlock(QuestionBlock):
    """A calendar date (e.g. when something happened), optionally within limits."""

    question_type = "date"
    min_date = blocks.DateBlock(required=False, label=_("Earliest date"))
    max_date = blocks.DateBlock(required=False, label=_("Latest date"))

    def question_options(self, value):
        return {"min_date": value.get("min_date"), "max_date": value.get("max_date")}

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_date"), value.get("max_date")
        if low is not None and high is not None and low > high:
            raise StructBlockValidationError(
                {"max_date": ValidationError(gettext("The latest date is before the earliest."))}
            )
        return value

    class Meta:
        icon = "date"
        label = _("Date")


def neighborhood_choices() -> tuple[Choice, ...]:
    """The neighborhood question's choices as they are now: the Neighborhood snippets
    (kept for page requests under the content version, which every change to them moves)."""
    # Imported here: cms.models is loaded after blocks during migrations.
    from cms.models import Neighborhood
    from cms.routes import remembered

    return remembered(
        ("neighborhood-choices",),
        lambda: tuple(
            Choice(code=code, label=name)
            for code, name in Neighborhood.objects.values_list("code", "name")
        ),
        immutable=True,
    )


class NeighborhoodBlock(QuestionBlock):
    """Which neighborhood the resident lives in; choices are the Neighborhood snippets."""

    question_type = "neighborhood"

    def question_options(self, value):
        return {"choices": neighborhood_choices()}

    class Meta:
        icon = "site"
        label = _("Neighborhood")


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Introduction"))
    # An identifier, not text: translations keep it as it is.
    source = IdentifierBlock(
        pattern=BANK_SOURCE_PATTERN,
        max_length=100,
        message=_("A bank's name and version, like 'trust_police v1'."),
        label=_("From question bank"),
        help_text=_(
            "Filled in when a question bank is inserted (its name and version), so that "
            "everyone can see where the questions below came from. Not shown to residents."
        ),
    )
    show_if = ConditionBlock(required=False)

    def to_item(self, value, block_id: str) -> Section:
        return Section(
            heading=value["heading"],
            text=value["text"] or "",
            block_id=block_id or "",
            condition=ConditionBlock.to_condition(value.get("show_if")),
            condition_hint=ConditionBlock.to_hint(value.get("show_if")),
        )

    class Meta:
        icon = "title"
        label = _("Section heading")


class NoteBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"], label=_("Text"))
    show_if = ConditionBlock(required=False)

    def to_item(self, value, block_id: str) -> Note:
        return Note(
            text=value["text"].source if value["text"] else "",
            block_id=block_id or "",
            condition=ConditionBlock.to_condition(value.get("show_if")),
            condition_hint=ConditionBlock.to_hint(value.get("show_if")),
        )

    class Meta:
        icon = "info-circle"
        label = _("Note")


class PageBreakBlock(blocks.StructBlock):
    """Everything after it, up to the next page break, is a new page of the form."""

    title = blocks.CharBlock(
        required=False,
        max_length=200,
        label=_("Page title"),
        help_text=_("Optional; shown above the page's questions."),
    )
    show_if = ConditionBlock(required=False)

    def to_item(self, value, block_id: str) -> PageBreak:
        return PageBreak(
            title=value.get("title") or "",
            block_id=block_id or "",
            condition=ConditionBlock.to_condition(value.get("show_if")),
            condition_hint=ConditionBlock.to_hint(value.get("show_if")),
        )

    class Meta:
        icon = "horizontalrule"
        label = _("Page break")


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple((text or "").split())


class IndexBlock(blocks.StructBlock):
    """A composite index: the mean of scale items, some reverse-coded."""

    label = blocks.CharBlock(max_length=200, label=_("Name"))
    key = key_block(required=True)
    items = IdentifierBlock(
        pattern=KEYS_PATTERN,
        max_length=500,
        required=True,
        message=_("List question keys separated by spaces."),
        label=_("Questions"),
        help_text=_("Keys of agreement-scale or rating questions, separated by spaces."),
    )
    reversed_items = IdentifierBlock(
        pattern=KEYS_PATTERN,
        max_length=500,
        message=_("List question keys separated by spaces."),
        label=_("Reverse-coded questions"),
        help_text=_("Keys of items where agreeing means less of the index (e.g. worry)."),
    )
    favorable_at_least = blocks.FloatBlock(
        required=False,
        label=_("Favorable from"),
        help_text=_("An index score at or above this counts as favorable (e.g. 4 on 1–5)."),
    )

    def to_index(self, value) -> IndexDefinition:
        items = _codes(value["items"])
        return IndexDefinition(
            key=value["key"],
            label=value["label"],
            items=items,
            reversed_items=_codes(value.get("reversed_items")),
            favorable_at_least=value.get("favorable_at_least"),
        )

    class Meta:
        icon = "table"
        label = _("Index")


class QuestionStreamBlock(blocks.StreamBlock):
    """A survey's content. Cleaning fills blank keys and codes and refuses duplicates."""

    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    likert = LikertBlock()
    rating = RatingBlock()
    number = NumberBlock()
    short_text = ShortTextBlock()
    long_text = LongTextBlock()
    date = DateBlock()
    neighborhood = NeighborhoodBlock()
    section = SectionBlock()
    note = NoteBlock()
    page_break = PageBreakBlock()
    question_bank = QuestionBankBlock()

    def clean(self, value):
        value = super().clean(value)
        value = expand_banks(value, is_question=is_question)
        errors = assign_identifiers(value, is_question=is_question)
        if not errors:
            # Keys are all filled in now: conditions may only use earlier questions.
            items = [child.block.to_item(child.value, child.id) for child in value]
            errors = check_conditions(value, items)
        if errors:
            raise StreamBlockValidationError(block_errors=as_posted(value, errors))
        return value


def is_question(child) -> bool:
    return isinstance(child.block, QuestionBlock)
