""" "Favorable" is said in words, and every dash in a results table has a footnote."""

from types import SimpleNamespace

from surveys.presentation import QuestionDisplay, TableRow, favorable_words


def test_favorable_is_said_in_the_answers_words():
    worry = SimpleNamespace(
        codes=[("1", "Not at all worried", False), ("2", "Very worried", False)],
        favorable_codes=("1",),
    )
    assert favorable_words(worry) == "% who answered: Not at all worried"
    index = SimpleNamespace(codes=[], favorable_codes=(), favorable_at_least=4.0)
    assert favorable_words(index) == "% with a score of 4 or more"
    assert favorable_words(SimpleNamespace(codes=[], favorable_codes=())) == ""


def test_a_table_with_a_dash_asks_for_its_footnote():
    shown = QuestionDisplay(
        "k", "Label", "Mean", "", None, [TableRow("City-wide", "40", "3.1", "")]
    )
    assert not shown.has_dashes
    hidden = QuestionDisplay("k", "Label", "Mean", "", None, [TableRow("Area", "—", "—", "")])
    assert hidden.has_dashes
