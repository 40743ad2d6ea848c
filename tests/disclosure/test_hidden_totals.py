"""Hidden figures add up to 0 or k or more, in a column as in a row (publication.py), and
the intruder audits those totals as counts of their own (printed.hidden_totals)."""

from surveys.disclosure.cells import CITY_ROW, CellRow, QuestionCells
from surveys.disclosure.intruder import disclosed
from surveys.disclosure.printed import Printed, PrintedRow, hidden_totals, intruder_problem
from surveys.disclosure.publication import _complement, _primary

K = 10
CODES = ["no", "asked", "held"]


def _cells(rows: dict[str, dict[str, int]]) -> QuestionCells:
    table = {r: CellRow(sum(c.values()), sum(c.values()), dict(c)) for r, c in rows.items()}
    city = {c: sum(r[c] for r in rows.values()) for c in CODES}
    return QuestionCells(
        key="agents",
        kind="distribution",
        categories=CODES,
        rows=table,
        city=CellRow(sum(city.values()), sum(city.values()), city),
    )


# Ash and Birch each have one resident questioned; Cedar's 20 are printed, and the city's
# 22: the two hidden ones add up to 2 unless a third neighborhood is hidden beside them.
ROWS = {
    "ash": {"no": 40, "asked": 1, "held": 12},
    "birch": {"no": 40, "asked": 1, "held": 12},
    "cedar": {"no": 40, "asked": 20, "held": 12},
    "dune": {"no": 40, "asked": 30, "held": 12},
}


def test_a_column_s_hidden_neighborhoods_add_up_to_zero_or_at_least_k():
    qc = _cells(ROWS)
    plan = _primary(qc, K)
    _complement(qc, plan, K, set())
    hidden = [r for r in ROWS if plan.hides(r, "asked")]
    assert {"ash", "birch"} <= set(hidden)
    total = sum(ROWS[r]["asked"] for r in hidden)
    assert total == 0 or total >= K, (hidden, total)


def test_a_row_s_hidden_answers_add_up_to_zero_or_at_least_k():
    qc = _cells({"ash": {"no": 98, "asked": 1, "held": 1}, "birch": ROWS["dune"]})
    plan = _primary(qc, K)
    _complement(qc, plan, K, set())
    hidden = [c for c in CODES if plan.hides("ash", c)]
    total = sum(qc.rows["ash"].cells[c] for c in hidden)
    assert total == 0 or total >= K, (hidden, total)


def test_the_intruder_pins_the_sum_of_two_hidden_neighborhoods():
    """Each hidden count may be 0 on its own; their sum, 2, is what the page gives away."""
    qc = _cells(ROWS)
    people = {r: qc.rows[r].respondents for r in ROWS} | {CITY_ROW: qc.city.respondents}
    shown = {r: PrintedRow(n=qc.rows[r].base) for r in ("cedar", "dune")}
    for r in shown:
        shown[r].percents = {c: round(100 * v / qc.rows[r].base) for c, v in ROWS[r].items()}
    city = PrintedRow(n=qc.city.base, percents={"asked": round(100 * 52 / qc.city.base)})
    printed = Printed(kind="distribution", categories=CODES, rows={**shown, CITY_ROW: city})
    # The hidden rows print their n but no shares.
    printed.rows["ash"] = PrintedRow(n=qc.rows["ash"].base)
    printed.rows["birch"] = PrintedRow(n=qc.rows["birch"].base)
    problem = intruder_problem(printed, people)
    totals = hidden_totals(printed, qc, problem)
    truth = {("x", r, c): v for r, cells in ROWS.items() for c, v in cells.items()}
    assert not disclosed(problem, truth, K), "each hidden count alone may be 0"
    leaks = disclosed(problem, {**truth, **totals}, K)
    assert ("hidden", "__unplaced__", "asked") in leaks
