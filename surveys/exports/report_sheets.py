"""The analysis report as spreadsheet sheets: Summary, Distributions, Comparisons,
Differences (pairs of neighborhoods), Periods.

Rows are plain lists, header first, so that any writer (exports/writers.py) can take them. These
are analysts' sheets: exact, with suppressed and unreliable figures present and marked, and
every row says "exact: do not publish" (the writer highlights counts of 1 to k−1 in the
columns `SMALL_COUNT_COLUMNS` names). What may be published is the "Public figures" sheet
(exports/public_sheet.py), protected as the public results page is.

Summary's n is the base of its figures (substantive answers), so that nothing its mean,
sd and se imply — (sd/se)² is that n — says more than the n itself.

Every sheet that shows a favorable share, or sits beside one, says in words which answers
count as favorable (`favorable_means`), and `NOTES` are the footnotes written under each
sheet's table saying what a blank cell means there.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.periods import FAVORABLE
from ..analysis.report import QuestionResult, Report
from ..presentation import favorable_words


def _flags(group) -> str:
    marks = []
    if group.suppressed:
        marks.append("suppressed (n < k)")
    if group.unreliable:
        marks.append("unreliable")
    return "; ".join(marks)


def _groups(result: QuestionResult):
    yield result.overall
    yield from result.groups


EXACT = "exact: do not publish"


def _exact(rows):
    """The rows with a last column saying they must not be published."""

    def marked(report: Report) -> Iterator[list]:
        produced = rows(report)
        yield [*next(produced), "publication"]
        for row in produced:
            yield [*row, EXACT]

    marked.__doc__ = rows.__doc__
    return marked


def _base(result: QuestionResult, e) -> int:
    """The substantive answers, the base of the group's figures."""
    if result.type in ("index", "multiple_choice") or not e.counts:
        return e.n_mean or e.n
    non = {code for code, _label, is_non in result.codes if is_non}
    return int(sum(count for code, count in e.counts.items() if code not in non))


def summary_rows(report: Report) -> Iterator[list]:
    yield [
        "key",
        "label",
        "neighborhood",
        "n",
        "n_effective",
        "mean",
        "sd",
        "se",
        "ci_low",
        "ci_high",
        "favorable",
        "favorable_low",
        "favorable_high",
        "flags",
        "favorable_means",
    ]
    for result in [*report.questions, *report.indices]:
        for group in _groups(result):
            e = group.estimate
            favorable = e.favorable or {}
            low, high = favorable.get("ci") or (None, None)
            ci_low, ci_high = e.ci or (None, None)
            yield [
                result.key,
                result.label,
                group.neighborhood or "(city-wide)",
                _base(result, e),
                round(e.n_effective, 2),
                e.mean,
                e.sd,
                e.se,
                ci_low,
                ci_high,
                favorable.get("p"),
                low,
                high,
                _flags(group),
                favorable_words(result),
            ]


def distribution_rows(report: Report) -> Iterator[list]:
    yield ["key", "neighborhood", "code", "label", "non_substantive", "count", "percent", "flags"]
    for result in report.questions:
        labels = {code: (label, non) for code, label, non in result.codes}
        for group in _groups(result):
            for code, count in group.estimate.counts.items():
                label, non = labels.get(code, (code, False))
                yield [
                    result.key,
                    group.neighborhood or "(city-wide)",
                    code,
                    label,
                    non,
                    count,
                    group.estimate.percent.get(code),
                    _flags(group),
                ]


def comparison_rows(report: Report) -> Iterator[list]:
    yield [
        "key",
        "comparison",
        "test",
        "statistic",
        "df",
        "p_value",
        "p_holm",
        "p_bh",
        "effect_size",
        "effect_size_value",
        "warnings",
        "favorable_means",
    ]
    for result in [*report.questions, *report.indices]:
        words = favorable_words(result)
        test = result.test
        if test is not None:
            yield [
                result.key,
                "all neighborhoods",
                test.name,
                test.statistic,
                test.df,
                test.p_value,
                None,
                None,
                test.effect_size_name,
                test.effect_size,
                "; ".join(test.warnings),
                words,
            ]
        for pair in result.pairwise:
            yield [
                result.key,
                f"{pair.a} vs {pair.b}",
                "pairwise",
                pair.statistic,
                None,
                pair.p_value,
                pair.p_holm,
                pair.p_bh,
                None,
                None,
                "",
                words,
            ]


