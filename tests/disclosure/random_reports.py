"""Random reports for the property tests: neighborhoods, answer patterns and questions
drawn by hypothesis, estimated by the real estimators (surveys/analysis/estimates.py)
without a database; and the intruder reading a publication's printed figures."""

from __future__ import annotations

from hypothesis import strategies as st

from surveys.analysis.estimates import Observation, estimate
from surveys.analysis.report import GroupResult, QuestionResult, Report
from surveys.disclosure.cells import CITY_ROW, FAVORABLE, OTHER, UNPLACED_ROW
from surveys.disclosure.intruder import Problem, disclosed
from surveys.disclosure.printed import Printed, PrintedRow, intruder_problem

SCALE = ("1", "2", "3", "4", "5")
DONT_KNOW = "98"

# One neighborhood's answers to one question: counts per code, "don't know" and skips.
answer_counts = st.lists(
    st.sampled_from([0, 0, 1, 2, 3, 4, 6, 9, 10, 12, 25, 40]), min_size=6, max_size=6
)


@st.composite
def surveys(draw, max_neighborhoods: int = 5, max_questions: int = 2):
    """{question: {neighborhood: (counts per code + "don't know", skipped)}}."""
    hoods = [f"h{i}" for i in range(draw(st.integers(2, max_neighborhoods)))]
    if draw(st.booleans()):
        hoods.append(UNPLACED_ROW)
    people = {h: 0 for h in hoods}
    questions = {}
    for q in range(draw(st.integers(1, max_questions))):
        rows = {}
        for h in hoods:
            counts = draw(answer_counts)
            rows[h] = counts
        questions[f"q{q}"] = rows
    # Everyone answers every question or skips it: a neighborhood's people are its most
    # numerous question's answers, the rest of the others skipped.
    for h in hoods:
        people[h] = max(sum(rows[h][:6]) for rows in questions.values()) + draw(
            st.sampled_from([0, 0, 1, 3, 12])
        )
    kinds = {q: draw(st.sampled_from(["favorable", "distribution"])) for q in questions}
    return questions, people, kinds


def report_of(questions, people, kinds, k: int = 10) -> tuple[Report, dict]:
    """A Report of likert (favorable "4 5") or nominal questions, and respondents."""
    results = []
    for key, rows in questions.items():
        favorable = ("4", "5") if kinds[key] == "favorable" else ()
        codes = [(c, c, False) for c in SCALE] + [(DONT_KNOW, "Don't know", True)]
        observations = {
            h: [
                Observation(h, 1.0, code, None, n)
                for code, n in zip([*SCALE, DONT_KNOW], counts, strict=False)
                if n
            ]
            for h, counts in rows.items()
        }

        def make(obs, favorable=favorable):
            return estimate(
                obs, design=None, non_substantive=frozenset({DONT_KNOW}), favorable_codes=favorable
            )

        everything = [o for obs in observations.values() for o in obs]
        overall = GroupResult(None, "City-wide", make(everything))
        groups = [
            GroupResult(h, h, make(obs))
            for h, obs in observations.items()
            if obs and h != UNPLACED_ROW
        ]
        results.append(
            QuestionResult(
                key=key,
                type="likert" if favorable else "single_choice",
                label=key,
                measure="ordinal" if favorable else "nominal",
                codes=codes,
                favorable_codes=favorable,
                about_respondent=False,
                overall=overall,
                groups=groups,
            )
        )
    respondents = dict(people)
    respondents[CITY_ROW] = sum(people.values())
    report = Report("s", "S", respondents[CITY_ROW], "none", k, None, results, [])
    return report, respondents


def truth_of(questions, people, kinds, key) -> dict:
    truth = {}
    for h, counts in questions[key].items():
        by_code = dict(zip([*SCALE, DONT_KNOW], counts, strict=False))
        base = sum(by_code[c] for c in SCALE)
        if kinds[key] == "favorable":
            favorable = by_code["4"] + by_code["5"]
            truth[("x", h, FAVORABLE)], truth[("x", h, OTHER)] = favorable, base - favorable
        else:
            truth.update({("x", h, c): by_code[c] for c in SCALE})
        truth[("gap", h)] = people[h] - base
    return truth


def printed_of_public(public, kind: str) -> Printed:
    """What the page prints of `public` (a PublicQuestion), read as the HTML shows it:
    whole percentages, intervals, n — n taken only as a bound on the base."""
    rows = {}
    for row, group in [(CITY_ROW, public.overall)] + [(g.neighborhood, g) for g in public.groups]:
        if group.hidden:  # n alone may be hidden: the figures beside it still count
            continue
        shown = PrintedRow(n=group.n)
        if group.favorable is not None:
            shown.percents[FAVORABLE] = group.favorable
            shown.interval = group.favorable_ci
        for cell in group.cells:
            if cell.percent is not None:
                shown.percents[cell.code] = cell.percent
        rows[row] = shown
    categories = [FAVORABLE, OTHER] if kind == "favorable" else list(SCALE)
    listed = frozenset(g.neighborhood for g in public.groups)
    return Printed(kind, categories, rows, n_is_base=False, listed=listed)


def attack_publication(publication, questions, people, kinds, k: int = 10) -> dict:
    respondents = dict(people)
    respondents[CITY_ROW] = sum(people.values())
    found = {}
    for public in publication.questions:
        problem: Problem = intruder_problem(
            printed_of_public(public, kinds[public.key]), respondents
        )
        truth = truth_of(questions, people, kinds, public.key)
        found.update({(public.key, *name): r for name, r in disclosed(problem, truth, k).items()})
    return found
