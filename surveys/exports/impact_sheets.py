"""The Trends and Impact sheets of `analyze --format xlsx --intervention NAME`.

Drawn from the same sections as the JSON (surveys/analysis/impact_report.py), so the
spreadsheet and `analyze`'s JSON carry the same numbers. Analysts' sheets: exact, with
suppressed and unreliable figures present and marked; not for publication.
"""

from __future__ import annotations

from collections.abc import Iterator

EXACT = "exact: do not publish"


def trends_rows(section: dict) -> Iterator[list]:
    yield [
        "question",
        "measure",
        "neighborhood",
        "period",
        "n",
        "estimate",
        "ci_low",
        "ci_high",
        "flags",
        "weighting",
        "publication",
    ]
    adjusted_weighting = (section.get("adjustment") or {}).get("weighting")
    for question in section["questions"]:
        every = [(series, section["weighting"]) for series in question["series"]]
        every += [(series, adjusted_weighting) for series in question.get("adjusted_series", [])]
        for series, weighting in every:
            for point in series["points"]:
                flags = [
                    flag
                    for flag, on in (
                        ("suppressed (n < k)", point["suppressed"]),
                        ("unreliable", point["unreliable"]),
                    )
                    if on
                ]
                ci = point["ci"] or [None, None]
                yield [
                    question["key"],
                    question["measure"],
                    series["name"],
                    point["period"],
                    point["n"],
                    point["estimate"],
                    *ci,
                    "; ".join(flags),
                    weighting,
                    EXACT,
                ]


def impact_rows(section: dict) -> Iterator[list]:
    """The raw comparison of each question, then (with an adjustment) the adjusted one,
    every analysis name ending in ", adjusted for KEYS"."""
    yield ["question", "analysis", "term", "estimate", "ci_low", "ci_high", "p_value", "note"]
    adjustment = section.get("adjustment")
    for question in section["questions"]:
        yield from _question_rows(section, question, question, "")
        if adjustment and "adjusted" in question:
            keys = ", ".join(q["key"] for q in adjustment["questions"])
            yield from _question_rows(
                section, question, question["adjusted"], f", adjusted for {keys}"
            )
    yield ["", "design", "", None, None, None, None, section["design"]]
    yield ["", "assumptions", "", None, None, None, None, section["assumptions"]]
    if adjustment:
        yield ["", "adjustment", "", None, None, None, None, adjustment["method"]]
        intervals = adjustment["trend_intervals"]
        yield ["", "adjusted trend intervals", "", None, None, None, None, intervals]
        for language, sentence in adjustment["words"].items():
            yield ["", f"adjustment ({language})", "", None, None, None, None, sentence]


def _question_rows(section: dict, question: dict, result: dict, suffix: str) -> Iterator[list]:
    """The rows of one comparison: `result` is the question (raw) or its `adjusted`."""
    name, unit = section["intervention"]["name"], question["unit"]
    key, did = question["key"], result["difference_in_differences"]
    if did is None:
        yield [key, "difference-in-differences" + suffix, "", None, None, None, None,
               "no comparison"]  # fmt: skip
        return
    yield _did_row(key, "difference-in-differences" + suffix, unit, did)
    boot = did["bootstrap"]
    if boot:
        ci = boot["ci"] or [None, None]
        yield [
            key,
            "wild cluster bootstrap" + suffix,
            f"{boot['weights']}, {boot['draws']} draws",
            did["estimate"],
            *ci,
            boot["p_value"],
            "headline interval",
        ]
    study = result["event_study"]
    for c in study["coefficients"] if study else []:
        ci = c["ci"] or [None, None]
        note = (
            "reference"
            if c["event_time"] == study["reference"]
            else ("binned" if c["binned"] else "")
        )
        yield [key, "event study" + suffix, c["event_time"], c["estimate"], *ci, None, note]
    pre = study and study["pre_trend_test"]
    if pre:
        yield [key, "pre-trend test" + suffix, pre["name"], pre["statistic"], None, None,
               pre["p_value"], f"df {pre['df'][0]}, {pre['df'][1]}"]  # fmt: skip
    sensitivity = result["sensitivity"]
    if sensitivity and "estimate" in (sensitivity["announcement"] or {}):
        yield _did_row(key, "from the announcement" + suffix, unit, sensitivity["announcement"])
    for row in sensitivity["leave_one_out"] if sensitivity else []:
        if "estimate" in row:
            yield _did_row(key, f"without {row['neighborhood']}{suffix}", unit, row)
    for language, sentence in (result["sentence"] or {}).items():
        yield [key, f"sentence{suffix} ({language})", name, None, None, None, None, sentence]


def _did_row(key: str, analysis: str, unit: str, did: dict) -> list:
    ci = did["ci"] or [None, None]
    return [key, analysis, f"covered × after ({unit})", did["estimate"], *ci, did["p_value"],
            f"clustered t, {did['df']} df"]  # fmt: skip
