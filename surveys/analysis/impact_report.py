"""Trends and the impact of an intervention, for `analyze --intervention` and the admin.

Reads the answers once, grouped by question, neighborhood, code, number and month (or
quarter), and the responses by neighborhood and period; builds each question's series
(trends.py) and, when the intervention covers some neighborhoods and not others, the
difference-in-differences, the event study and the sensitivity checks (impact.py) on
the same cells. `trends_section` and `impact_section` are the documented JSON
(docs/analysis.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncMonth, TruncQuarter

from cms.models import Neighborhood

from ..models import Answer, Response
from .counts import Selection
from .impact import (
    FEW_CLUSTERS,
    difference_in_differences,
    forget_designs,
    no_estimate_reason,
)
from .impact_events import event_study
from .impact_words import sentences
from .period_counts import period_respondent_counts, period_value_counts
from .questions import analysable_questions
from .trends import FAVORABLE, Point, Row, period_index, period_label, question_series

LEAVE_ONE_OUT_UP_TO = 12  # covered neighborhoods; each refit costs as much as the estimate
TRUNCATE = {"month": TruncMonth, "quarter": TruncQuarter}
DESIGN = (
    "Difference-in-differences: the change in covered neighborhoods minus the change in "
    "the others, from a weighted regression of each respondent's answer on covered × "
    "after, period and neighborhood fixed effects (fitted on neighborhood × period "
    "cells, which gives the same estimate and clustered standard error), standard errors "
    f"clustered by neighborhood; with fewer than {FEW_CLUSTERS} neighborhoods the p-value "
    "and interval come from a restricted wild cluster bootstrap."
)
ASSUMPTIONS = (
    "It assumes that, without the intervention, covered and other neighborhoods would "
    "have moved in parallel (the event study's earlier periods test this), that the "
    "intervention did not change the comparison neighborhoods (no spillover), and that "
    "within a neighborhood and period respondents resemble residents who did not answer. "
    "It compares neighborhoods; it does not prove that the intervention caused the change."
)


@dataclass
class Data:
    """Each question's series, by key, with the unit and how it was weighted."""

    unit: str
    weighting: str
    periods: list[int]
    series: dict
    questions: dict
    names: dict  # neighborhood id -> (code, name)
    warnings: list[str]
    k: int = 1  # cells with fewer answers are left out of the regression, as trends suppress them
    # What the series were built from, kept to draw groups of neighborhoods (group_series).
    rows: dict = field(default_factory=dict)
    respondents: dict = field(default_factory=dict)
    populations: dict | None = None


def load(selection: Selection, unit: str) -> Data:
    survey = selection.survey.responses_survey
    questions = [
        q
        for q in analysable_questions(survey)[0]
        if q.type != "multiple_choice"
        and not q.about_respondent  # who answered, not what they think
        and (q.favorable or q.type in ("rating", "number"))
    ]
    keys = [q.key for q in questions]
    rows: dict = {key: [] for key in keys}
    counted = period_value_counts(selection, keys, unit)
    if counted is None:
        counted = _orm_value_counts(selection, keys, unit)
    for key, hood, code, number, period, count in counted:
        rows[key].append(Row(hood, period, code, number, count))
    respondents = period_respondent_counts(selection, unit)
    if respondents is None:
        respondents = _orm_respondent_counts(selection, unit)
    hoods = {n.pk: n for n in Neighborhood.objects.all()}
    answered = {h for h, _ in respondents if h is not None}
    populations = {h: hoods[h].population for h in answered if hoods[h].population}
    warnings = []
    if answered and len(populations) == len(answered):
        weighting = "post-stratification"
    else:
        populations, weighting = None, "none"
        warnings.append("Unweighted trends: a neighborhood that answered has no population.")
    k = survey.small_cell_threshold
    designs: dict = {}  # each period's weights and design, shared by every question
    series = {
        q.key: question_series(
            rows[q.key],
            respondents,
            populations,
            favorable=q.favorable,
            non_substantive=q.non_substantive_codes,
            k=k,
            designs=designs,
        )
        for q in questions
    }
    periods = sorted({p for _, p in respondents})
    names = {pk: (n.code, n.name) for pk, n in hoods.items()}
    return Data(
        unit,
        weighting,
        periods,
        series,
        {q.key: q for q in questions},
        names,
        warnings,
        k,
        rows=rows,
        respondents=respondents,
        populations=populations,
    )


