"""Issue 19, Analysts 6: a choice code such as `18_24` is a code, never the number 1824."""

import json
import re

import pytest

from surveys import logic
from surveys.builders import choices, question
from surveys.questionnaire import Choice, Question
from tests.factories import body_with_ids, edit_form_data, make_survey
from tests.surveys.conftest import when
from tests.surveys.test_editing import editor_errors

pytestmark = pytest.mark.django_db

AGES = choices(("18_24", "18–24"), ("25_34", "25–34"), ("65_plus", "65 or older"))


def age_body(condition: logic.Condition) -> list[dict]:
    return [
        question("single_choice", "age_group", "Your age?", choices=AGES, widget="radio"),
        question("short_text", "school", "Which school?", max_length=50, show_if=when(condition)),
    ]


def test_the_browser_is_not_told_that_a_code_is_a_number(client, home, neighborhoods):
    survey = make_survey(home, age_body(logic.Rule("age_group", "equals", ("18_24",))))
    page = client.get(survey.url).content.decode()
    spec = json.loads(re.search(r'id="survey-logic"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert spec["numbers"].get("age_group", {}) == {}


def test_the_editor_refuses_to_compare_codes_as_numbers(client, staff, home, neighborhoods):
    survey = make_survey(home, age_body(logic.Rule("age_group", "answered")), publish=False)
    body = body_with_ids(survey)
    body[1]["value"]["show_if"] = when(logic.Rule("age_group", "ge", ("25_34",)))
    client.force_login(staff)
    result = client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))
    assert result.status_code == 200
    assert "are codes, not numbers" in editor_errors(result)


def test_codes_are_compared_as_codes_and_numeric_scales_as_numbers():
    ages = Question(
        key="age_group",
        type="single_choice",
        label="Age",
        choices=(Choice("18_24", "18-24"), Choice("25_34", "25-34")),
    )
    young = logic.fact_for(ages, "18_24")
    assert young.number is None and logic.as_number("18_24") is None
    assert not logic.evaluate(logic.Rule("age_group", "ge", ("1824",)), {"age_group": young})
    assert logic.evaluate(logic.Rule("age_group", "equals", ("18_24",)), {"age_group": young})
    assert logic.condition_errors(
        logic.Rule("age_group", "lt", ("1824",)), {"age_group": ages}
    ) == [
        "The answers to 'age_group' are codes, not numbers, so they cannot be compared as "
        "more or less: use 'is' or 'is one of'."
    ]
    scale = Question(
        key="trust",
        type="likert",
        label="Trust",
        choices=(Choice("1", "Low"), Choice("2", "High"), Choice("98", "?", non_substantive=True)),
    )
    assert logic.fact_for(scale, "2").number == 2.0
    assert logic.condition_errors(logic.Rule("trust", "ge", ("2",)), {"trust": scale}) == []
    for text in ("1e3", "nan", "inf", "0x10", "1_000", ""):
        assert logic.as_number(text) is None
    assert logic.as_number(" -2.5 ") == -2.5
