"""Issue 18, differencing with three releases: the intruder holding releases 1, 2 and 3
of one period reads them together, not two at a time.

The releases below print one neighborhood's answers to a three-answer question, each
hiding other cells (as re-publications do when they hide rows against the release
before). Release 2 adds no answer to release 1; release 3 adds ten: five "1"s, three
"2"s, two "3"s. Every pair alone leaves the rise of "2" anywhere from 0 (safe), but the three
together pin it: release 2's printed "1" and release 1's printed "3", with counts that
never fall, fix every count of releases 1 and 2, and release 3 prints its "2"s.
"""

from surveys.disclosure.cells import CITY_ROW
from surveys.disclosure.differencing import (
    differencing_problem,
    joint_leaks,
    joint_problem,
    printed_to_json,
    truth_to_json,
)
from surveys.disclosure.intruder import disclosed, ranges
from surveys.disclosure.printed import Printed, PrintedRow

K = 10
CODES = ["1", "2", "3"]


def release(n: int, shown: dict[str, int], counts: dict[str, int]):
    printed = Printed(
        kind="distribution",
        categories=CODES,
        rows={"a": PrintedRow(n=n, percents=shown)},
        listed=frozenset({"a"}),
    )
    truth = {("x", "a", code): count for code, count in counts.items()}
    truth[("gap", "a")] = 0
    return printed, {"a": n, CITY_ROW: n}, truth


FIRST = release(60, {"3": 33}, {"1": 20, "2": 20, "3": 20})
SECOND = release(60, {"1": 33}, {"1": 20, "2": 20, "3": 20})
THIRD = release(70, {"2": 33}, {"1": 25, "2": 23, "3": 22})
RISE = ("d", "x", "a", "2")


def test_every_pair_alone_is_safe():
    for old, new in [(FIRST, SECOND), (FIRST, THIRD), (SECOND, THIRD)]:
        problem, truth = differencing_problem(old[0], old[1], new[0], new[1], old[2], new[2])
        assert not disclosed(problem, truth, K)
    problem, _truth = differencing_problem(*FIRST[:2], *THIRD[:2], FIRST[2], THIRD[2])
    rise = ranges(problem, [(*RISE, 0)])[(*RISE, 0)]
    assert rise.lo == 0 and rise.hi >= 3


def test_the_three_together_pin_the_rise():
    problem, truth = joint_problem([FIRST, SECOND, THIRD])
    found = disclosed(problem, truth, K)
    # Against release 1 (tag 0) and release 2 (tag 1): three more "2"s, exactly.
    assert {(*RISE, 0), (*RISE, 1)} <= set(found)
    assert found[(*RISE, 0)].lo == found[(*RISE, 0)].hi == 3


def test_a_re_publication_is_checked_against_all_earlier_releases_at_once():
    def audited(r):
        return {"q": {"printed": printed_to_json(r[0]), "truth": truth_to_json(r[2])}}, r[1]

    pairwise = [joint_leaks([audited(old)], audited(THIRD), K) for old in (FIRST, SECOND)]
    assert pairwise == [{}, {}]
    assert "a" in joint_leaks([audited(FIRST), audited(SECOND)], audited(THIRD), K)["q"]
