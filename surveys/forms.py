"""The resident's form, built from a `Questionnaire` (no database access here).

One form can ask the whole questionnaire or one page of it. Display logic is applied
before validation: the answers given so far (`earlier`, from other pages, and this
page's own data) decide which questions are shown; a hidden question is never required
and whatever was posted for it is discarded.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from cms.protection import HONEYPOT_FIELD, STARTED_FIELD
from cms.widgets import SelectWithLanguages

from . import logic, revision_cache
from .question_types import question_type
from .questionnaire import Item, Question, Questionnaire

FIELD_PREFIX = "q"
# Names a genuine survey form posts besides its questions.
FORM_CONTROL_NAMES = frozenset(
    {
        "csrfmiddlewaretoken",
        "revision",
        "action",
        "page",
        "invitation",
        HONEYPOT_FIELD,
        STARTED_FIELD,
    }
)
OTHER_MAX_LENGTH = 200


def other_field_name(key: str) -> str:
    """The form field (and answer key) holding the text of `key`'s "please specify" choice.
    Keys never contain '-', so this cannot collide with another question's key."""
    return f"{key}-other"


@dataclass(frozen=True)
class FormItem:
    """One thing on the resident's page: a question with its field, a section or a note."""

    item: Item
    field: forms.BoundField | None = None
    template: str = ""
    position: int = 0
    other: forms.BoundField | None = None
    # The condition, when it depends on answers on this page (the browser applies it).
    condition: Any = None
    # In words for those without JavaScript: the organizer's sentence, else one made
    # from the rules (to be read after "Answer only if").
    condition_hint: str = ""
    condition_text: str = ""

    @property
    def dom_id(self) -> str:
        return f"item-{self.position}"


@dataclass(frozen=True)
class ErrorLink:
    """An entry of the error summary: the message and the input it links to."""

    label: str
    message: str
    anchor: str


def _other_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=OTHER_MAX_LENGTH,
        label=_("Please specify"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class ResponseForm(forms.Form):
    """Validates one resident's answers against one questionnaire revision."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        *args,
        keys: Sequence[str] | None = None,
        earlier: Mapping[str, Any] | None = None,
        seed: str = "",
        partial: bool = False,
        **kwargs,
    ):
        kwargs.setdefault("prefix", FIELD_PREFIX)
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.earlier = dict(earlier or {})
        self.seed = seed
        # Saving for later: nothing is required yet.
        self.partial = partial
        self.hidden: set[str] = set()
        asked = set(questionnaire.keys if keys is None else keys)
        for question in questionnaire.questions:
            if question.key not in asked:
                continue
            self.fields[question.key] = self.create_field(question)
            if question.other_choice:
                self.fields[other_field_name(question.key)] = revision_cache.form_field(
                    question, "other", _other_field
                )

    def create_field(self, question: Question) -> forms.Field:
        """Return the field for `question`; its question type decides how it is asked.

        Fields are built once per question and shared by the forms that ask it (they only
        read them); one whose choices are shuffled for this resident is a copy."""
        required = not self.partial and (
            question.required
            or (
                question.type == "neighborhood"
                and self.questionnaire.settings.neighborhood_required
            )
        )

        def build() -> forms.Field:
            field = question_type(question.type).form_field(question, required=required)
            if isinstance(field.widget, SelectWithLanguages):
                # Options are the questionnaire's words unless the type says otherwise.
                field.widget.option_languages.setdefault("*", self.questionnaire.language)
            field.label = question.label
            field.help_text = question.help_text
            return field

        field = revision_cache.form_field(question, "required" if required else "optional", build)
        if question.randomize and self.seed and hasattr(field, "choices"):
            field = copy.deepcopy(field)
            field.choices = shuffled(list(field.choices), question, self.seed)
        return field

    # --- display logic ------------------------------------------------------------------

    def full_clean(self):
        if self.is_bound and self.questionnaire.has_logic:
            self.hidden = self.hidden_keys()
        super().full_clean()
        # Whatever was posted for a hidden question, valid or not, counts for nothing.
        for key in self.hidden:
            for name in (key, other_field_name(key)):
                self._errors.pop(name, None)
                if hasattr(self, "cleaned_data"):
                    self.cleaned_data.pop(name, None)

    def hidden_keys(self) -> set[str]:
        """The questions of this form that the answers given so far hide."""
        values = {**self.earlier, **self.lenient_values()}
        return logic.hidden_keys(self.questionnaire, values) & set(self.fields)

    def lenient_values(self) -> dict[str, Any]:
        """This form's answers as far as each is valid on its own (for conditions only)."""
        values = {}
        for question in self.questionnaire.questions:
            field = self.fields.get(question.key)
            if field is None:
                continue
            raw = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(question.key)
            )
            try:
                values[question.key] = field.clean(raw)
            except forms.ValidationError:
                continue
        return values

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
        self._clean_other_texts(cleaned)
        return cleaned

    def _clean_other_texts(self, cleaned: dict) -> None:
        """Keep a "please specify" text only with its choice; ask for it when missing."""
        for question in self.questionnaire.questions:
            name = other_field_name(question.key)
            if name not in cleaned or question.key in self.hidden:
                continue
            chosen = cleaned.get(question.key)
            chosen = chosen if isinstance(chosen, list) else [chosen]
            text = (cleaned.get(name) or "").strip()
            if question.other_choice.code not in chosen:
                cleaned[name] = ""
            elif not text and not self.partial:
                self.add_error(name, _("Tell us your answer in the box."))
            else:
                cleaned[name] = text

    def answers(self) -> dict[str, Any]:
        """The cleaned answers worth storing (blank ones dropped), by key."""
        return {
            key: value for key, value in self.cleaned_data.items() if value not in ("", None, [])
        }

    def items(self, positions: Sequence[int] | None = None) -> list[FormItem]:
        """The page's contents in order, each question with its bound field and template.

        Items that other pages' answers hide are left out. An item whose condition uses
        answers on this page is shown (the server decides when the form is sent), with
        its condition for static/surveys/logic.js to apply as the resident answers, and
        in words for those without JavaScript.
        """
        items = self.questionnaire.items
        positions = range(len(items)) if positions is None else positions
        here = set(self.fields)
        possible = logic.shown(self.questionnaire, self.earlier, undecided=here)
        result = []
        for position in positions:
            item = items[position]
            if item.type == "page_break" or not possible[position]:
                continue
            if item.is_question and item.key not in here:
                continue
            entry: dict[str, Any] = {"item": item, "position": position}
            if any(rule.key in here for rule in logic.rules(item.condition)):
                entry["condition"] = logic.to_data(item.condition)
                if item.condition_hint:
                    entry["condition_hint"] = item.condition_hint
                else:
                    entry["condition_text"] = describe(item.condition, self.questionnaire)
            if item.is_question:
                other = other_field_name(item.key)
                entry.update(
                    field=self[item.key],
                    template=question_type(item.type).template_for(item),
                    other=self[other] if other in self.fields else None,
                )
            else:
                entry["template"] = f"surveys/items/{item.type}.html"
            result.append(FormItem(**entry))
        return result

    def logic_data(self, entries: Sequence[FormItem]) -> dict:
        """What static/surveys/logic.js needs to mirror the server's display logic."""
        # Only the codes of numeric questions are numbers; any other code (`18_24`)
        # is compared as a code.
        numbers = {
            question.key: {
                choice.code: logic.as_number(choice.code)
                for choice in question.choices
                if not choice.non_substantive
            }
            for question in self.questionnaire.questions
            if question.key in self.fields and question.choices and logic.is_numeric(question)
        }
        facts = {}
        for key, value in self.earlier.items():
            question = self.questionnaire.question(key)
            if question is not None and key not in self.fields:
                fact = logic.fact_for(question, value)
                facts[key] = {
                    "codes": sorted(fact.codes),
                    "number": fact.number,
                    "text": fact.text,
                }
        return {
            "prefix": self.prefix,
            "items": [
                {
                    "id": entry.dom_id,
                    "key": getattr(entry.item, "key", None),
                    "condition": entry.condition,
                }
                for entry in entries
            ],
            "numbers": numbers,
            "facts": facts,
        }

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


