"""Display logic: which questions, sections and pages a resident is shown.

A condition is data, never code: a tree of rules on earlier answers (`Rule`) combined
with `All`, `Any` and `Not`. Organizers build it in the Wagtail admin from drop-downs
(blocks.ConditionBlock), XLSForm `relevant` expressions translate to and from it
(xlsform.py), the server evaluates it here, and static/surveys/logic.js mirrors the
same rules in the browser as a convenience. The server is the authority: a question
that is hidden is never required, and anything posted for it is discarded.

Semantics follow ODK where they overlap: an unanswered question equals nothing, is
compared with no number (`lt`/`gt`... are false) and `not_equals` anything (true).
Dates are compared as ISO text (`YYYY-MM-DD` sorts as the calendar does).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

if TYPE_CHECKING:
    from .questionnaire import Question, Questionnaire

# Operator -> (needs values, the operator that negates it exactly, if any). Comparisons
# have none: "less than 5" and "at least 5" are both false for an unanswered question.
OPERATORS: dict[str, tuple[bool, str | None]] = {
    "equals": (True, "not_equals"),
    "not_equals": (True, "equals"),
    "one_of": (True, "not_one_of"),
    "not_one_of": (True, "one_of"),
    "selected": (True, "not_selected"),
    "not_selected": (True, "selected"),
    "lt": (True, None),
    "le": (True, None),
    "gt": (True, None),
    "ge": (True, None),
    "answered": (False, "not_answered"),
    "not_answered": (False, "answered"),
}
COMPARISONS = ("lt", "le", "gt", "ge")
CHOICE_TYPES = ("single_choice", "likert", "rating", "neighborhood")
TEXT_TYPES = ("short_text", "long_text")

# Which operators make sense for which question type.
OPERATORS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "single_choice": (
        "equals",
        "not_equals",
        "one_of",
        "not_one_of",
        *COMPARISONS,
        "answered",
        "not_answered",
    ),
    "multiple_choice": ("selected", "not_selected", "answered", "not_answered"),
    "number": (
        "equals",
        "not_equals",
        "one_of",
        "not_one_of",
        *COMPARISONS,
        "answered",
        "not_answered",
    ),
    "short_text": ("equals", "not_equals", "answered", "not_answered"),
}
OPERATORS_BY_TYPE["likert"] = OPERATORS_BY_TYPE["single_choice"]
OPERATORS_BY_TYPE["rating"] = OPERATORS_BY_TYPE["single_choice"]
OPERATORS_BY_TYPE["neighborhood"] = (
    "equals",
    "not_equals",
    "one_of",
    "not_one_of",
    "answered",
    "not_answered",
)
OPERATORS_BY_TYPE["long_text"] = OPERATORS_BY_TYPE["short_text"]
OPERATORS_BY_TYPE["date"] = ("equals", "not_equals", *COMPARISONS, "answered", "not_answered")


@dataclass(frozen=True, slots=True)
class Rule:
    """`key` `op` `values`: e.g. ("stopped", "equals", ("1",)) or ("age", "ge", ("18",))."""

    key: str
    op: str
    values: tuple[str, ...] = ()

    def negated(self) -> Rule | Not:
        opposite = OPERATORS[self.op][1]
        return Not(self) if opposite is None else Rule(self.key, opposite, self.values)


@dataclass(frozen=True, slots=True)
class All:
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    term: Condition


Condition = Rule | All | Any_ | Not


@dataclass(frozen=True, slots=True)
class Fact:
    """What a condition can know about one answer."""

    codes: frozenset[str] = frozenset()
    number: float | None = None
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.codes) or self.number is not None or bool(self.text)


NO_ANSWER = Fact()


# --- evaluation --------------------------------------------------------------------------


def evaluate(condition: Condition | None, facts: Mapping[str, Fact]) -> bool:
    """Whether `condition` holds for the answers in `facts` (no condition: always)."""
    if condition is None:
        return True
    if isinstance(condition, Rule):
        return _rule_holds(condition, facts.get(condition.key, NO_ANSWER))
    if isinstance(condition, All):
        return all(evaluate(term, facts) for term in condition.terms)
    if isinstance(condition, Any_):
        return any(evaluate(term, facts) for term in condition.terms)
    return not evaluate(condition.term, facts)


def _rule_holds(rule: Rule, fact: Fact) -> bool:
    op, values = rule.op, rule.values
    if op == "answered":
        return fact.answered
    if op == "not_answered":
        return not fact.answered
    if op in ("equals", "one_of"):
        return any(_matches(fact, value) for value in values)
    if op in ("not_equals", "not_one_of"):
        return not any(_matches(fact, value) for value in values)
    if op == "selected":
        return values[0] in fact.codes
    if op == "not_selected":
        return values[0] not in fact.codes
    if fact.text and values and as_date(values[0]) is not None:
        answer, limit = fact.text, values[0]
    else:
        answer, limit = fact.number, as_number(values[0]) if values else None
    if answer is None or limit is None:
        return False
    return {
        "lt": answer < limit,
        "le": answer <= limit,
        "gt": answer > limit,
        "ge": answer >= limit,
    }[op]


def _matches(fact: Fact, value: str) -> bool:
    if fact.codes:
        return value in fact.codes
    if fact.number is not None:
        return as_number(value) == fact.number
    return bool(fact.text) and fact.text == value


# A number as people write one. Not `float()`'s wider grammar: it reads the code `18_24`
# as 1824 (underscores), and accepts `1e3`, `nan` and `inf`.
NUMBER_PATTERN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def as_number(text: str | None) -> float | None:
    """The number `text` writes in plain decimal digits, or None (for a code like `18_24`)."""
    if text is None:
        return None
    text = str(text).strip()
    if not NUMBER_PATTERN.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def as_date(text: str | None) -> datetime.date | None:
    """The date an ISO `YYYY-MM-DD` text names, or None."""
    try:
        return datetime.date.fromisoformat(text) if len(text or "") == 10 else None
    except ValueError:
        return None


def is_numeric(question: Question) -> bool:
    """Whether answers to `question` are numbers: a number question, or choices whose
    substantive codes are all plain numbers (a 1-5 scale, 0-10 rating). Only then are
    they compared as numbers; otherwise a code is compared as a code."""
    if question.type == "number":
        return True
    if question.type not in CHOICE_TYPES or question.type == "neighborhood":
        return False
    codes = [choice.code for choice in question.choices if not choice.non_substantive]
    return bool(codes) and all(as_number(code) is not None for code in codes)


def fact_for(question: Question, value: Any) -> Fact:
    """The `Fact` of a cleaned form value of `question`."""
    if value in (None, "", [], ()):
        return NO_ANSWER
    if question.type == "multiple_choice":
        return Fact(codes=frozenset(str(code) for code in value))
    if question.type in CHOICE_TYPES:
        code = str(value)
        choice = question.choice(code)
        substantive = choice is not None and not choice.non_substantive
        number = as_number(code) if substantive and is_numeric(question) else None
        return Fact(codes=frozenset({code}), number=number)
    if question.type == "number":
        return Fact(number=float(value))
    if isinstance(value, datetime.date):
        return Fact(text=value.isoformat())
    return Fact(text=str(value))


# --- what is shown -----------------------------------------------------------------------


def shown(
    questionnaire: Questionnaire,
    values: Mapping[str, Any],
    *,
    undecided: Collection[str] = (),
) -> list[bool]:
    """For each item of `questionnaire`, whether it is shown given cleaned `values`.

    Items are decided in order: a condition sees only the answers of questions shown
    before it, so an answer left behind on a question that was then hidden counts for
    nothing. A page break's condition hides its whole page, a section's hides the
    items up to the next section or page. A condition that uses a key in `undecided`
    (questions still being answered on the page) counts as holding.
    """
    facts: dict[str, Fact] = {}

    def holds(condition: Condition | None) -> bool:
        if undecided and any(rule.key in undecided for rule in rules(condition)):
            return True
        return evaluate(condition, facts)

    result: list[bool] = []
    page_shown = section_shown = True
    for item in questionnaire.items:
        if item.type == "page_break":
            page_shown, section_shown = holds(item.condition), True
            result.append(page_shown)
            continue
        if item.type == "section":
            section_shown = page_shown and holds(item.condition)
            result.append(section_shown)
            continue
        visible = page_shown and section_shown and holds(item.condition)
        result.append(visible)
        if visible and item.is_question and item.key in values:
            facts[item.key] = fact_for(item, values[item.key])
    return result


def hidden_keys(questionnaire: Questionnaire, values: Mapping[str, Any]) -> set[str]:
    """Keys of the questions that `values` hide."""
    return {
        item.key
        for item, visible in zip(questionnaire.items, shown(questionnaire, values), strict=True)
        if item.is_question and not visible
    }


# --- checking conditions as organizers save them -------------------------------------------


def rules(condition: Condition | None) -> Iterable[Rule]:
    if condition is None:
        return
    if isinstance(condition, Rule):
        yield condition
    elif isinstance(condition, Not):
        yield from rules(condition.term)
    else:
        for term in condition.terms:
            yield from rules(term)


def condition_errors(condition: Condition | None, earlier: Mapping[str, Question]) -> list[str]:
    """Why `condition` cannot be used where only the questions `earlier` were asked before it.

    `earlier` maps keys to questions asked before the item, in order. A later or
    unknown key, an operator that does not suit the question, and a code the question
    does not offer are refused with a message an organizer can act on.
    """
    problems = []
    for rule in rules(condition):
        question = earlier.get(rule.key)
        if question is None:
            problems.append(
                gettext(
                    "The condition refers to '%(key)s', which is not a question asked "
                    "before this one. A condition can only use earlier answers."
                )
                % {"key": rule.key}
            )
            continue
        problems.extend(_rule_problems(rule, question))
    return problems


def _rule_problems(rule: Rule, question: Question) -> list[str]:
    if rule.op not in OPERATORS:
        return [gettext("'%(op)s' is not a condition operator.") % {"op": rule.op}]
    allowed = OPERATORS_BY_TYPE.get(question.type, ())
    if rule.op not in allowed:
        return [
            gettext("'%(op)s' cannot be used with the question '%(key)s'.")
            % {"op": OPERATOR_LABELS.get(rule.op, rule.op), "key": question.key}
        ]
    needs_values = OPERATORS[rule.op][0]
    if needs_values and not rule.values:
        return [
            gettext("Give the answer that the condition on '%(key)s' compares with.")
            % {"key": question.key}
        ]
    if not needs_values:
        return []
    if (
        rule.op in ("equals", "not_equals", "selected", "not_selected", *COMPARISONS)
        and len(rule.values) > 1
    ):
        return [
            gettext("Give one answer for the condition on '%(key)s', or use 'is one of'.")
            % {"key": question.key}
        ]
    if question.type == "date":
        bad = [value for value in rule.values if as_date(value) is None]
        if bad:
            return [gettext("'%(value)s' is not a date like 2024-05-31.") % {"value": bad[0]}]
        return []
    if rule.op in COMPARISONS and question.choices and not is_numeric(question):
        return [
            gettext(
                "The answers to '%(key)s' are codes, not numbers, so they cannot be "
                "compared as more or less: use 'is' or 'is one of'."
            )
            % {"key": question.key}
        ]
    if rule.op in COMPARISONS or question.type == "number":
        bad = [value for value in rule.values if as_number(value) is None]
        if bad:
            return [gettext("'%(value)s' is not a number.") % {"value": bad[0]}]
        return []
    if question.choices and question.type != "neighborhood":
        codes = {choice.code for choice in question.choices}
        unknown = [value for value in rule.values if value not in codes]
        if unknown:
            return [
                gettext("The question '%(key)s' has no answer with the code '%(code)s'.")
                % {"key": question.key, "code": unknown[0]}
            ]
    return []


OPERATOR_LABELS: dict[str, str] = {}  # filled by blocks.py with the admin's wording


# --- data form (JSON), for the browser and for storage in tests and imports -------------------


def to_data(condition: Condition | None) -> Any:
    if condition is None:
        return None
    if isinstance(condition, Rule):
        return {"key": condition.key, "op": condition.op, "values": list(condition.values)}
    if isinstance(condition, All):
        return {"all": [to_data(term) for term in condition.terms]}
    if isinstance(condition, Any_):
        return {"any": [to_data(term) for term in condition.terms]}
    return {"not": to_data(condition.term)}


def from_data(data: Any) -> Condition | None:
    if data is None:
        return None
    if "all" in data:
        return All(tuple(from_data(term) for term in data["all"]))
    if "any" in data:
        return Any_(tuple(from_data(term) for term in data["any"]))
    if "not" in data:
        return Not(from_data(data["not"]))
    return Rule(data["key"], data["op"], tuple(str(v) for v in data.get("values", ())))


# --- the admin's two-level form: match all / any / none of rules and groups of rules --------

MATCHES = ("all", "any", "none")


def from_match(match: str, terms: Sequence[Condition]) -> Condition | None:
    """A condition from the admin's "match all / any / none of" and its terms."""
    terms = tuple(terms)
    if not terms:
        return None
    if match == "none":
        return Not(terms[0] if len(terms) == 1 else Any_(terms))
    if len(terms) == 1:
        return terms[0]
    return Any_(terms) if match == "any" else All(terms)


