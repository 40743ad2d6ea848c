"""Trends and impact adjusted for who answered, beside the raw ones.

`load_adjusted` reads, next to impact_report.load's tables, the same answers and
responses grouped also by the codes the respondents gave the adjustment questions
(about-the-respondent questions with choices), and builds each question's adjusted
series and cells (adjustment.py). `with_adjustment` runs the same trends and impact
sections on them and puts the adjusted figures beside the raw ones: `adjusted_series`
in each trends question, `adjusted` in each impact question, and an `adjustment`
entry saying what was done (docs/analysis.md documents the JSON).
"""

from __future__ import annotations

import dataclasses

from django.db.models import Count, F, FilteredRelation, Q

from cms.models import Neighborhood

from ..models import Answer, Response
from .adjusted_variance import INTERVALS
from .adjustment import MISSING, AdjustedRow, adjusted_series, adjustment_weights
from .counts import Selection
from .impact_report import TRUNCATE, Data, impact_section, trends_section
from .impact_words import adjustment_sentences
from .questions import analysable_questions
from .trends import period_index

METHOD = (
    "Raking within each neighborhood and period to the neighborhood's mix of answers to "
    "the adjustment questions over the whole survey span (each period counting equally), "
    "keeping each neighborhood's population as its total"
)


class AdjustmentError(ValueError):
    """Adjustment questions that cannot be used, with a sentence saying why."""


def adjustment_questions(survey) -> list:
    """The survey's about-the-respondent questions with one choice per respondent: the
    ones an analysis can adjust for."""
    return [
        q
        for q in analysable_questions(survey)[0]
        if q.about_respondent and q.choices and q.type != "multiple_choice"
    ]


def chosen_questions(survey, keys) -> list:
    """The adjustment questions named by `keys`, in that order; AdjustmentError names
    the keys that are not about-the-respondent questions with choices."""
    usable = {q.key: q for q in adjustment_questions(survey)}
    unknown = [key for key in keys if key not in usable]
    if unknown:
        raise AdjustmentError(
            f"Not an about-the-respondent question with choices: {', '.join(unknown)}. "
            f"Adjust for one of: {', '.join(usable) or 'none in this survey'}."
        )
    return [usable[key] for key in dict.fromkeys(keys)]


def load_adjusted(selection: Selection, data: Data, questions) -> tuple[Data, dict]:
    """`data` with each question's series and cells adjusted for `questions`, and the
    description of the adjustment (its `warnings` included)."""
    truncate = TRUNCATE[data.unit]
    codes = {}
    relations = {}
    for i, question in enumerate(questions):
        relations[f"adjust_{i}"] = FilteredRelation(
            "response__answers", condition=Q(response__answers__key=question.key)
        )
        codes[f"adjust_{i}_code"] = F(f"adjust_{i}__code")
    answers = (
        Answer.objects.filter(selection.response_lookups(), key__in=list(data.series))
        .annotate(**relations)
        .annotate(period=truncate("submitted_on"), **codes)
        .values("key", "neighborhood", "code", "number", "period", *codes)
        .annotate(count=Count("*"))
        .order_by()
    )
    rows: dict = {key: [] for key in data.series}
    for row in answers:
        rows[row["key"]].append(
            AdjustedRow(
                row["neighborhood"],
                period_index(row["period"], data.unit),
                _categories(row, questions),
                row["code"],
                row["number"],
                row["count"],
            )
        )
    response_relations = {
        name: FilteredRelation("answers", condition=Q(answers__key=q.key))
        for name, q in zip(relations, questions, strict=True)
    }
    responses = (
        Response.objects.filter(selection.response_lookups())
        .annotate(**response_relations)
        .annotate(period=truncate("submitted_on"), **codes)
        .values("neighborhood", "period", *codes)
        .annotate(count=Count("id"))
        .order_by()
    )
    respondents: dict = {}
    for r in responses:
        key = (r["neighborhood"], period_index(r["period"], data.unit), _categories(r, questions))
        respondents[key] = respondents.get(key, 0) + r["count"]
    populations = None
    if data.weighting == "post-stratification":
        hoods = {n.pk: n.population for n in Neighborhood.objects.all()}
        populations = {h: hoods[h] for h, _, _ in respondents if h is not None}
    weights = adjustment_weights(respondents, populations)
    series = {
        key: adjusted_series(
            rows[key],
            weights,
            favorable=data.questions[key].favorable,
            non_substantive=data.questions[key].non_substantive_codes,
            k=data.k,
        )
        for key in data.series
    }
    warnings = list(weights.warnings)
    if populations is None:
        warnings.append(
            "The survey is unweighted (a neighborhood has no population): the adjustment "
            "keeps each neighborhood and period's number of respondents as its total."
        )
    if any(h is None for h, _, _ in respondents):
        warnings.append("Responses without a neighborhood are left out of the adjusted figures.")
    description = {
        "questions": [{"key": q.key, "label": q.label} for q in questions],
        "weighting": _weighting(data, questions),
        "method": METHOD,
        "trend_intervals": INTERVALS,
        "margins": "whole survey span",
        "missing": "own category",
        "missing_category": MISSING,
        "cells": weights.cells,
        "words": adjustment_sentences([q.label for q in questions]),
        "warnings": warnings,
    }
    adjusted = dataclasses.replace(data, series=series, weighting=description["weighting"])
    return adjusted, description


def _weighting(data: Data, questions) -> str:
    keys = ", ".join(q.key for q in questions)
    base = "post-stratification" if data.weighting == "post-stratification" else "none"
    return f"{base} + raking within neighborhood to {keys}"


def _categories(row: dict, questions) -> tuple:
    result = []
    for i, question in enumerate(questions):
        code = row[f"adjust_{i}_code"]
        missing = code is None or code in question.non_substantive_codes
        result.append(MISSING if missing else code)
    return tuple(result)


def with_adjustment(
    trends: dict, impact: dict | None, adjusted: Data, description: dict, intervention, **options
) -> None:
    """Put the adjusted series and estimates beside the raw ones in `trends` and
    `impact` (the sections of impact_report.py), in place."""
    adjusted_trends = trends_section(adjusted)
    trends["adjustment"] = description
    by_key = {q["key"]: q for q in adjusted_trends["questions"]}
    for question in trends["questions"]:
        question["adjusted_series"] = by_key[question["key"]]["series"]
    if impact is None:
        return
    adjusted_impact = impact_section(adjusted, intervention, **options)
    impact["adjustment"] = {
        **description,
        "warnings": description["warnings"]
        + [w for w in adjusted_impact["warnings"] if w not in impact["warnings"]],
    }
    by_key = {q["key"]: q for q in adjusted_impact["questions"]}
    for question in impact["questions"]:
        found = by_key[question["key"]]
        question["adjusted"] = {
            name: found[name]
            for name in (
                "difference_in_differences",
                "event_study",
                "sensitivity",
                "sentence",
                "warnings",
            )
        }
