"""Means of free numbers, audited on the people behind them through the real page: the
printed city-wide mean and n, less every printed neighborhood's, give the mean of
everyone else, so that group must be empty or number at least k."""

import re

import pytest

from surveys.builders import question
from tests.disclosure.attack import table_rows
from tests.disclosure.conftest import K

pytestmark = pytest.mark.django_db

YEARS = "Years lived here"
BODY = [
    question("neighborhood", "area", "Area"),
    question("number", "years", YEARS, min_value=0, max_value=99, integer=True),
]


def _number(text: str) -> float | None:
    text = text.replace(",", "").strip()
    return float(text) if re.fullmatch(r"\d+(\.\d+)?", text) else None


def everyone_else(html: str) -> tuple[int, float] | None:
    """(people, mean) of those in the city-wide mean but in no printed neighborhood's,
    as a reader works them out from the table; None where the city's is not printed."""
    rows = table_rows(html, f"{YEARS} — ")
    assert rows, "no table of the means on the page"
    city_n, city_mean = (_number(v) for v in rows.pop("City-wide")[:2])
    if city_n is None or city_mean is None:
        return None
    people, total = city_n, city_n * city_mean
    for n, mean, *_rest in rows.values():
        if _number(n) is not None and _number(mean) is not None:
            people -= _number(n)
            total -= _number(n) * _number(mean)
    return int(people), (total / people if people else 0.0)


# Neighborhoods large and varied enough for their means to be reliable (n ≥ 30).
SPREAD = {
    "cedar": [1 + i % 30 for i in range(30)],
    "dove": [5 + i % 20 for i in range(35)],
    "elm": [2 + i % 15 for i in range(40)],
}


def _answers(spec: dict) -> list[dict]:
    answers = []
    for area, values in spec.items():
        answers += [{"area": area, "years": str(v)} for v in values]
    return answers


def test_two_small_neighborhoods_together_are_not_a_mean_of_fewer_than_k(client, publish_answers):
    """Ash (3 answers) and Birch (4) are hidden, each with many residents who skipped the
    question, so neither count can be pinned; yet the city-wide mean and n, less every
    printed neighborhood's, gave the mean of those seven residents."""
    answers = _answers({"ash": [30, 32, 35], "birch": [40, 41, 44, 47], **SPREAD})
    answers += [{"area": "ash"}] * 9 + [{"area": "birch"}] * 8  # skipped the question
    _survey, page = publish_answers(answers, keys="years", body=BODY, slug="means")
    html = client.get(page.url).content.decode()
    rest = everyone_else(html)
    assert rest is None or rest[0] == 0 or rest[0] >= K, rest
    assert _number(table_rows(html, f"{YEARS} — ")["City-wide"][1]) is not None


def test_a_small_neighborhood_mean_is_not_printed_nor_left_alone(client, publish_answers):
    """A neighborhood of three is hidden, and not alone: the rest of the city then holds
    at least k people, whose mean tells nothing about the three."""
    answers = _answers({"ash": [50, 60, 70], **SPREAD})
    _survey, page = publish_answers(answers, keys="years", body=BODY, slug="means-small")
    html = client.get(page.url).content.decode()
    rows = table_rows(html, f"{YEARS} — ")
    assert all(_number(v) is None for v in rows["Ash"][:2]), rows  # the three residents
    rest = everyone_else(html)
    assert rest is None or rest[0] == 0 or rest[0] >= K, rest


CALLS = "Calls to the police last year"
CALLS_BODY = [
    question("neighborhood", "area", "Area"),
    question("number", "calls", CALLS, min_value=0, max_value=1000, integer=True),
]


def test_the_dominance_rule():
    from surveys.disclosure.dominance import dominated, dominated_together

    assert dominated((500.0, 1.0), 501.0)  # two answers: the second reads the first
    assert dominated((100.0, 10.0), 120.0)  # the rest, 10, is under 15 % of 100
    assert not dominated((100.0, 10.0), 130.0)  # the rest, 20, is not
    assert not dominated((), 0.0)
    assert not dominated_together([((500.0, 1.0), 501.0), ((30.0, 29.0), 465.0)])


def test_no_group_read_by_subtraction_is_one_residents_answer(client, publish_answers):
    """Twelve residents of Ash: eleven never called, one called 500 times. Ash's own mean
    is too uncertain to print, but the city-wide mean and n, less every printed
    neighborhood's, gave Ash's total, 500: one resident's answer. The p%-rule hides a
    neighborhood beside it, so the group a reader works out is not dominated by one."""
    from surveys.disclosure.dominance import dominated_together

    spread = {area: values for area, values in SPREAD.items()}
    answers = [{"area": "ash", "calls": "0"}] * 11 + [{"area": "ash", "calls": "500"}]
    answers += [{"area": a, "calls": str(v)} for a, values in spread.items() for v in values]
    _survey, page = publish_answers(answers, keys="calls", body=CALLS_BODY, slug="calls")
    html = client.get(page.url).content.decode()
    rows = table_rows(html, f"{CALLS} — ")
    assert _number(rows["City-wide"][1]) is not None  # the city-wide mean stays
    unprinted = [name.lower() for name, (n, mean, *_r) in rows.items() if _number(mean) is None]
    assert "ash" in unprinted
    pooled = [int(a["calls"]) for a in answers if a["area"] in unprinted]
    groups = [((float(v),), float(v)) for v in pooled]
    assert not dominated_together(groups), unprinted