def shuffled(choices: list, question: Question, seed: str) -> list:
    """`choices` in an order random per resident (`seed`) and question; anchored last."""
    anchored = {choice.code for choice in question.choices if choice.stays_last}
    blank = [c for c in choices if c[0] == ""]
    moving = [c for c in choices if c[0] and c[0] not in anchored]
    last = [c for c in choices if c[0] in anchored]
    random.Random(f"{seed}:{question.key}").shuffle(moving)
    return blank + moving + last


def describe(condition: logic.Condition | None, questionnaire: Questionnaire) -> str:
    """A condition in words, for residents without JavaScript: "Answer only if ..."."""
    if condition is None:
        return ""
    if isinstance(condition, logic.Rule):
        question = questionnaire.question(condition.key)
        name = f"“{question.label}”" if question else condition.key
        answers = [
            f"“{question.choice(v).label}”" if question and question.choice(v) else v
            for v in condition.values
        ]
        return _RULE_WORDS[condition.op]() % {"question": name, "answer": _(" or ").join(answers)}
    if isinstance(condition, logic.Not):
        return _("not (%(condition)s)") % {"condition": describe(condition.term, questionnaire)}
    joiner = _(" and ") if isinstance(condition, logic.All) else _(" or ")
    parts = [describe(term, questionnaire) for term in condition.terms]
    return joiner.join(f"({part})" if " " in part and len(parts) > 1 else part for part in parts)


_RULE_WORDS = {
    "equals": lambda: _("you answered %(answer)s to %(question)s"),
    "not_equals": lambda: _("you did not answer %(answer)s to %(question)s"),
    "one_of": lambda: _("you answered %(answer)s to %(question)s"),
    "not_one_of": lambda: _("you did not answer %(answer)s to %(question)s"),
    "selected": lambda: _("you chose %(answer)s in %(question)s"),
    "not_selected": lambda: _("you did not choose %(answer)s in %(question)s"),
    "lt": lambda: _("your answer to %(question)s is less than %(answer)s"),
    "le": lambda: _("your answer to %(question)s is at most %(answer)s"),
    "gt": lambda: _("your answer to %(question)s is more than %(answer)s"),
    "ge": lambda: _("your answer to %(question)s is at least %(answer)s"),
    "answered": lambda: _("you answered %(question)s"),
    "not_answered": lambda: _("you did not answer %(question)s"),
}
