"""The survey sheet's rows as our blocks, in one language.

One pass over the rows builds a raw StreamField body (see `builders.py`) with the
labels of one language; the default language's pass also records the problems.
Groups become sections, field-list groups pages; a group without a label only
carries its `relevant` down to what it holds.
"""

from __future__ import annotations

import re
import uuid

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from ..builders import question as question_block
from ..condition_blocks import condition_value
from ..logic import All, Condition, Not, Rule, TooDeep
from .expressions import ExpressionError, constraint_to_limits, expression_to_condition
from .our_columns import (
    RELEVANT_HINT,
    choice_flags,
    flag,
    our_type,
    question_options,
    scale_options,
    type_problem,
)
from .problems import Problem
from .reading import Row, Sheet

METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-audio",
    }
)
SIMPLE_TYPES = {"integer": "number", "decimal": "number", "text": "short_text", "date": "date"}
TRUE_VALUES = frozenset({"yes", "true", "1", "true()"})
SINGLE_CHOICE_TYPES = ("single_choice",)


class BodyBuilder:
    """Builds one language's body; `build()` returns (body, row number of each block)."""

    def __init__(self, sheets, language, default_language, problems, warnings):
        self.survey: Sheet = sheets["survey"]
        self.lists = _choice_lists(sheets.get("choices"))
        self.language, self.default_language = language, default_language
        self.problems, self.warnings = problems, warnings
        self.body: list[dict] = []
        self.rows: list[int] = []
        self.types: dict[str, str] = {}
        self.groups: list[tuple[str, Row, Condition | None]] = []  # kind, row, carried
        self.page_ended = False
        # A section's condition hides everything up to the next section or page, so
        # after a conditional group ends, only a new group (or page) may follow.
        self.conditional_section: Row | None = None
        self.section_ended: Row | None = None

    def build(self) -> tuple[list[dict], list[int]]:
        for row in self.survey.rows:
            self.row(row)
        for _kind, row, _carried in self.groups:
            self.problem(row, gettext("This group is never closed with end_group."))
        self._check_choice_lists()
        return self.body, self.rows

    # --- helpers ---------------------------------------------------------------------

    def problem(self, row: Row, reason: str, sheet: str = "survey") -> None:
        self.problems.append(Problem(sheet, row.number, reason))

    def text(self, row: Row, column: str) -> str:
        return row.text(column, self.language, self.default_language)

    def add(self, row: Row, block: dict) -> None:
        if self.page_ended and block["type"] != "page_break":
            self.body.append(
                {"type": "page_break", "value": {"title": "", "show_if": condition_value(None)}}
            )
            self.rows.append(row.number)
        if block["type"] in ("section", "page_break") or self.page_ended:
            self.section_ended = self.conditional_section = None
        elif self.section_ended is not None:
            self.problem(
                self.section_ended,
                gettext(
                    "The questions after this group's end would be hidden with it: put "
                    "them in a group of their own."
                ),
            )
            self.section_ended = self.conditional_section = None
        self.page_ended = False
        self.body.append(block)
        self.rows.append(row.number)

    # --- rows --------------------------------------------------------------------------

    def row(self, row: Row) -> None:
        kind = " ".join(row.get("type").split()).lower().replace("begin group", "begin_group")
        kind = kind.replace("end group", "end_group")
        parts = kind.split()
        if not parts:
            self.problem(row, gettext("The row has no type."))
        elif parts[0] in METADATA_TYPES:
            self.warnings.append(
                Problem(
                    "survey",
                    row.number,
                    gettext(
                        "'%(type)s' is not imported: Confianza never records device, time or "
                        "account data about the people who answer."
                    )
                    % {"type": parts[0]},
                )
            )
        elif parts[0] == "begin_group":
            self.begin_group(row)
        elif parts[0] == "end_group":
            self.end_group(row)
        elif parts[0] == "note":
            self.note(row)
        elif parts[0] in ("select_one", "select_multiple") and len(parts) == 2:
            self.select(row, parts[0], parts[1])
        elif parts[0] in ("select_one", "select_multiple") and parts[2:] == ["or_other"]:
            self.select(row, parts[0], parts[1], or_other=True)
        elif parts[0] in SIMPLE_TYPES and len(parts) == 1:
            self.simple(row, parts[0])
        else:
            self.problem(
                row, gettext("The type '%(type)s' is not supported.") % {"type": row.get("type")}
            )

    def begin_group(self, row: Row) -> None:
        label = self.text(row, "label")
        page = "field-list" in row.get("appearance").lower()
        kinds = [kind for kind, _row, _carried in self.groups]
        if (page and kinds) or ("section" in kinds and label):
            self.problem(
                row,
                gettext(
                    "Groups can nest only as a page (field-list) holding sections; this "
                    "group is too deep."
                ),
            )
        if page:
            value = {"title": label, "show_if": self.condition(row)}
            self.add(row, {"type": "page_break", "value": value})
            self.groups.append(("page", row, None))
        elif label:
            value = {"heading": label, "text": self.text(row, "hint")}
            value["show_if"] = self.condition(row)
            self.add(row, {"type": "section", "value": value})
            self.groups.append(("section", row, None))
            self.conditional_section = row if row.get("relevant") else None
        else:
            self.groups.append(("hidden", row, self.parsed(row)))

    def end_group(self, row: Row) -> None:
        if not self.groups:
            self.problem(row, gettext("end_group without a begin_group before it."))
            return
        kind, _begin, _carried = self.groups.pop()
        if kind == "page":
            self.page_ended = True
        if kind == "section" and self.conditional_section is not None:
            self.section_ended = row

    def note(self, row: Row) -> None:
        label = self.text(row, "label")
        if not label:
            self.problem(row, gettext("A note needs a label."))
        value = {"text": f"<p>{escape(label)}</p>", "show_if": self.condition(row)}
        self.add(row, {"type": "note", "value": value})

    def simple(self, row: Row, kind: str) -> None:
        block_type = SIMPLE_TYPES[kind]
        options = {}
        if kind in ("integer", "decimal"):
            options = {"integer": kind == "integer", **self.limits(row, kind == "integer")}
        if kind == "text":
            multiline = "multiline" in row.get("appearance").lower()
            block_type = "long_text" if multiline else "short_text"
            longest = 10000 if multiline else 255
            limit = self.upper_bound(row, "string-length", longest)
            options = {"max_length": limit or (2000 if multiline else 255)}
        elif kind not in ("integer", "decimal") and row.get("constraint"):
            self.problem(row, gettext("Constraints are supported on numbers only."))
        if our_type(row, kind, block_type) is None:
            self.problem(row, type_problem(row))
        self.question(row, block_type, options)

    def select(self, row: Row, kind: str, list_name: str, or_other: bool = False) -> None:
        choices = self.lists.get(list_name)
        if choices is None:
            self.problem(
                row,
                gettext("The choice list '%(list)s' is not on the choices sheet.")
                % {"list": list_name},
            )
            choices = []
        if row.get("choice_filter"):
            self.warnings.append(
                Problem(
                    "survey",
                    row.number,
                    gettext("choice_filter is ignored: all choices are shown."),
                )
            )
        values = [
            {"label": self.text(c, "label"), "code": c.get("name"), **choice_flags(c)}
            for c in choices
        ]
        if or_other:
            # ODK's `or_other`: an "Other" choice whose text the resident specifies.
            with translation.override(self.language):
                values.append({"label": gettext("Other"), "code": "other", "other": True})
        plain = "single_choice" if kind == "select_one" else "multiple_choice"
        block_type = our_type(row, kind, plain, list_name)
        if block_type is None:
            self.problem(row, type_problem(row))
            block_type = plain
        if block_type == "neighborhood":
            # Its choices are the site's neighborhoods, not the list's.
            self.question(row, block_type, {})
            return
        if block_type in ("likert", "rating"):
            # The scale's labels are its own (translated with the site), not the list's.
            options, problem = scale_options(block_type, values, lambda c: self.text(row, c))
            if problem:
                self.problem(row, problem)
            self.question(row, block_type, options)
            return
        options = {
            # In block format with ids, as the editor saves them: wagtail-localize
            # translates list items only then.
            "choices": [{"type": "item", "id": str(uuid.uuid4()), "value": v} for v in values],
            "randomize": "randomize=true" in row.get("parameters").replace(" ", "").lower()
            or flag(row, "randomize"),
        }
        if kind == "select_one":
            minimal = "minimal" in row.get("appearance").lower()
            options["widget"] = "dropdown" if minimal else "radio"
            if row.get("constraint"):
                self.problem(row, gettext("Constraints are supported on numbers only."))
        else:
            options["max_selections"] = self.upper_bound(row, "count-selected", len(values))
        self.question(row, block_type, options)

    def question(self, row: Row, block_type: str, options: dict) -> None:
        key = row.get("name")
        if not key:
            self.problem(row, gettext("A question needs a name."))
        if not self.text(row, "label"):
            self.problem(row, gettext("A question needs a label."))
        block = question_block(
            block_type,
            key,
            self.text(row, "label"),
            help_text=self.text(row, "hint"),
            required=row.get("required").strip().lower() in TRUE_VALUES,
            show_if=self.condition(row),
            **question_options(row, block_type),
            **options,
        )
        self.add(row, block)
        self.types.setdefault(key, block_type)

    # --- logic -------------------------------------------------------------------------

    def parsed(self, row: Row) -> Condition | None:
        text = row.get("relevant")
        if not text:
            return None
        try:
            return self.adapted(expression_to_condition(text))
        except ExpressionError as error:
            self.problem(row, gettext("relevant: %(reason)s") % {"reason": error})
            return None

    def condition(self, row: Row) -> dict:
        """The show_if value of `row`: its relevant, and any carried by groups around it."""
        terms = [carried for _kind, _row, carried in self.groups if carried is not None]
        own = self.parsed(row)
        if own is not None:
            terms.append(own)
        condition = terms[0] if len(terms) == 1 else All(tuple(terms)) if terms else None
        hint = self.text(row, RELEVANT_HINT) if condition is not None else ""
        try:
            return _with_ids(condition_value(condition, hint))
        except TooDeep:
            self.problem(
                row,
                gettext(
                    "relevant: the condition nests and/or more than two levels deep, which "
                    "the editor cannot show; simplify it."
                ),
            )
            return condition_value(None)

    def adapted(self, condition: Condition) -> Condition:
        """`selected()` on a single-choice question is `=` in our conditions."""
        if isinstance(condition, Rule):
            if self.types.get(condition.key) in SINGLE_CHOICE_TYPES:
                swap = {"selected": "equals", "not_selected": "not_equals"}
                return Rule(condition.key, swap.get(condition.op, condition.op), condition.values)
            return condition
        if isinstance(condition, Not):
            return Not(self.adapted(condition.term))
        return type(condition)(tuple(self.adapted(term) for term in condition.terms))

    def upper_bound(self, row: Row, function: str, largest: int) -> int | None:
        """N from a `constraint` `function(.) <= N` (text length, selections), if any."""
        text = row.get("constraint")
        if not text:
            return None
        match = re.fullmatch(rf"\s*{function}\(\s*\.\s*\)\s*<=\s*([0-9]{{1,6}})\s*", text)
        if match is None or not 1 <= int(match.group(1)) <= largest:
            self.problem(
                row,
                gettext("Only '%(form)s' (at most %(largest)d) is supported as this constraint.")
                % {"form": f"{function}(.) <= N", "largest": largest},
            )
            return None
        return int(match.group(1))

    def limits(self, row: Row, integer: bool) -> dict:
        text = row.get("constraint")
        if not text:
            return {"min_value": None, "max_value": None}
        try:
            limits = constraint_to_limits(text, integer=integer)
        except ExpressionError as error:
            self.problem(row, gettext("constraint: %(reason)s") % {"reason": error})
            return {"min_value": None, "max_value": None}
        return {"min_value": limits.minimum, "max_value": limits.maximum}

    # --- choices -----------------------------------------------------------------------

    def _check_choice_lists(self) -> None:
        for rows in self.lists.values():
            for choice in rows:
                if not choice.get("name"):
                    self.problem(choice, gettext("A choice needs a name (its code)."), "choices")
                if not self.text(choice, "label"):
                    self.problem(choice, gettext("A choice needs a label."), "choices")


def _with_ids(show_if: dict) -> dict:
    """Rules with stream ids, as the editor saves them (wagtail-localize needs them)."""
    for rule in show_if["rules"]:
        rule["id"] = str(uuid.uuid4())
    return show_if


def _choice_lists(sheet: Sheet | None) -> dict[str, list[Row]]:
    lists: dict[str, list[Row]] = {}
    for row in sheet.rows if sheet else []:
        name = row.get("list_name") or row.get("list name")
        lists.setdefault(name, []).append(row)
    return lists