def period_rows(report: Report) -> Iterator[list]:
    yield [
        "key",
        "neighborhood",
        "name",
        "measure",
        "headline",
        "n_before",
        "n_after",
        "before",
        "after",
        "change",
        "ci_low",
        "ci_high",
        "test",
        "p_value",
        "p_bh",
        "notes",
        "favorable_means",
    ]
    for result in [*report.questions, *report.indices]:
        words = favorable_words(result)
        for change in result.periods:
            before, after = change.before["level"], change.after["level"]
            low, high = change.ci or (None, None)
            yield [
                result.key,
                change.neighborhood or "(city-wide)",
                change.name,
                change.measure,
                change.headline,
                change.before["n"],
                change.after["n"],
                before,
                after,
                change.change,
                low,
                high,
                change.test,
                change.p_value,
                change.p_bh,
                "; ".join(change.notes),
                words if change.measure == FAVORABLE else "",
            ]


def difference_rows(report: Report) -> Iterator[list]:
    """Every pair of neighborhoods per question: a − b with its interval and adjusted p."""
    yield [
        "key",
        "a",
        "b",
        "measure",
        "difference",
        "ci_low",
        "ci_high",
        "test",
        "p_value",
        "p_adjusted",
        "adjustment",
        "family",
        "favorable_means",
    ]
    for result in [*report.questions, *report.indices]:
        words = favorable_words(result)
        for d in result.differences:
            low, high = d.ci or (None, None)
            yield [
                result.key,
                d.a,
                d.b,
                d.measure,
                d.difference,
                low,
                high,
                d.test,
                d.p_value,
                d.p_adjusted,
                d.adjustment,
                d.family,
                words if d.measure == FAVORABLE else "",
            ]


SHEETS = {
    "Summary": _exact(summary_rows),
    "Distributions": _exact(distribution_rows),
    "Comparisons": _exact(comparison_rows),
    "Differences": _exact(difference_rows),
    "Periods": _exact(period_rows),
}
# Columns holding counts of people (0-based), highlighted from 1 to k−1.
SMALL_COUNT_COLUMNS = {"Summary": frozenset({3}), "Distributions": frozenset({5})}

# What a blank cell means, sheet by sheet: written under each sheet's table. In these
# exact sheets nothing is blanked for privacy: suppressed figures are present and flagged.
NOTES = {
    "Summary": (
        "Blank cells: the figure cannot be computed, never hidden. mean, sd, se and the "
        "interval are blank for questions without a scale (choices, text) and where too "
        "few answers give none (sd and se need two); favorable and its interval are blank "
        "for questions with no favorable answers. Suppressed figures (n < k) are shown "
        "and marked in flags.",
        "favorable: the share of the substantive answers that favorable_means names.",
    ),
    "Distributions": (
        "Blank percent: the group has no answers to take a share of. Suppressed groups "
        "(n < k) are shown and marked in flags.",
    ),
    "Comparisons": (
        "Blank cells: df is blank where the test has none (Fisher's exact test, whose "
        "statistic is the odds ratio, and pairwise rows); p_holm and p_bh adjust the "
        "pairwise p-values, so they are blank on the row comparing all neighborhoods; "
        "effect_size is blank on pairwise rows; a figure the test cannot compute (every "
        "answer in one category) is blank too.",
        "The tests compare the whole distribution of answers (chi-square) or their ranks "
        "(Kruskal–Wallis, Dunn), not the favorable share; favorable_means says which "
        "answers the Summary's favorable share of the question counts.",
    ),
    "Differences": (
        "difference: neighborhood a minus neighborhood b, as a proportion (0.08 is 8 "
        "percentage points) where measure is the favorable proportion, whose answers "
        "favorable_means names, or in the answers' own units where it is the mean.",
        "Blank cells: the interval, test and p-values are blank for a pair that cannot be "
        "tested (a neighborhood with too few answers, or both giving every answer alike); "
        "such a pair is in no family, so p_adjusted is blank too.",
    ),
    "Periods": (
        "Blank cells: change, interval and test are blank where a period has too few "
        "answers (notes says so); p_bh, adjusted across neighborhoods, is blank on "
        "city-wide rows; favorable_means is blank on rows measuring the mean.",
    ),
    "Public figures": (
        "—: the public results page shows no figure for this group, because it rests on "
        "fewer than k people or would reveal one that does (note says which). Blank low "
        "and high: the page prints no interval for that figure.",
    ),
}
