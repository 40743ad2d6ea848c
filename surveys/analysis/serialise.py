"""The report as plain data (the JSON documented in docs/analysis.md)."""

from __future__ import annotations

import math
from typing import Any

from .comparisons import Pairwise
from .differences import Difference, family_summary
from .estimates import Estimate
from .periods import DistributionChange, PeriodChange
from .report import GroupResult, IndexResult, QuestionResult, Report
from .statistics import TestResult


def _number(value: float | None, digits: int = 6) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


def _pair(values) -> list[float | None] | None:
    return None if values is None else [_number(v) for v in values]


def estimate_as_dict(e: Estimate) -> dict[str, Any]:
    return {
        "n": e.n,
        "n_effective": _number(e.n_effective, 2),
        "n_mean": e.n_mean,
        "mean": _number(e.mean),
        "sd": _number(e.sd),
        "se": _number(e.se),
        "ci": _pair(e.ci),
        "total": _number(e.total),
        "total_se": _number(e.total_se),
        "counts": {code: _number(count, 4) for code, count in e.counts.items()},
        "percent": {code: _number(p, 4) for code, p in e.percent.items()},
        "favorable": None
        if not e.favorable
        else {
            "p": _number(e.favorable["p"]),
            "ci": _pair(e.favorable["ci"]),
            "se": _number(e.favorable["se"]),
        },
    }


def group_as_dict(group: GroupResult) -> dict[str, Any]:
    return {
        "neighborhood": group.neighborhood,
        "name": group.name,
        "suppressed": group.suppressed,
        "unreliable": group.unreliable,
        "unreliable_reasons": list(group.reasons),
        **estimate_as_dict(group.estimate),
    }


def test_as_dict(test: TestResult | None) -> dict[str, Any] | None:
    if test is None:
        return None
    return {
        "name": test.name,
        "statistic": _number(test.statistic),
        "df": _number(test.df),
        "p_value": _number(test.p_value, 12),
        "effect_size": None
        if test.effect_size_name is None
        else {"name": test.effect_size_name, "value": _number(test.effect_size)},
        "warnings": list(test.warnings),
    }


def pairwise_as_dict(pair: Pairwise) -> dict[str, Any]:
    return {
        "a": pair.a,
        "b": pair.b,
        "statistic": _number(pair.statistic),
        "p_value": _number(pair.p_value, 12),
        "p_holm": _number(pair.p_holm, 12),
        "p_bh": _number(pair.p_bh, 12),
    }


def difference_as_dict(difference: Difference) -> dict[str, Any]:
    return {
        "a": difference.a,
        "b": difference.b,
        "measure": difference.measure,
        "difference": _number(difference.difference),
        "ci": _pair(difference.ci),
        "se": _number(difference.se),
        "df": _number(difference.df),
        "test": difference.test,
        "p_value": _number(difference.p_value, 12),
        "p_adjusted": _number(difference.p_adjusted, 12),
        "adjustment": difference.adjustment,
        "family": difference.family,
    }


def period_as_dict(change: PeriodChange) -> dict[str, Any]:
    def side(summary):
        favorable = summary["favorable"]
        return {
            "n": summary["n"],
            "mean": _number(summary["mean"]),
            "favorable": None if not favorable else _number(favorable["p"]),
            "level": _number(summary["level"]),
            "ci": _pair(summary["ci"]),
        }

    return {
        "neighborhood": change.neighborhood,
        "name": change.name,
        "measure": change.measure,
        "headline": change.headline,
        "before": side(change.before),
        "after": side(change.after),
        "change": _number(change.change),
        "ci": _pair(change.ci),
        "test": change.test,
        "p_value": _number(change.p_value, 12),
        "p_bh": _number(change.p_bh, 12),
        "notes": change.notes,
    }


def distribution_as_dict(change: DistributionChange) -> dict[str, Any]:
    return {
        "neighborhood": change.neighborhood,
        "name": change.name,
        "codes": change.codes,
        "before": {c: _number(v, 4) for c, v in change.before.items()},
        "after": {c: _number(v, 4) for c, v in change.after.items()},
        "n": list(change.n),
        "test": change.test,
        "statistic": _number(change.statistic),
        "df": _number(change.df),
        "p_value": _number(change.p_value, 12),
        "per_code_p": {c: _number(p, 12) for c, p in change.per_code_p.items()},
    }


def question_as_dict(result: QuestionResult) -> dict[str, Any]:
    data = {
        "key": result.key,
        "type": result.type,
        "label": result.label,
        "measure": result.measure,
        "codes": [
            {"code": c, "label": label, "non_substantive": non} for c, label, non in result.codes
        ],
        "favorable_codes": list(result.favorable_codes),
        "about_respondent": result.about_respondent,
        "overall": group_as_dict(result.overall),
        "groups": [group_as_dict(g) for g in result.groups],
        "test": test_as_dict(result.test),
        "pairwise": [pairwise_as_dict(p) for p in result.pairwise],
        "differences": [difference_as_dict(d) for d in result.differences],
        "periods": [period_as_dict(p) for p in result.periods],
        "distributions": [distribution_as_dict(d) for d in result.distributions],
        "notes": result.notes,
    }
    if isinstance(result, IndexResult):
        data.update(
            items=list(result.items),
            reversed_items=list(result.reversed_items),
            alpha=_number(result.alpha),
            alpha_if_dropped={k: _number(v) for k, v in result.alpha_if_dropped.items()},
            complete_respondents=result.complete_respondents,
        )
    return data


def report_as_dict(report: Report) -> dict[str, Any]:
    selection = report.selection
    return {
        "survey": report.survey,
        "title": report.title,
        "responses": report.responses,
        "weighting": report.weighting,
        "weighting_detail": report.weighting_detail,
        "k": report.k,
        "selection": {
            "since": selection.since.isoformat() if selection.since else None,
            "until": selection.until.isoformat() if selection.until else None,
            "split_at": selection.split_at.isoformat() if selection.split_at else None,
            "compare": None
            if not selection.compare
            else [[day.isoformat() for day in period] for period in selection.compare],
            "include_partial": selection.include_partial,
        },
        "warnings": report.warnings,
        "composition": report.composition,
        "intervals": "model-based: they assume that, within a neighborhood, residents who "
        "answered resemble those who did not",
        "multiple_comparisons": report.multiple_comparisons,
        "families": family_summary(report.primary_questions),
        "questions": [question_as_dict(q) for q in report.questions],
        "indices": [question_as_dict(i) for i in report.indices],
    }
