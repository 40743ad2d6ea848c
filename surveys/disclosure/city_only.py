"""Questions shown for the whole city only (about the respondent: age, language...).

A public page prints their answers city-wide, never per neighborhood (STATISTICS.md: no
neighborhood crosstab of what narrows who a respondent is), with the percentages of
answers given by k or more people. They are figures like any other for differencing: a
re-publication whose city-wide share of one answer moves by two people reveals those two.
`city_only_cells` and `printed_city_only` give the differencing intruder
(differencing.py) their counts and printed figures, and a city-only question whose change
would leak is hidden whole in the new release (`city_only(..., hidden=True)`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from ..analysis.public import PublicCell, PublicGroup, PublicQuestion
from ..analysis.report import QuestionResult
from .cells import QuestionCells, question_cells
from .printed import Printed

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
    small = [c for c, v in counts.items() if 0 < v < k]
    if hidden or base < k or 0 < people - base < k:
        overall.hidden = True
    else:
        overall.n = base
        if len(small) == 1:  # a lone hidden share would follow from the others
            rest = [c for c in counts if c not in small]
            if rest:
                small.append(min(rest, key=counts.get))
        for c, label in codes:
            shown = c not in small and c in e.percent
            overall.cells.append(PublicCell(c, label, round(e.percent[c]) if shown else None))
    return public_question(result, overall, [], test=None, note=CITY_ONLY)


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
