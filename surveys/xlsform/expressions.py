"""XLSForm expressions <-> display conditions, by parsing (never `eval`).

`relevant` expressions become `logic.Condition` trees and back; `constraint`
expressions on numbers become a minimum and a maximum. Only what a condition can say
is accepted: comparisons of an earlier answer with a value, `selected()`, `not()`,
`and`, `or` and parentheses. Anything else (arithmetic, `count-selected()`, `jr:`
functions, comparing two answers) is refused with a message naming what is not
supported, so an import never silently changes what a form means.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext

from ..logic import All, Any_, Condition, Not, Rule, as_number


class ExpressionError(ValueError):
    """An expression that cannot be read or that conditions cannot express."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # ref, string, number, op, name, "(", ")", ",", "."
    text: str


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{[^}]*\})
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?|-?\.\d+)
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<name>[A-Za-z_][\w:.-]*)
      | (?P<punct>[(),.])
    )""",
    re.VERBOSE,
)
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
_COMPARISON_OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}
_OP_SYMBOLS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def tokenize(text: str) -> list[Token]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            rest = text[position:].strip()
            raise ExpressionError(
                gettext("'%(text)s' is not supported (only comparisons, and, or, not).")
                % {"text": rest[:20]}
            )
        kind = match.lastgroup
        value = match.group(kind)
        tokens.append(Token(value if kind == "punct" else kind, value))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over tokens: or > and > not/parentheses/selected/comparison."""

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, kind: str | None = None) -> Token:
        token = self.peek()
        if token is None or (kind is not None and token.kind != kind):
            found = token.text if token else gettext("the end")
            raise ExpressionError(gettext("Unexpected %(found)s.") % {"found": found})
        self.position += 1
        return token

    def at_name(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "name" and token.text == name

    def parse(self) -> Condition:
        if not self.tokens:
            raise ExpressionError(gettext("The expression is empty."))
        condition = self.disjunction()
        if self.peek() is not None:
            raise ExpressionError(gettext("Unexpected %(found)s.") % {"found": self.peek().text})
        return condition

    def disjunction(self) -> Condition:
        terms = [self.conjunction()]
        while self.at_name("or"):
            self.take()
            terms.append(self.conjunction())
        return _joined(Any_, terms)

    def conjunction(self) -> Condition:
        terms = [self.term()]
        while self.at_name("and"):
            self.take()
            terms.append(self.term())
        return _joined(All, terms)

    def term(self) -> Condition:
        token = self.peek()
        if token is not None and token.kind == "(":
            self.take("(")
            condition = self.disjunction()
            self.take(")")
            return condition
        if token is not None and token.kind == "name":
            return self.function()
        return self.comparison()

    def function(self) -> Condition:
        name = self.take("name").text
        if name == "not":
            self.take("(")
            condition = self.disjunction()
            self.take(")")
            return Not(condition)
        if name == "selected":
            self.take("(")
            key = _key(self.take("ref"))
            self.take(",")
            value = self.take()
            if value.kind not in ("string", "number"):
                raise ExpressionError(gettext("selected() needs a choice code in quotes."))
            self.take(")")
            return Rule(key, "selected", (_literal(value),))
        raise ExpressionError(gettext("'%(name)s' is not supported.") % {"name": name})

    def comparison(self) -> Condition:
        left = self.take()
        op = self.take("op").text
        right = self.take()
        if left.kind != "ref" and right.kind == "ref":
            left, right, op = right, left, _FLIPPED[op]
        if left.kind != "ref" or right.kind not in ("string", "number"):
            raise ExpressionError(gettext("A comparison must be between ${question} and a value."))
        return _rule(_key(left), op, _literal(right))


def _joined(kind, terms: list[Condition]) -> Condition:
    flat = []
    for term in terms:
        flat.extend(term.terms if isinstance(term, kind) else [term])
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _key(token: Token) -> str:
    return token.text[2:-1].strip()


def _literal(token: Token) -> str:
    return token.text[1:-1] if token.kind == "string" else token.text


def _rule(key: str, op: str, value: str) -> Rule:
    if op in _COMPARISON_OPS:
        if as_number(value) is None:
            raise ExpressionError(
                gettext("'%(value)s' is not a number to compare with.") % {"value": value}
            )
        return Rule(key, _COMPARISON_OPS[op], (value,))
    if value == "":
        return Rule(key, "not_answered" if op == "=" else "answered")
    return Rule(key, "equals" if op == "=" else "not_equals", (value,))


def expression_to_condition(text: str) -> Condition:
    """The condition an XLSForm `relevant` expression states; raises ExpressionError."""
    return _Parser(text).parse()


# --- the other way: conditions as `relevant` expressions ------------------------------


def condition_to_expression(condition: Condition | None) -> str:
    """The XLSForm `relevant` expression of `condition` ("" for none)."""
    if condition is None:
        return ""
    if isinstance(condition, Rule):
        return _rule_expression(condition)
    if isinstance(condition, Not):
        return f"not({condition_to_expression(condition.term)})"
    joiner = " and " if isinstance(condition, All) else " or "
    return joiner.join(_nested(term) for term in condition.terms)


def _nested(condition: Condition) -> str:
    text = condition_to_expression(condition)
    return f"({text})" if isinstance(condition, All | Any_) else text


def _quoted(value: str) -> str:
    return f'"{value}"' if "'" in value else f"'{value}'"


def _rule_expression(rule: Rule) -> str:
    ref = f"${{{rule.key}}}"
    values = rule.values
    if rule.op == "answered":
        return f"{ref} != ''"
    if rule.op == "not_answered":
        return f"{ref} = ''"
    if rule.op in _OP_SYMBOLS:
        return f"{ref} {_OP_SYMBOLS[rule.op]} {values[0]}"
    if rule.op == "selected":
        return f"selected({ref}, {_quoted(values[0])})"
    if rule.op == "not_selected":
        return f"not(selected({ref}, {_quoted(values[0])}))"
    if rule.op in ("equals", "one_of"):
        text = " or ".join(f"{ref} = {_quoted(value)}" for value in values)
        return f"({text})" if len(values) > 1 else text
    text = " and ".join(f"{ref} != {_quoted(value)}" for value in values)
    return f"({text})" if len(values) > 1 else text


# --- constraints on numbers -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    minimum: float | None = None
    maximum: float | None = None


def constraint_to_limits(text: str, *, integer: bool) -> Limits:
    """The range a number `constraint` such as `. >= 0 and . <= 120` allows.

    A strict bound (`. > 0`) becomes the next whole number for integer questions; a
    decimal question can only keep inclusive bounds. Raises ExpressionError otherwise.
    """
    tokens = tokenize(text)
    minimum = maximum = None
    for clause in _and_clauses(tokens):
        op, number = _bound(clause)
        if op in (">", ">="):
            if minimum is not None:
                raise ExpressionError(gettext("The constraint gives two minimums."))
            minimum = _inclusive(number, op, integer)
        else:
            if maximum is not None:
                raise ExpressionError(gettext("The constraint gives two maximums."))
            maximum = _inclusive(number, op, integer)
    return Limits(minimum, maximum)


def _and_clauses(tokens: list[Token]) -> list[list[Token]]:
    clauses: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "name" and token.text == "and":
            clauses.append([])
        else:
            clauses[-1].append(token)
    return clauses


def _bound(clause: list[Token]) -> tuple[str, float]:
    unsupported = ExpressionError(
        gettext("Only number ranges are supported as constraints, like '. >= 0 and . <= 120'.")
    )
    if len(clause) != 3 or clause[1].kind != "op":
        raise unsupported
    left, op, right = clause
    if left.kind != "." and right.kind == ".":
        left, right, op = right, left, Token("op", _FLIPPED[op.text])
    number = as_number(_literal(right)) if right.kind in ("number", "string") else None
    if left.kind != "." or op.text not in _COMPARISON_OPS or number is None:
        raise unsupported
    return op.text, number


def _inclusive(number: float, op: str, integer: bool) -> float:
    if op in (">=", "<="):
        return number
    if not integer:
        raise ExpressionError(
            gettext(
                "A decimal question's limits include the limit itself: use >= or <= "
                "instead of > or <."
            )
        )
    # The next whole number inside the bound (`. > 2.5` allows 3, `. < 5` allows 4).
    return float(math.floor(number) + 1 if op == ">" else math.ceil(number) - 1)
