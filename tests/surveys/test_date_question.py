"""Date questions: asked with the browser's date input (text without it), stored as ISO
text, usable in conditions, listed but not counted in results."""

import datetime

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from surveys.analysis.questions import analysable_questions
from surveys.blocks import DateBlock
from surveys.logic import Fact, Rule, condition_errors, evaluate, fact_for
from surveys.question_types import AnswerValue, question_type
from surveys.questionnaire import Question

WHEN = Question(
    key="when",
    type="date",
    label="When?",
    min_date=datetime.date(2020, 1, 1),
    max_date=datetime.date(2030, 12, 31),
)
DATE = question_type("date")


def test_a_date_is_validated_and_stored_as_iso_text():
    field = DATE.form_field(WHEN, required=True)
    value = field.clean("2024-05-31")
    assert DATE.answer_values(WHEN, value) == [AnswerValue(text="2024-05-31")]
    assert DATE.form_value(WHEN, [AnswerValue(text="2024-05-31")]) == "2024-05-31"
    assert DATE.display(WHEN, [AnswerValue(text="2024-05-31")]) == "May 31, 2024"
    html = field.widget.render("q-when", None)
    assert 'type="date"' in html and 'min="2020-01-01"' in html and 'max="2030-12-31"' in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/05/2024", "like 2024-05-31"),
        ("2024-02-30", "like 2024-05-31"),
        ("2019-12-31", "no earlier than"),
        ("2031-01-01", "no later than"),
        ("", "Answer this question"),
    ],
)
def test_bad_dates_get_a_clear_error(text, message):
    from django import forms

    with pytest.raises(forms.ValidationError) as error:
        DATE.form_field(WHEN, required=True).clean(text)
    assert message in " ".join(error.value.messages)


def test_conditions_compare_dates_as_the_calendar_does():
    fact = fact_for(WHEN, datetime.date(2024, 5, 31))
    assert fact == Fact(text="2024-05-31")
    assert evaluate(Rule("when", "ge", ("2024-01-01",)), {"when": fact})
    assert not evaluate(Rule("when", "lt", ("2024-01-01",)), {"when": fact})
    assert evaluate(Rule("when", "equals", ("2024-05-31",)), {"when": fact})
    assert not evaluate(Rule("when", "gt", ("2024-01-01",)), {})
    assert condition_errors(Rule("when", "ge", ("2024-01-01",)), {"when": WHEN}) == []
    assert "not a date" in condition_errors(Rule("when", "ge", ("soon",)), {"when": WHEN})[0]
    assert condition_errors(Rule("when", "selected", ("x",)), {"when": WHEN})


def test_the_latest_date_cannot_precede_the_earliest():
    block = DateBlock()
    value = block.to_python(
        {"label": "When?", "key": "when", "min_date": "2024-01-01", "max_date": "2023-01-01"}
    )
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


@pytest.mark.django_db
def test_results_leave_dates_out(survey):
    questions, _indices = analysable_questions(survey)
    keys = [question.key for question in questions]
    assert "stopped_on" not in keys and "age" in keys
