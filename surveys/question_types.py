"""What each kind of question is: how it is asked, validated, stored and shown.

One class per question type, found by name (`question_type("likert")`), in the way
Wagtail's form builder dispatches `create_<type>_field`. A new question type is a new
block in `blocks.py` and a new class here; nothing else needs an if/elif on types.
Every answer is stored as `AnswerValue` rows (code, number, text): long format, one row
per chosen code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from cms.widgets import SelectWithLanguages

from .questionnaire import Question

# Numbers without organizer-set limits still have sane ones (and stay exact as floats).
DEFAULT_NUMBER_LIMIT = 1e12


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """One stored answer row's content."""

    code: str | None = None
    number: float | None = None
    text: str | None = None


class QuestionType:
    """Base class: a question type's form field, storage and display."""

    name: ClassVar[str]
    # How analysis treats the answers: "nominal", "ordinal", "numeric", "text", "date" or "area".
    measure: ClassVar[str]
    template: ClassVar[str] = "surveys/questions/choices.html"

    def form_field(self, question: Question, *, required: bool) -> forms.Field:
        """Return the form field that asks `question`. Override per type."""
        raise NotImplementedError

    def template_for(self, question: Question) -> str:
        """The template that renders `question` on the resident's form."""
        return self.template

    def answer_values(self, question: Question, value: Any) -> list[AnswerValue]:
        """Turn a cleaned form value into the rows to store (none when unanswered)."""
        if value in (None, "", []):
            return []
        return [AnswerValue(code=str(value))]

    def form_value(self, question: Question, values: list[AnswerValue]) -> Any:
        """Turn stored rows back into a form value (to show answers again)."""
        return values[0].code if values else None

    def display(self, question: Question, values: list[AnswerValue]) -> str:
        """A human-readable answer for staff, with labels from `question`'s revision,
        in the question's order of choices."""
        order = {choice.code: index for index, choice in enumerate(question.choices)}
        labels = []
        for value in sorted(values, key=lambda v: order.get(v.code, len(order))):
            choice = question.choice(value.code) if value.code is not None else None
            label = choice.label if choice else value.code or ""
            # "Other (please specify)": the resident's own words follow the choice.
            labels.append(f"{label}: {value.text}" if value.text else label)
        return "; ".join(labels)


def choice_error_messages() -> dict[str, Any]:
    return {
        "invalid_choice": _("Choose one of the options shown."),
        "required": _("Answer this question."),
    }


class SingleChoice(QuestionType):
    name = "single_choice"
    measure = "nominal"

    def form_field(self, question, *, required):
        choices = [(c.code, c.label) for c in question.choices]
        if question.widget == "dropdown":
            return forms.ChoiceField(
                choices=[("", _("Choose…"))] + choices,
                required=required,
                # Options in the questionnaire's language (surveys/forms.py says which).
                widget=SelectWithLanguages(),
                error_messages=choice_error_messages(),
            )
        return forms.ChoiceField(
            choices=choices,
            required=required,
            widget=forms.RadioSelect,
            error_messages=choice_error_messages(),
        )

    def template_for(self, question):
        if question.widget == "dropdown":
            return "surveys/questions/field.html"
        return self.template


class MultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes with an optional limit, refusing the same option sent twice."""

    def __init__(self, *, max_selections: int | None = None, **kwargs):
        self.max_selections = max_selections
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if len(set(value)) != len(value):
            raise forms.ValidationError(_("An option was sent more than once."), code="duplicate")
        if self.max_selections and len(value) > self.max_selections:
            raise forms.ValidationError(
                _("Choose at most %(max)d options."),
                code="max_selections",
                params={"max": self.max_selections},
            )


class MultipleChoice(QuestionType):
    name = "multiple_choice"
    measure = "nominal"

    def form_field(self, question, *, required):
        messages = choice_error_messages()
        messages["required"] = _("Choose at least one option.")
        return MultipleChoiceField(
            choices=[(c.code, c.label) for c in question.choices],
            required=required,
            widget=forms.CheckboxSelectMultiple,
            max_selections=question.max_selections,
            error_messages=messages,
        )

    def answer_values(self, question, value):
        return [AnswerValue(code=code) for code in value or []]

    def form_value(self, question, values):
        return [value.code for value in values]


class Likert(QuestionType):
    name = "likert"
    measure = "ordinal"

    def form_field(self, question, *, required):
        return forms.ChoiceField(
            choices=[(c.code, c.label) for c in question.choices],
            required=required,
            widget=forms.RadioSelect,
            error_messages=choice_error_messages(),
        )

    def answer_values(self, question, value):
        if not value:
            return []
        choice = question.choice(value)
        number = None if choice is None or choice.non_substantive else float(value)
        return [AnswerValue(code=value, number=number)]


class Rating(QuestionType):
    """A 0 to 10 scale, stored as both its code and its number."""

    name = "rating"
    measure = "ordinal"
    template = "surveys/questions/rating.html"

    def form_field(self, question, *, required):
        return forms.ChoiceField(
            choices=[(c.code, c.label) for c in question.choices],
            required=required,
            widget=forms.RadioSelect,
            error_messages=choice_error_messages(),
        )

    def answer_values(self, question, value):
        if value in (None, ""):
            return []
        return [AnswerValue(code=value, number=float(value))]


class NumberField(forms.DecimalField):
    """A number typed as text; accepts a decimal comma as well as a decimal point."""

    def __init__(self, *, integer: bool, **kwargs):
        self.integer = integer
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u2212", "-")
            if "," in value and "." not in value and value.count(",") == 1:
                value = value.replace(",", ".")
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if number is not None and self.integer and number != number.to_integral_value():
            raise forms.ValidationError(_("Enter a whole number."), code="integer")
        return number


class Number(QuestionType):
    name = "number"
    measure = "numeric"
    template = "surveys/questions/field.html"

    def form_field(self, question, *, required):
        min_value = question.min_value if question.min_value is not None else -DEFAULT_NUMBER_LIMIT
        max_value = question.max_value if question.max_value is not None else DEFAULT_NUMBER_LIMIT
        return NumberField(
            integer=question.integer,
            required=required,
            min_value=Decimal(str(min_value)),
            max_value=Decimal(str(max_value)),
            widget=forms.TextInput(
                attrs={
                    "inputmode": "numeric" if question.integer else "decimal",
                    "autocomplete": "off",
                    "class": "input-number",
                }
            ),
            error_messages={
                "required": _("Answer this question."),
                "invalid": _("Enter a number, like 12 or 3.5."),
                "max_value": _("Enter a number no larger than %(limit_value)s."),
                "min_value": _("Enter a number no smaller than %(limit_value)s."),
            },
        )

    def answer_values(self, question, value):
        if value is None:
            return []
        return [AnswerValue(number=float(value))]

    def form_value(self, question, values):
        if not values or values[0].number is None:
            return None
        number = values[0].number
        return str(int(number)) if number.is_integer() else repr(number)

    def display(self, question, values):
        if not values or values[0].number is None:
            return ""
        number = values[0].number
        return number_format(int(number) if number.is_integer() else number)


class ShortText(QuestionType):
    name = "short_text"
    measure = "text"
    template = "surveys/questions/field.html"
    widget_class: ClassVar[type[forms.Widget]] = forms.TextInput

    def form_field(self, question, *, required):
        return forms.CharField(
            required=required,
            max_length=question.max_length,
            widget=self.widget_class(attrs={"autocomplete": "off"}),
            error_messages={
                "required": _("Answer this question."),
                "max_length": _(
                    "Keep your answer to %(limit_value)d characters or fewer "
                    "(it has %(show_value)d)."
                ),
            },
        )

    def answer_values(self, question, value):
        return [AnswerValue(text=value)] if value else []

    def form_value(self, question, values):
        return values[0].text if values else ""

    def display(self, question, values):
        return values[0].text if values else ""


class LongText(ShortText):
    name = "long_text"
    widget_class = forms.Textarea


class DateInput(forms.DateInput):
    """The browser's date picker where there is one; a text box taking YYYY-MM-DD where
    there is not (no script either way)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})}, format="%Y-%m-%d")


class DateQuestion(QuestionType):
    """A calendar date, stored as ISO text (`YYYY-MM-DD`): listed and exported, not
    counted in results."""

    name = "date"
    measure = "date"
    template = "surveys/questions/field.html"

    def form_field(self, question, *, required):
        validators = []
        if question.min_date:
            validators.append(MinValueValidator(question.min_date))
        if question.max_date:
            validators.append(MaxValueValidator(question.max_date))
        return forms.DateField(
            required=required,
            input_formats=["%Y-%m-%d"],
            widget=DateInput(
                attrs={
                    "min": question.min_date.isoformat() if question.min_date else None,
                    "max": question.max_date.isoformat() if question.max_date else None,
                }
            ),
            validators=validators,
            error_messages={
                "required": _("Answer this question."),
                "invalid": _("Enter a date as year-month-day, like 2024-05-31."),
                "min_value": _("Enter a date no earlier than %(limit_value)s."),
                "max_value": _("Enter a date no later than %(limit_value)s."),
            },
        )

    def answer_values(self, question, value):
        return [AnswerValue(text=value.isoformat())] if value else []

    def form_value(self, question, values):
        return values[0].text if values else None

    def display(self, question, values):
        if not values or not values[0].text:
            return ""
        try:
            return date_format(datetime.date.fromisoformat(values[0].text))
        except ValueError:
            return values[0].text


class NeighborhoodQuestion(QuestionType):
    """Where the resident lives; stored on the response itself, not as an answer row."""

    name = "neighborhood"
    measure = "area"
    template = "surveys/questions/field.html"

    def form_field(self, question, *, required):
        return forms.ChoiceField(
            choices=[("", _("Choose…"))] + [(c.code, c.label) for c in question.choices],
            required=required,
            # Neighborhood names are written once, in the site's default language.
            widget=SelectWithLanguages(option_languages={"*": settings.LANGUAGE_CODE}),
            error_messages=choice_error_messages(),
        )

    def answer_values(self, question, value):
        return []


QUESTION_TYPES: dict[str, QuestionType] = {
    qt.name: qt
    for qt in (
        SingleChoice(),
        MultipleChoice(),
        Likert(),
        Rating(),
        Number(),
        ShortText(),
        LongText(),
        DateQuestion(),
        NeighborhoodQuestion(),
    )
}


def question_type(name: str) -> QuestionType:
    return QUESTION_TYPES[name]