def group_series(data: Data, key: str, codes: set[str]) -> dict[int, Point]:
    """The series of question `key` over the neighborhoods with these codes taken
    together (an intervention's covered ones, or the others), each period weighted to
    their populations as the city-wide series is to all: {period index: point}."""
    members = {pk for pk, (code, _name) in data.names.items() if code in codes}
    question = data.questions[key]
    series = question_series(
        [r for r in data.rows[key] if r.neighborhood in members],
        {hp: n for hp, n in data.respondents.items() if hp[0] in members},
        None
        if data.populations is None
        else {h: n for h, n in data.populations.items() if h in members},
        favorable=question.favorable,
        non_substantive=question.non_substantive_codes,
        k=data.k,
    )
    return {p.period: p for p in series.series[0].points}


def _orm_value_counts(selection: Selection, keys, unit: str) -> list[tuple]:
    """period_value_counts on a database counts.py has no period SQL for."""
    answers = (
        Answer.objects.filter(selection.response_lookups(), key__in=keys)
        .annotate(period=TRUNCATE[unit]("submitted_on"))
        .values("key", "neighborhood", "code", "number", "period")
        .annotate(count=Count("*"))
        .order_by()
    )
    return [
        (
            r["key"],
            r["neighborhood"],
            r["code"],
            r["number"],
            period_index(r["period"], unit),
            r["count"],
        )
        for r in answers
    ]


