"""Property tests: on random neighborhoods, answer patterns and questions (the six leaks'
shapes among them: "don't know" beside a share, a small neighborhood hidden in two
questions, small cells next to zeros), the intruder never narrows a hidden count of
1..k−1 to within 1..k−1, and no printed figure rests on fewer than k people.

Examples are bounded and derandomized so that CI runs the same cases every time."""

from hypothesis import HealthCheck, given, settings, strategies as st

from surveys.disclosure.intruder import disclosed
from surveys.disclosure.publication import publish
from surveys.disclosure.tables import printed_problem, protect_counts
from tests.disclosure.random_reports import (
    attack_publication,
    report_of,
    surveys,
)

K = 10
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(surveys())
def test_the_intruder_never_pins_a_hidden_count_of_a_results_publication(drawn):
    questions, people, kinds = drawn
    report, respondents = report_of(questions, people, kinds, K)
    publication = publish(report, None, respondents)
    assert attack_publication(publication, questions, people, kinds, K) == {}
    for public in publication.questions:
        for group in [public.overall, *public.groups]:
            assert group.n is None or group.n >= K
            cells = publication.cells[public.key]
            row = cells.city if group.neighborhood is None else cells.rows[group.neighborhood]
            if group.favorable is not None:
                assert all(v == 0 or v >= K for v in row.cells.values())
            for cell in group.cells:
                if cell.percent is not None:
                    assert row.cells[cell.code] == 0 or row.cells[cell.code] >= K


count_tables = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", None]),
    st.dictionaries(
        st.sampled_from(["t1", "t2", "t3", "t4"]),
        st.sampled_from([0, 0, 1, 2, 3, 4, 5, 8, 12, 15, 20, 30]),
        min_size=1,
    ),
    min_size=1,
    max_size=6,
)


@PROPERTY
@given(count_tables)
def test_the_intruder_never_pins_a_hidden_count_of_a_count_table(table):
    unprinted = [None] if None in table else []
    plan = protect_counts(table, K, unprinted_rows=unprinted)
    rows = list(table)
    columns = sorted({c for r in rows for c in table[r]})
    value = {(r, c): table[r].get(c, 0) for r in rows for c in columns}
    assert disclosed(printed_problem(plan, rows, columns, value), value, K) == {}
    for r in rows:
        if r not in plan.rows:
            total = sum(value[r, c] for c in columns)
            assert total == 0 or total >= K
    # Never the whole table: while a printable row has k or more, something is printed.
    printable = [r for r in rows if r not in unprinted]
    if any(sum(value[r, c] for c in columns) >= K for r in printable):
        totals = {c: sum(value[r, c] for r in rows) for c in columns}
        assert any(r not in plan.rows for r in printable) or any(
            c not in plan.columns and totals[c] >= K for c in columns
        )
