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
    for question in section["questions"]:
        for series in question["series"]:
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
                    section["weighting"],
                    EXACT,
                ]


def impact_rows(section: dict) -> Iterator[list]:
    yield ["question", "analysis", "term", "estimate", "ci_low", "ci_high", "p_value", "note"]
    name = section["intervention"]["name"]
    for question in section["questions"]:
        key, did = question["key"], question["difference_in_differences"]
        if did is None:
            yield [key, "difference-in-differences", "", None, None, None, None, "no comparison"]
            continue
        yield _did_row(key, "difference-in-differences", question["unit"], did)
        boot = did["bootstrap"]
        if boot:
            ci = boot["ci"] or [None, None]
            yield [
                key,
                "wild cluster bootstrap",
                f"{boot['weights']}, {boot['draws']} draws",
                did["estimate"],
                *ci,
                boot["p_value"],
                "headline interval",
            ]
        study = question["event_study"]
        for c in study["coefficients"] if study else []:
            ci = c["ci"] or [None, None]
            note = (
                "reference"
                if c["event_time"] == study["reference"]
                else ("binned" if c["binned"] else "")
            )
            yield [key, "event study", c["event_time"], c["estimate"], *ci, None, note]
        pre = study and study["pre_trend_test"]
        if pre:
            yield [key, "pre-trend test", pre["name"], pre["statistic"], None, None,
                   pre["p_value"], f"df {pre['df'][0]}, {pre['df'][1]}"]  # fmt: skip
        sensitivity = question["sensitivity"]
        if sensitivity and "estimate" in (sensitivity["announcement"] or {}):
            yield _did_row(
                key, "from the announcement", question["unit"], sensitivity["announcement"]
            )
        for row in sensitivity["leave_one_out"] if sensitivity else []:
            if "estimate" in row:
                yield _did_row(key, f"without {row['neighborhood']}", question["unit"], row)
        for language, sentence in (question["sentence"] or {}).items():
            yield [key, f"sentence ({language})", name, None, None, None, None, sentence]
    yield ["", "design", "", None, None, None, None, section["design"]]
    yield ["", "assumptions", "", None, None, None, None, section["assumptions"]]


def _did_row(key: str, analysis: str, unit: str, did: dict) -> list:
    ci = did["ci"] or [None, None]
    return [key, analysis, f"covered × after ({unit})", did["estimate"], *ci, did["p_value"],
            f"clustered t, {did['df']} df"]  # fmt: skip