def _orm_respondent_counts(selection: Selection, unit: str) -> dict:
    responses = (
        Response.objects.filter(selection.response_lookups())
        .annotate(period=TRUNCATE[unit]("submitted_on"))
        .values("neighborhood", "period")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {(r["neighborhood"], period_index(r["period"], unit)): r["count"] for r in responses}


def _round(value, places=6):
    return None if value is None else round(float(value), places)


def _interval(ci, places=6):
    return None if ci is None else [_round(ci[0], places), _round(ci[1], places)]


def trends_section(data: Data) -> dict:
    questions = []
    for key, qs in data.series.items():
        index = {None: (None, "City-wide"), **data.names}
        questions.append(
            {
                "key": key,
                "label": data.questions[key].label,
                "measure": qs.measure,
                "series": [
                    {
                        "neighborhood": index[s.neighborhood][0],
                        "name": index[s.neighborhood][1],
                        "points": [
                            {
                                "period": period_label(p.period, data.unit),
                                "n": p.n,
                                "estimate": _round(p.estimate),
                                "se": _round(p.se),
                                "ci": _interval(p.ci),
                                "suppressed": p.suppressed,
                                "unreliable": p.unreliable,
                                "unreliable_reasons": p.reasons,
                            }
                            for p in s.points
                        ],
                    }
                    for s in qs.series
                ],
            }
        )
    return {
        "period": data.unit,
        "weighting": data.weighting,
        "periods": [period_label(p, data.unit) for p in data.periods],
        "warnings": data.warnings,
        "questions": questions,
    }


def impact_section(data: Data, intervention, *, draws: int = 999) -> dict:
    covered_codes = intervention.covered_codes()
    start = period_index(intervention.starts_on, data.unit)
    announced = period_index(intervention.announced_on, data.unit)
    section = {
        "intervention": {
            "name": intervention.name,
            "announced_on": intervention.announced_on.isoformat(),
            "starts_on": intervention.starts_on.isoformat(),
            "ends_on": intervention.ends_on.isoformat() if intervention.ends_on else None,
            "covered": "all" if covered_codes is None else sorted(covered_codes),
        },
        "period": data.unit,
        "start_period": period_label(start, data.unit),
        "weighting": data.weighting,
        "design": DESIGN,
        "assumptions": ASSUMPTIONS,
        "questions": [],
        "warnings": list(data.warnings),
    }
    if covered_codes is None:
        section["warnings"].append(
            "The intervention covers every neighborhood: there are no comparison "
            "neighborhoods, so only the trends can be shown."
        )
        return section
    for key, qs in data.series.items():
        codes = [data.names[h][0] for h in qs.neighborhoods]
        covered = {i for i, code in enumerate(codes) if code in covered_codes}
        cells = qs.cells.at_least(data.k)
        if len(cells.mean) < len(qs.cells.mean):
            section["warnings"].append(
                f"{qs.cells.mean.size - cells.mean.size} neighborhood × period cell(s) of "
                f"“{key}” with fewer than {data.k} answers are left out of the regression."
            )
        if intervention.ends_on:
            cells = cells.within(period_index(intervention.ends_on, data.unit))
        section["questions"].append(
            _question_impact(
                data.questions[key],
                qs.measure,
                cells,
                covered,
                codes,
                start,
                announced,
                draws,
                intervention.name,
            )
        )
    forget_designs()  # shared by this section's questions; not kept in the process
    return section


def _question_impact(question, measure, cells, covered, codes, start, announced, draws, name):
    scale = 100.0 if measure == FAVORABLE else 1.0
    did = difference_in_differences(cells, covered, start, draws=draws)
    result = {
        "key": question.key,
        "label": question.label,
        "measure": measure,
        "unit": "percentage points" if measure == FAVORABLE else "scale points",
        "difference_in_differences": _did(did, scale),
        "event_study": None,
        "sensitivity": None,
        "sentence": None,
        "warnings": [],
    }
    if did is None:
        result["warnings"].append(
            "No estimate: " + no_estimate_reason(cells, covered, start).rstrip(".") + "."
        )
        return result
    result["warnings"] += did.warnings
    study = event_study(cells, covered, start)
    if study is not None:
        result["event_study"] = {
            "reference": study.reference,
            "coefficients": [
                {
                    "event_time": c["event_time"],
                    "estimate": _round(c["estimate"] * scale),
                    "se": _round(c["se"] * scale),
                    "ci": _interval(c["ci"] and (c["ci"][0] * scale, c["ci"][1] * scale)),
                    "binned": c["binned"],
                }
                for c in study.coefficients
            ],
            "pre_trend_test": study.pre_test
            and {**study.pre_test, "statistic": _round(study.pre_test["statistic"])},
        }
        result["warnings"] += study.warnings
    else:
        result["warnings"].append(
            "No event study: no earlier period in which covered and comparison "
            "neighborhoods both answered can be its reference, or the answers do not "
            "identify every period's coefficient."
        )
    announcement = (
        difference_in_differences(cells, covered, announced, draws=draws)
        if announced != start
        else did
    )
    leave_one_out = []
    if len(covered) <= LEAVE_ONE_OUT_UP_TO:
        for h in sorted(covered):
            without = difference_in_differences(
                cells.without(h), covered - {h}, start, bootstrap=False
            )
            entry = _did(without, scale) or {
                "no_estimate": no_estimate_reason(cells.without(h), covered - {h}, start)
            }
            leave_one_out.append({"neighborhood": codes[h], **entry})
    else:
        result["warnings"].append(
            f"More than {LEAVE_ONE_OUT_UP_TO} covered neighborhoods: the estimate without "
            "each in turn is not computed."
        )
    result["sensitivity"] = {
        "announcement": _did(announcement, scale)
        or {"no_estimate": no_estimate_reason(cells, covered, announced)},
        "leave_one_out": leave_one_out,
    }
    result["sentence"] = sentences(question.label, measure, did, scale, name)
    return result


def _did(did, scale) -> dict | None:
    if did is None:
        return None
    boot = did.bootstrap
    return {
        "estimate": _round(did.estimate * scale),
        "se": _round(did.se * scale),
        "ci": _interval((did.ci[0] * scale, did.ci[1] * scale)),
        "p_value": _round(did.p_value, 12),
        "df": did.df,
        "neighborhoods": did.clusters,
        "covered_neighborhoods": did.covered,
        "respondents": did.respondents,
        "inference": "wild cluster bootstrap" if boot else "clustered t",
        # The interval and p-value the sentence uses: one method for both.
        "headline": {
            "method": "wild cluster bootstrap" if boot else "clustered t",
            "ci": _interval(
                did.headline_ci and (did.headline_ci[0] * scale, did.headline_ci[1] * scale)
            ),
            "p_value": _round(did.headline_p, 12),
        },
        "bootstrap": boot
        and {
            "p_value": _round(boot.p_value, 12),
            "ci": _interval(boot.ci and (boot.ci[0] * scale, boot.ci[1] * scale)),
            "weights": boot.weights,
            "draws": boot.draws,
        },
    }
