"""The six ways an independent review recovered hidden counts (ISSUE 18), each attacked
through the real public page (or the module that decides it) by the intruder."""

import pytest

from tests.disclosure.attack import attack, attack_together, printed_from_html
from tests.disclosure.conftest import STOPPED, TRUST, K, names

pytestmark = pytest.mark.django_db


def _people(area: str, count: int, **answers) -> list[dict]:
    return [{"area": area, **answers} for _ in range(count)]


def test_rounded_shares_and_intervals_do_not_give_away_a_dont_know_count(client, publish_answers):
    """Leak 1: 10/12/25 answers on 2/4/5 and 3 "don't know" printed as n = 50, 79 %,
    65–88 had one (base, favorable) pair, so "don't know" = 3."""
    east = (
        _people("east", 10, trust="2")
        + _people("east", 12, trust="4")
        + _people("east", 25, trust="5")
        + _people("east", 3, trust="98")
    )
    west = _people("west", 30, trust="2") + _people("west", 30, trust="4")
    west += _people("west", 12, trust="98")
    north = _people("north", 25, trust="1") + _people("north", 40, trust="5")
    north += _people("north", 15, trust="98")
    answers = east + west + north
    _survey, page = publish_answers(answers, keys="trust")
    html = client.get(page.url).content.decode()
    assert attack(html, answers, TRUST, names(answers), K) == {}
    # The page still says something useful: the other neighborhoods and the city.
    printed = printed_from_html(html, TRUST, names(answers))
    assert {"north", "__city__"} <= set(printed.rows)


def test_the_same_neighborhoods_are_hidden_in_every_question(client, publish_answers):
    """Leak 2: complements chosen question by question let one hidden neighborhood's n
    be worked out across two questions (n_a = 77 − 16 − 40 − 15 = 6)."""
    answers = []
    # Everyone answers "stopped"; three people of Birch skip "trust". Complements chosen
    # question by question hid Ash with Dove in one and with Birch in the other.
    for area, n, skipped in (("ash", 6, 0), ("birch", 16, 3), ("cedar", 40, 0), ("dove", 15, 0)):
        for i in range(n):
            trust = "" if i < skipped else ("4" if i % 2 else "2")
            answers.append({"area": area, "trust": trust, "stopped": "y" if i % 3 else "n"})
    _survey, page = publish_answers(answers, keys="trust stopped")
    html = client.get(page.url).content.decode()
    found = attack_together(
        html, answers, [TRUST, STOPPED], names(answers), K, required=("stopped",)
    )
    assert found == {}, found
