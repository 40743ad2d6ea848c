"""The p%-rule on the answers that came or went between two releases (newcomers.py),
on audits written by hand."""

from surveys.disclosure.cells import CITY_ROW
from surveys.disclosure.newcomers import dominated_between


def _audit(sizes: dict, printed=("a", "b", CITY_ROW)) -> dict:
    rows = [[row, {"n": 1, "mean": 1.0}] for row in printed]
    return {
        "calls": {
            "printed": {"kind": "mean", "categories": [], "rows": rows},
            "sizes": [[row, sorted(h.items(), reverse=True)] for row, h in sizes.items()],
        }
    }


BEFORE = {"a": {40.0: 50}, "b": {50.0: 50}}


def test_one_large_newcomer_hides_its_row_and_the_city():
    after = _audit({"a": {40.0: 50, 0.0: 9, 500.0: 1}, "b": {50.0: 50}})
    assert dominated_between([_audit(BEFORE)], after) == {"calls": {"a", CITY_ROW}}


def test_newcomers_of_a_row_not_printed_hide_the_city():
    after = _audit({"a": {40.0: 50, 0.0: 9, 500.0: 1}, "b": {50.0: 50}}, printed=("b", CITY_ROW))
    assert dominated_between([_audit(BEFORE)], after) == {"calls": {CITY_ROW}}


def test_an_erased_large_answer_is_guarded_too():
    before = _audit({"a": {40.0: 50, 0.0: 9, 500.0: 1}, "b": {50.0: 50}})
    assert dominated_between([before], _audit(BEFORE)) == {"calls": {"a", CITY_ROW}}


def test_spread_newcomers_and_no_change_hide_nothing():
    after = _audit({"a": {40.0: 55, 45.0: 5}, "b": {50.0: 50}})
    assert dominated_between([_audit(BEFORE)], after) == {}
    assert dominated_between([_audit(BEFORE)], _audit(BEFORE)) == {}
