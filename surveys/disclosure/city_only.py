"""Questions shown for the whole city only (about the respondent: age, language...).

A public page prints their answers city-wide, never per neighborhood (STATISTICS.md: no
neighborhood crosstab of what narrows who a respondent is), with the percentages of
answers given by k or more people. They are figures like any other for differencing: a
re-publication whose city-wide share of one answer moves by two people reveals those two.
`city_only_cells` and `printed_city_only` give the differencing intruder
(differencing.py) their counts and printed figures, and a city-only question whose change
would leak is hidden whole in the new release (`city_only(..., hidden=True)`). Within
one release the answers hidden beside each other add up to 0 or k or more people, and
`audited_city_only` puts what is printed to the intruder, as for every other question.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from django.utils.translation import gettext

from ..analysis.public import PublicCell, PublicGroup, PublicQuestion
from ..analysis.report import QuestionResult
from .cells import CITY_ROW, QuestionCells, question_cells
from .intruder import disclosed
from .printed import Printed, hidden_totals, intruder_problem, truth

CITY_ONLY = "Shown for the whole city only."


def public_question(result, overall, groups, *, test: str | None, note: str) -> PublicQuestion:
    """`result`'s public form: its own fields, with the figures the publication decided."""
    return PublicQuestion(
        key=result.key,
        type=result.type,
        label=result.label,
        measure=result.measure,
        codes=result.codes,
        overall=overall,
        groups=groups,
        test=test,
        note=note,
        favorable_codes=result.favorable_codes,
        favorable_at_least=getattr(result, "favorable_at_least", None),
    )


def statistical_test(result: QuestionResult) -> str | None:
    test = result.test
    return test.name if test is not None and test.p_value == test.p_value else None


def city_only(result: QuestionResult, k: int, people: int, *, hidden: bool = False):
    """The whole city only, percentages of answers given by k or more people; all hidden
    when `hidden` (its change since an earlier release would leak)."""
    e = result.overall.estimate
    overall = PublicGroup(None, result.overall.name, None)
    codes = [(c, label) for c, label, non in result.codes if not non]
    counts = {c: int(e.counts.get(c, 0)) for c, _label in codes}
    base = sum(counts.values())
    small = hidden_answers(counts, k)
    leaks = 0 < sum(counts[c] for c in small) < k  # only where base < k: hidden anyway
    if hidden or base < k or 0 < people - base < k or leaks:
        overall.hidden = True
    else:
        overall.n = base
        for c, label in codes:
            shown = c not in small and c in e.percent
            overall.cells.append(PublicCell(c, label, round(e.percent[c]) if shown else None))
    return public_question(result, overall, [], test=None, note=CITY_ONLY)


def hidden_answers(counts: Mapping[str, int], k: int) -> set[str]:
    """The answers given by 1..k−1 people, and beside them the next-smallest shown ones
    until the hidden answers add up to 0 or k or more people: n less the printed shares
    is their total (and a 0 prints as 0 %, so each hidden one is at least 1)."""
    hidden = {c for c, v in counts.items() if 0 < v < k}
    while 0 < sum(counts[c] for c in hidden) < k:
        shown = [c for c in counts if c not in hidden and counts[c]]
        if not shown:
            break  # the hidden answers are everyone's: the caller hides the question
        hidden.add(min(shown, key=counts.get))
    return hidden


def audited_city_only(
    result: QuestionResult,
    qc: QuestionCells,
    k: int,
    respondents: Mapping[Hashable, int],
    *,
    hidden: bool,
    weighted: bool,
) -> PublicQuestion:
    """`city_only`, audited as printed by the intruder who knows how many people of each
    neighborhood took part (a first release too, not only its changes): if a count of
    1..k−1 is still pinned, the question is hidden with its reason."""
    from .publication import WITHHELD  # publication imports this module

    public = city_only(result, k, respondents.get(CITY_ROW, 0), hidden=hidden)
    if public.overall.hidden:
        return public
    printed = printed_city_only(public, qc, weighted=weighted)
    problem = intruder_problem(printed, respondents)
    totals = hidden_totals(printed, qc, problem)
    if disclosed(problem, {**truth(qc), **totals}, k, exact=False):
        public = city_only(result, k, respondents.get(CITY_ROW, 0), hidden=True)
        public.note = gettext(WITHHELD) % {"k": k}
    return public


def city_only_cells(
    result: QuestionResult, respondents: Mapping[Hashable, int], *, weighted: bool
) -> QuestionCells:
    """The counts behind a city-only question's figures: its answers per code, in every
    neighborhood (unprinted, yet what the city-wide figures add up)."""
    kind = "choices" if result.type == "multiple_choice" else "distribution"
    if not any(not non for _c, _l, non in result.codes):
        kind = "mean"  # a number: only its n could be printed
    return question_cells(result, respondents, ratio_counts=not weighted, kind=kind)


def printed_city_only(public: PublicQuestion, qc: QuestionCells, *, weighted: bool) -> Printed:
    """Exactly what `public` prints, as the intruder reads it."""
    from .publication import printed_of  # publication imports this module

    printed = printed_of(public, qc, weighted=weighted)
    # Multiple choice: the printed n counts the options chosen, at least the people.
    printed.n_is_base = qc.kind != "choices"
    return printed
