"""The "Show only if" editor: display conditions built from drop-downs, no code.

An organizer picks "all", "any" or "none" of a list of rules, each "question key,
operator, answer"; a rule can also be a group with its own all/any/none, which covers
and, or and not two levels deep (what XLSForms from the Kobo/ODK world use). The value
becomes a `logic.Condition`; `check_conditions` refuses, on save, a condition that
refers to a later, removed or unknown question.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from . import logic
from .questionnaire import FAVORABLE_PATTERN, KEY_MAX_LENGTH, KEY_PATTERN

OPERATOR_CHOICES = [
    ("equals", _("is")),
    ("not_equals", _("is not")),
    ("one_of", _("is one of")),
    ("not_one_of", _("is none of")),
    ("selected", _("has selected")),
    ("not_selected", _("has not selected")),
    ("lt", _("is less than")),
    ("le", _("is at most")),
    ("gt", _("is more than")),
    ("ge", _("is at least")),
    ("answered", _("is answered")),
    ("not_answered", _("is not answered")),
]
logic.OPERATOR_LABELS.update({op: label for op, label in OPERATOR_CHOICES})

MATCH_CHOICES = [
    ("all", _("all of these are true")),
    ("any", _("any of these is true")),
    ("none", _("none of these is true")),
]


class RuleBlock(blocks.StructBlock):
    question = blocks.RegexBlock(
        regex=KEY_PATTERN.pattern,
        max_length=KEY_MAX_LENGTH,
        label=_("Question key"),
        help_text=_("The key of an earlier question."),
        error_messages={"invalid": _("Enter the key of an earlier question.")},
    )
    operator = blocks.ChoiceBlock(choices=OPERATOR_CHOICES, default="equals", label=_("Test"))
    # A RegexBlock, not a CharBlock: codes and numbers are not offered for translation.
    value = blocks.RegexBlock(
        regex=FAVORABLE_PATTERN.pattern,
        required=False,
        max_length=500,
        error_messages={"invalid": _("Codes and numbers only, separated by spaces.")},
        label=_("Answer"),
        help_text=_(
            "A choice code or a number; for 'is one of', codes separated by spaces. "
            "Leave blank for 'is answered'."
        ),
    )

    class Meta:
        icon = "help"
        label = _("Rule")

    @staticmethod
    def to_rule(value) -> logic.Rule:
        return logic.Rule(
            value["question"], value["operator"], tuple((value["value"] or "").split())
        )


class RuleGroupBlock(blocks.StructBlock):
    match = blocks.ChoiceBlock(choices=MATCH_CHOICES, default="any", label=_("Show if"))
    rules = blocks.ListBlock(RuleBlock(), min_num=1, label=_("Rules"))

    class Meta:
        icon = "list-ul"
        label = _("Group of rules")


class ConditionBlock(blocks.StructBlock):
    """Optional: with no rules, the item is always shown."""

    match = blocks.ChoiceBlock(choices=MATCH_CHOICES, default="all", label=_("Show if"))
    rules = blocks.StreamBlock(
        [("rule", RuleBlock()), ("group", RuleGroupBlock())], required=False, label=_("Rules")
    )
    # Text, so wagtail-localize offers it for translation like the question's label.
    # Blank, never None, in conditions saved before it existed (wagtail-localize reads it).
    hint = blocks.CharBlock(
        required=False,
        default="",
        max_length=300,
        label=_("In words, for residents"),
        help_text=_(
            'Shown to residents whose browser cannot apply the rules, e.g. "Answer this if '
            'you had contact with the police in the last 12 months." Leave blank for a '
            "sentence made from the rules."
        ),
    )

    class Meta:
        icon = "view"
        label = _("Show only if")
        collapsed = True
        help_text = _("Leave without rules to always show this.")

    @staticmethod
    def to_condition(value) -> logic.Condition | None:
        if not value or not value.get("rules"):
            return None
        terms = []
        for child in value["rules"]:
            if child.block_type == "group":
                rules = [RuleBlock.to_rule(rule) for rule in child.value["rules"]]
                terms.append(logic.from_match(child.value["match"], rules))
            else:
                terms.append(RuleBlock.to_rule(child.value))
        return logic.from_match(value["match"], [term for term in terms if term is not None])

    @staticmethod
    def to_hint(value) -> str:
        """The organizer's sentence for residents without JavaScript ("" if none)."""
        if not value or not value.get("rules"):
            return ""
        return (value.get("hint") or "").strip()


def condition_value(condition: logic.Condition | None, hint: str = "") -> dict:
    """The raw block value of `condition` and its sentence in words `hint` (for
    importers); raises logic.TooDeep."""
    match, terms = logic.to_match(condition)

    def rule(r: logic.Rule) -> dict:
        return {"question": r.key, "operator": r.op, "value": " ".join(r.values)}

    stream = []
    for term in terms:
        if isinstance(term, logic.Rule):
            stream.append({"type": "rule", "value": rule(term)})
        else:
            group_match, group_rules = term
            stream.append(
                {
                    "type": "group",
                    "value": {"match": group_match, "rules": [rule(r) for r in group_rules]},
                }
            )
    return {"match": match, "rules": stream, "hint": hint}


def check_conditions(stream, questionnaire_items) -> dict[int, StructBlockValidationError]:
    """Errors, by stream index, for conditions that refer to anything but earlier questions.

    `questionnaire_items` are the stream's items as the questionnaire reads them (so
    blank keys have been filled), one per stream child, in order.
    """
    errors = {}
    earlier = {}
    for index, item in enumerate(questionnaire_items):
        problems = logic.condition_errors(item.condition, earlier)
        if problems:
            errors[index] = StructBlockValidationError(
                {"show_if": ValidationError(" ".join(problems))}
            )
        if item.is_question:
            earlier[item.key] = item
    return errors
