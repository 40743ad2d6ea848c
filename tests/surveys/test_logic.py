"""Display conditions as data: evaluation, what is shown, checks, and the admin's form."""

import pytest
from hypothesis import given, strategies as st

from surveys import logic
from surveys.logic import All, Any_, Fact, Not, Rule
from surveys.questionnaire import Choice, PageBreak, Question, Questionnaire, Section

YES_NO = (Choice("1", "Yes"), Choice("2", "No"), Choice("98", "Don't know", non_substantive=True))


def q(key, type_="single_choice", condition=None, choices=YES_NO):
    return Question(key=key, type=type_, label=key.title(), choices=choices, condition=condition)


@pytest.mark.parametrize(
    ("rule", "fact", "expected"),
    [
        (Rule("a", "equals", ("1",)), Fact(codes=frozenset({"1"})), True),
        (Rule("a", "equals", ("1",)), Fact(codes=frozenset({"2"})), False),
        (Rule("a", "equals", ("1",)), logic.NO_ANSWER, False),
        # ODK: an unanswered question is "not equal" to anything.
        (Rule("a", "not_equals", ("1",)), logic.NO_ANSWER, True),
        (Rule("a", "one_of", ("1", "2")), Fact(codes=frozenset({"2"})), True),
        (Rule("a", "not_one_of", ("1", "2")), Fact(codes=frozenset({"98"})), True),
        (Rule("m", "selected", ("x",)), Fact(codes=frozenset({"x", "y"})), True),
        (Rule("m", "not_selected", ("x",)), Fact(codes=frozenset({"y"})), True),
        (Rule("n", "ge", ("18",)), Fact(number=18.0), True),
        (Rule("n", "gt", ("18",)), Fact(number=18.0), False),
        (Rule("n", "lt", ("18",)), logic.NO_ANSWER, False),
        (Rule("n", "le", ("2.5",)), Fact(number=2.5), True),
        (Rule("n", "equals", ("3",)), Fact(number=3.0), True),
        (Rule("t", "equals", ("hi",)), Fact(text="hi"), True),
        (Rule("t", "answered"), Fact(text="hi"), True),
        (Rule("t", "not_answered"), Fact(text="hi"), False),
    ],
)
def test_rules(rule, fact, expected):
    assert logic.evaluate(rule, {rule.key: fact}) is expected


def test_combinations():
    facts = {"a": Fact(codes=frozenset({"1"})), "n": Fact(number=5.0)}
    yes = Rule("a", "equals", ("1",))
    old = Rule("n", "ge", ("18",))
    assert logic.evaluate(All((yes, Not(old))), facts)
    assert not logic.evaluate(All((yes, old)), facts)
    assert logic.evaluate(Any_((old, yes)), facts)
    assert logic.evaluate(None, facts)


def test_a_non_substantive_code_is_no_number():
    question = q("scale", "likert")
    assert logic.fact_for(question, "98").number is None
    assert logic.fact_for(question, "2").number == 2.0
    assert not logic.evaluate(
        Rule("scale", "gt", ("1",)), {"scale": logic.fact_for(question, "98")}
    )


def test_answers_to_hidden_questions_count_for_nothing():
    stopped = q("stopped")
    why = q("why", condition=Rule("stopped", "equals", ("1",)))
    followup = q("followup", condition=Rule("why", "answered"))
    questionnaire = Questionnaire(items=(stopped, why, followup), language="en")
    # `why` was answered, then `stopped` changed to No: `followup` must not appear.
    assert logic.hidden_keys(questionnaire, {"stopped": "2", "why": "1"}) == {"why", "followup"}
    assert logic.hidden_keys(questionnaire, {"stopped": "1", "why": "1"}) == set()


def test_sections_and_pages_hide_what_they_hold():
    first = q("first")
    items = (
        first,
        Section("Only for Yes", condition=Rule("first", "equals", ("1",))),
        q("in_section"),
        PageBreak("Page two", condition=Rule("first", "equals", ("2",))),
        q("on_page_two"),
        Section("Always"),
        q("after"),
    )
    questionnaire = Questionnaire(items=items, language="en")
    assert logic.hidden_keys(questionnaire, {"first": "1"}) == {"on_page_two", "after"}
    assert logic.hidden_keys(questionnaire, {"first": "2"}) == {"in_section"}
    # An undecided key (still being answered) counts as holding.
    shown = logic.shown(questionnaire, {}, undecided={"first"})
    assert all(shown)


def test_conditions_may_only_use_earlier_questions():
    earlier = {"a": q("a"), "n": q("n", "number", choices=())}
    assert logic.condition_errors(Rule("a", "equals", ("1",)), earlier) == []
    [later] = logic.condition_errors(Rule("later", "equals", ("1",)), earlier)
    assert "'later'" in later and "earlier" in later
    [code] = logic.condition_errors(Rule("a", "equals", ("7",)), earlier)
    assert "no answer with the code '7'" in code
    [op] = logic.condition_errors(Rule("a", "selected", ("1",)), earlier)
    assert "cannot be used" in op
    [number] = logic.condition_errors(Rule("n", "gt", ("many",)), earlier)
    assert "not a number" in number
    [missing] = logic.condition_errors(Rule("a", "equals", ()), earlier)
    assert "Give the answer" in missing


KEYS = st.sampled_from(["a", "b", "c"])
RULES = st.builds(Rule, KEYS, st.sampled_from(list(logic.OPERATORS)), st.just(("1",)))
CONDITIONS = st.recursive(
    RULES,
    lambda inner: st.one_of(
        st.builds(lambda ts: All(tuple(ts)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(lambda ts: Any_(tuple(ts)), st.lists(inner, min_size=2, max_size=3)),
        st.builds(Not, inner),
    ),
    max_leaves=6,
)
FACTS = st.fixed_dictionaries(
    {
        key: st.one_of(
            st.just(logic.NO_ANSWER),
            st.builds(
                lambda c: Fact(codes=frozenset({c}), number=float(c)), st.sampled_from(["1", "2"])
            ),
        )
        for key in "abc"
    }
)


@given(CONDITIONS, FACTS)
def test_data_form_and_negation_normal_form_keep_the_meaning(condition, facts):
    expected = logic.evaluate(condition, facts)
    assert logic.evaluate(logic.from_data(logic.to_data(condition)), facts) == expected
    assert logic.evaluate(logic.negation_normal_form(condition), facts) == expected
    try:
        match, terms = logic.to_match(condition)
    except logic.TooDeep:
        return
    rebuilt = logic.from_match(
        match,
        [t if isinstance(t, Rule) else logic.from_match(t[0], t[1]) for t in terms],
    )
    assert logic.evaluate(rebuilt, facts) == expected


def test_three_levels_do_not_fit_the_admin_form():
    a, b, c, d = (Rule(k, "answered") for k in "abcd")
    assert logic.to_match(Not(All((a, b))))[0] == "any"  # De Morgan: any of the negations
    with pytest.raises(logic.TooDeep):
        logic.to_match(All((a, Any_((b, All((c, d)))))))