def negation_normal_form(condition: Condition) -> Condition:
    """`condition` with every Not pushed onto its rules: a rule with an exact negation
    becomes it, a comparison stays under its Not."""
    if isinstance(condition, Rule):
        return condition
    if isinstance(condition, All):
        return All(tuple(negation_normal_form(t) for t in condition.terms))
    if isinstance(condition, Any_):
        return Any_(tuple(negation_normal_form(t) for t in condition.terms))
    inner = condition.term
    if isinstance(inner, Rule):
        return inner.negated()
    if isinstance(inner, Not):
        return negation_normal_form(inner.term)
    flipped = tuple(negation_normal_form(Not(t)) for t in inner.terms)
    return Any_(flipped) if isinstance(inner, All) else All(flipped)


class TooDeep(ValueError):
    """A condition nested deeper than the admin's two levels can show."""


def to_match(condition: Condition | None) -> tuple[str, list[Rule | tuple[str, list[Rule]]]]:
    """The admin's form of `condition`: (match, [rule | (group match, [rules])]).

    A negated comparison becomes a group matching "none" of it. Raises `TooDeep` when
    even the negation normal form nests and/or three levels deep.
    """
    if condition is None:
        return "all", []
    condition = _flatten(negation_normal_form(condition))
    if isinstance(condition, Rule):
        return "all", [condition]
    if isinstance(condition, Not):
        return "none", [condition.term]
    match = "all" if isinstance(condition, All) else "any"
    terms: list = []
    for term in condition.terms:
        if isinstance(term, Rule):
            terms.append(term)
        elif isinstance(term, Not):
            terms.append(("none", [term.term]))
        elif all(isinstance(t, Rule) for t in term.terms):
            terms.append(("all" if isinstance(term, All) else "any", list(term.terms)))
        else:
            raise TooDeep("conditions nest at most two levels deep")
    return match, terms


def _flatten(condition: Condition) -> Condition:
    """Merge nested Alls into their All parent (and Anys into Any)."""
    if isinstance(condition, Rule | Not):
        return condition
    kind = type(condition)
    terms: list[Condition] = []
    for term in condition.terms:
        term = _flatten(term)
        if isinstance(term, kind):
            terms.extend(term.terms)
        else:
            terms.append(term)
    return terms[0] if len(terms) == 1 else kind(tuple(terms))
