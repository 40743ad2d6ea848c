"""XLSForm `relevant` and `constraint` expressions are parsed, never evaluated as code."""

import pytest

from surveys.logic import All, Any_, Not, Rule
from surveys.xlsform.expressions import (
    ExpressionError,
    Limits,
    condition_to_expression,
    constraint_to_limits,
    expression_to_condition,
)

A_YES = Rule("a", "equals", ("yes",))


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("${a} = 'yes'", A_YES),
        ('${a}="yes"', A_YES),
        ("'yes' = ${a}", A_YES),
        ("${a} != 'no'", Rule("a", "not_equals", ("no",))),
        ("${age} < 18", Rule("age", "lt", ("18",))),
        ("${age}<=18.5", Rule("age", "le", ("18.5",))),
        ("${age} > -2", Rule("age", "gt", ("-2",))),
        ("${age} >= '30'", Rule("age", "ge", ("30",))),
        ("18 < ${age}", Rule("age", "gt", ("18",))),
        ("${age} = 3", Rule("age", "equals", ("3",))),
        ("${a} != ''", Rule("a", "answered")),
        ("${a} = ''", Rule("a", "not_answered")),
        ("selected(${m}, 'x')", Rule("m", "selected", ("x",))),
        ('selected( ${m} , "x" )', Rule("m", "selected", ("x",))),
        ("not(selected(${m}, 'x'))", Not(Rule("m", "selected", ("x",)))),
        (
            "${a} = 'yes' or ${a} = 'maybe'",
            Any_((A_YES, Rule("a", "equals", ("maybe",)))),
        ),
        (
            "${a} = 'yes' and ${b} = '1' or ${c} > 2",
            Any_((All((A_YES, Rule("b", "equals", ("1",)))), Rule("c", "gt", ("2",)))),
        ),
        (
            "${a} = 'yes' and (${b} = '1' or ${c} > 2)",
            All((A_YES, Any_((Rule("b", "equals", ("1",)), Rule("c", "gt", ("2",)))))),
        ),
        (
            "${a} = 'yes' and ${b} = '1' and ${c} = ''",
            All((A_YES, Rule("b", "equals", ("1",)), Rule("c", "not_answered"))),
        ),
        ("((${a} = 'yes'))", A_YES),
    ],
)
def test_relevant_expressions_become_conditions(text, condition):
    assert expression_to_condition(text) == condition


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("count-selected(${m}) > 2", "'count-selected' is not supported"),
        ("jr:choice-name(${a}, '${a}') = 'x'", "'jr:choice-name' is not supported"),
        ("${a} + 1 > 2", "is not supported"),
        ("${a} * 2 > 2", "is not supported"),
        ("${a} = ${b}", "between ${question} and a value"),
        ("${a} > 'high'", "'high' is not a number"),
        ("${a} = 'x' and", "Unexpected the end"),
        ("(${a} = 'x'", "Unexpected the end"),
        ("${a} = 'x')", "Unexpected )"),
        ("${a}", "Unexpected the end"),
        ("", "empty"),
        ("today() > '2024-01-01'", "'today' is not supported"),
        ("__import__('os')", "'__import__' is not supported"),
        ("selected(${a})", "Unexpected )"),
        ("${a} = 'x' xor ${b} = 'y'", "Unexpected xor"),
    ],
)
def test_what_conditions_cannot_say_is_refused_clearly(text, message):
    with pytest.raises(ExpressionError) as error:
        expression_to_condition(text)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "condition",
    [
        A_YES,
        Rule("a", "not_equals", ("it's",)),
        Rule("age", "lt", ("18",)),
        Rule("age", "ge", ("2.5",)),
        Rule("a", "answered"),
        Rule("a", "not_answered"),
        Rule("m", "selected", ("x",)),
        Not(A_YES),
        All((A_YES, Any_((Rule("b", "equals", ("1",)), Rule("c", "gt", ("2",)))))),
        Any_((All((A_YES, Rule("b", "equals", ("1",)))), Not(Rule("m", "selected", ("x",))))),
    ],
)
def test_conditions_round_trip_through_expressions(condition):
    assert expression_to_condition(condition_to_expression(condition)) == condition


def test_lists_of_values_become_rules_joined_by_or_and_and():
    one_of = Rule("a", "one_of", ("x", "y"))
    assert condition_to_expression(one_of) == "(${a} = 'x' or ${a} = 'y')"
    none_of = Rule("a", "not_one_of", ("x", "y"))
    assert condition_to_expression(none_of) == "(${a} != 'x' and ${a} != 'y')"
    assert condition_to_expression(Rule("m", "not_selected", ("x",))) == (
        "not(selected(${m}, 'x'))"
    )
    assert condition_to_expression(None) == ""


@pytest.mark.parametrize(
    ("text", "integer", "limits"),
    [
        (". >= 0 and . <= 120", True, Limits(0, 120)),
        (".>0", True, Limits(1, None)),
        (". < 5", True, Limits(None, 4)),
        (". > 2.5", True, Limits(3, None)),
        (". < -2.5", True, Limits(None, -3)),
        ("0 <= .", False, Limits(0, None)),
        (". <= 24.5 and . >= 0.5", False, Limits(0.5, 24.5)),
    ],
)
def test_number_constraints_become_limits(text, integer, limits):
    assert constraint_to_limits(text, integer=integer) == limits


@pytest.mark.parametrize(
    ("text", "integer"),
    [
        (". > 0", False),
        (". >= 0 or . <= 5", True),
        (". >= 0 and . >= 5", True),
        (". <= 1 and . <= 5", True),
        ("regex(., '^[0-9]+$')", True),
        (". != 3", True),
        (". = 3", True),
        (". >= ${age}", True),
        ("string-length(.) < 5", True),
    ],
)
def test_other_constraints_are_refused(text, integer):
    with pytest.raises(ExpressionError):
        constraint_to_limits(text, integer=integer)
