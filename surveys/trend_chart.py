"""Server-rendered SVG line chart of a trend: the estimate per period with its interval
as a band, and the intervention's dates marked. Plain SVG like surveys/charts.py: a
title, a description carrying every value as text, no script; the template prints the
table beside it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .charts import _fmt, _ticks, px

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 50, 20, 12, 40


def line_chart(
    labels: Sequence[str],
    points: Sequence[tuple[float | None, float | None, float | None]],
    *,
    title: str,
    chart_id: str,
    percent: bool,
    scale: tuple[float, float],
    marks: Sequence[tuple[int, str]] = (),
) -> SafeString:
    """`points`: (estimate, low, high) per label, None where not shown; `marks`:
    (label index, text) drawn as vertical lines (the announcement, the start)."""
    low_end, high_end = scale
    span = (high_end - low_end) or 1.0
    step = (WIDTH - LEFT - RIGHT) / max(len(labels) - 1, 1)

    def x(i: float) -> float:
        return LEFT + step * i

    def y(value: float) -> float:
        clipped = min(max(value, low_end), high_end)
        return TOP + (HEIGHT - TOP - BOTTOM) * (high_end - clipped) / span

    described = "; ".join(
        f"{label}: " + (_fmt(p[0], percent) if p[0] is not None else "—")
        for label, p in zip(labels, points, strict=True)
    )
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" viewBox="0 0 {} {}" '
            'role="img" aria-labelledby="{}-title {}-desc">',
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, described),
    ]
    for tick in _ticks(low_end, high_end):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" class="grid"/>'
                '<text x="{}" y="{ty}" class="tick" text-anchor="end">{}</text>',
                LEFT,
                WIDTH - RIGHT,
                LEFT - 4,
                _fmt(tick, percent),
                y=px(y(tick)),
                ty=px(y(tick) + 4),
            )
        )
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>',
                    px(x(i)),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    # The band and the line run over consecutive shown points; a gap breaks them.
    for run in _runs(points):
        upper = [f"{px(x(i))},{px(y(points[i][2]))}" for i in run if points[i][2] is not None]
        lower = [
            f"{px(x(i))},{px(y(points[i][1]))}" for i in reversed(run) if points[i][1] is not None
        ]
        if len(upper) > 1 and len(lower) > 1:
            parts.append(
                format_html('<polygon points="{}" class="band"/>', " ".join(upper + lower))
            )
        line = " ".join(f"{px(x(i))},{px(y(points[i][0]))}" for i in run)
        parts.append(format_html('<polyline points="{}" class="line"/>', line))
        for i in run:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" class="dot solid"/>',
                    px(x(i)),
                    px(y(points[i][0])),
                )
            )
    for index, text in marks:
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="{}" y2="{}" class="mark"/>'
                '<text x="{x}" y="{}" class="note" text-anchor="middle">{}</text>',
                TOP,
                HEIGHT - BOTTOM,
                HEIGHT - 4,
                text,
                x=px(x(index)),
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 (every part escaped above)


def _runs(points) -> list[list[int]]:
    runs, current = [], []
    for i, point in enumerate(points):
        if point[0] is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs
