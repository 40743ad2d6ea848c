"""The resident's form, built from a `Questionnaire` (no database access here)."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _

from cms.protection import HONEYPOT_FIELD, STARTED_FIELD

from .question_types import question_type
from .questionnaire import Note, Question, Questionnaire, Section

FIELD_PREFIX = "q"
# Names a genuine survey form posts besides its questions.
FORM_CONTROL_NAMES = frozenset({"csrfmiddlewaretoken", "revision", HONEYPOT_FIELD, STARTED_FIELD})


@dataclass(frozen=True)
class FormItem:
    """One thing on the resident's page: a question with its field, a section or a note."""

    item: Question | Section | Note
    field: forms.BoundField | None = None
    template: str = ""


@dataclass(frozen=True)
class ErrorLink:
    """An entry of the error summary: the message and the input it links to."""

    label: str
    message: str
    anchor: str


class ResponseForm(forms.Form):
    """Validates one resident's answers against one questionnaire revision."""

    def __init__(self, questionnaire: Questionnaire, *args, **kwargs):
        kwargs.setdefault("prefix", FIELD_PREFIX)
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions:
            self.fields[question.key] = self.create_field(question)

    def create_field(self, question: Question) -> forms.Field:
        """Return the field for `question`; its question type decides how it is asked."""
        required = question.required or (
            question.type == "neighborhood" and self.questionnaire.settings.neighborhood_required
        )
        field = question_type(question.type).form_field(question, required=required)
        field.label = question.label
        field.help_text = question.help_text
        return field

    def clean(self):
        cleaned = super().clean()
        if not self.is_bound or not hasattr(self.data, "getlist"):
            return cleaned
        expected = {self.add_prefix(key) for key in self.fields}
        unexpected = set(self.data.keys()) - expected - FORM_CONTROL_NAMES
        if unexpected:
            raise forms.ValidationError(
                _(
                    "The form sent answers to questions that are not in this survey. "
                    "Reload the page and try again."
                ),
                code="unexpected_fields",
            )
        for key, field in self.fields.items():
            sent = self.data.getlist(self.add_prefix(key))
            if len(sent) > 1 and not isinstance(field, forms.MultipleChoiceField):
                self.add_error(key, _("This question received more than one answer."))
        return cleaned

    def items(self) -> list[FormItem]:
        """The page's contents in order, each question with its bound field and template."""
        result = []
        for item in self.questionnaire.items:
            if item.is_question:
                result.append(
                    FormItem(
                        item=item,
                        field=self[item.key],
                        template=question_type(item.type).template_for(item),
                    )
                )
            else:
                result.append(FormItem(item=item, template=f"surveys/items/{item.type}.html"))
        return result

    def error_links(self) -> list[ErrorLink]:
        """Every error, in page order, linking to the input it concerns."""
        links = [
            ErrorLink(label="", message=message, anchor="survey-form")
            for message in self.non_field_errors()
        ]
        for key, field in self.fields.items():
            if key not in self.errors:
                continue
            bound = self[key]
            anchor = bound.auto_id
            if getattr(field.widget, "input_type", "") in ("radio", "checkbox"):
                anchor = f"{anchor}_0"
            for message in self.errors[key]:
                links.append(ErrorLink(label=field.label, message=message, anchor=anchor))
        return links
