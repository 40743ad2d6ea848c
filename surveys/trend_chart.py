"""Server-rendered SVG line chart of a trend: the estimate per period with its interval
as a band, and dates (an intervention's announcement, its start) marked. Plain SVG like
surveys/charts.py: a title, a description carrying every value as text, no script; the
templates print the table beside it.

Several lines (covered and comparison neighborhoods) differ by dash pattern and marker
shape as well as colour, and a legend names them. In a right-to-left language the time
axis runs from right to left and the scale stands on the right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_bidi

from .charts import _fmt, _ticks, px

WIDTH, PLOT_HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 50, 20, 12, 40
ROW = 16  # a row of mark texts or of the legend
CHAR = 7  # px: about the width of a character of 12 px text
STYLES = ("solid", "dashed", "dotted")  # dash pattern and marker of each line, in order

Point = tuple[float | None, float | None, float | None]  # estimate, low, high


@dataclass(frozen=True)
class Line:
    """One series: its name (in the legend and the description) and a point per label."""

    name: str
    points: Sequence[Point]


def line_chart(
    labels: Sequence[str],
    points: Sequence[Point] | None = None,
    *,
    title: str,
    chart_id: str,
    percent: bool,
    scale: tuple[float, float],
    marks: Sequence[tuple] = (),
    lines: Sequence[Line] = (),
    rtl: bool | None = None,
) -> SafeString:
    """`points`: (estimate, low, high) per label, None where not shown; or `lines`, several
    named series (a legend is drawn when there are two or more). `marks`: (position in
    labels, a fraction between two labels allowed, text[, what the description says])
    drawn as vertical lines. `rtl`:
    the reading direction, the active language's when None."""
    lines = list(lines) or [Line("", points or [])]
    rtl = get_language_bidi() if rtl is None else rtl
    low_end, high_end = scale
    span = (high_end - low_end) or 1.0
    step = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    mark_rows = _mark_rows(marks, step)
    legend = lines if len(lines) > 1 else []
    height = PLOT_HEIGHT + ROW * (max(mark_rows.values(), default=-1) + 1 + len(legend))

    def x(i: float) -> float:
        at = LEFT + step * (i + 0.5)
        return WIDTH - at if rtl else at  # mirrored: time runs right to left

    def edge(at: float) -> float:
        return WIDTH - at if rtl else at

    def y(value: float) -> float:
        clipped = min(max(value, low_end), high_end)
        return TOP + (PLOT_HEIGHT - TOP - BOTTOM) * (high_end - clipped) / span

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart trend" viewBox="0 0 {} {}" '
            'direction="{}" role="img" aria-labelledby="{}-title {}-desc">',
            WIDTH,
            height,
            "rtl" if rtl else "ltr",
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html(
            '<desc id="{}-desc">{}</desc>', chart_id, _described(labels, lines, marks, percent)
        ),
    ]
    # Mirrored coordinates with the direction set: "end" anchors the scale's numbers
    # beside the plot on either side.
    for tick in _ticks(low_end, high_end):
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" class="grid"/>'
                '<text x="{}" y="{ty}" class="tick" text-anchor="end">{}</text>',
                px(edge(LEFT)),
                px(edge(WIDTH - RIGHT)),
                px(edge(LEFT - 4)),
                _fmt(tick, percent),
                y=px(y(tick)),
                ty=px(y(tick) + 4),
            )
        )
    every = max(1, -(-len(labels) // 8))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>',
                    px(x(i)),
                    PLOT_HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    for number, line in enumerate(lines):
        parts.extend(_series(line.points, STYLES[number % len(STYLES)], x, y))
    for position, text, *_said in marks:
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="{}" y2="{}" class="mark"/>'
                '<text x="{x}" y="{}" class="note" text-anchor="middle">{}</text>',
                TOP,
                PLOT_HEIGHT - BOTTOM,
                PLOT_HEIGHT - 4 + ROW * mark_rows[(position, text)],
                text,
                x=px(x(position)),
            )
        )
    top = PLOT_HEIGHT + ROW * (max(mark_rows.values(), default=-1) + 1)
    for number, line in enumerate(legend):
        style, row_y = STYLES[number % len(STYLES)], top + ROW * number + 8
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{y}" y2="{y}" class="line {}"/>',
                px(edge(LEFT)),
                px(edge(LEFT + 28)),
                style,
                y=px(row_y),
            )
        )
        parts.append(_marker(edge(LEFT + 14), row_y, style))
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="label" text-anchor="start">{}</text>',
                px(edge(LEFT + 36)),
                px(row_y + 4),
                line.name,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 (every part escaped above)


def _described(labels, lines, marks, percent: bool) -> str:
    """Every value as text, line by line, and the marks."""
    said = []
    for line in lines:
        values = "; ".join(
            f"{label}: " + (_value(p, percent) if p[0] is not None else "—")
            for label, p in zip(labels, line.points, strict=True)
        )
        said.append(f"{line.name}: {values}" if line.name else values)
    said.extend(mark[-1] for mark in marks)
    return ". ".join(said)


def _value(point: Point, percent: bool) -> str:
    estimate, low, high = point
    if low is None or high is None:
        return _fmt(estimate, percent)
    return f"{_fmt(estimate, percent)} ({_fmt(low, percent)} – {_fmt(high, percent)})"


def _series(points: Sequence[Point], style: str, x, y) -> list:
    """The band and the line run over consecutive shown points; a gap breaks them."""
    parts = []
    for run in _runs(points):
        upper = [f"{px(x(i))},{px(y(points[i][2]))}" for i in run if points[i][2] is not None]
        lower = [
            f"{px(x(i))},{px(y(points[i][1]))}" for i in reversed(run) if points[i][1] is not None
        ]
        if len(upper) > 1 and len(lower) > 1:
            parts.append(
                format_html(
                    '<polygon points="{}" class="band {}"/>', " ".join(upper + lower), style
                )
            )
        elif len(run) == 1 and points[run[0]][1] is not None and points[run[0]][2] is not None:
            # A lone point: its interval as a whisker.
            i = run[0]
            parts.append(
                format_html(
                    '<line x1="{x}" x2="{x}" y1="{}" y2="{}" class="whisker {}"/>',
                    px(y(points[i][1])),
                    px(y(points[i][2])),
                    style,
                    x=px(x(i)),
                )
            )
        line = " ".join(f"{px(x(i))},{px(y(points[i][0]))}" for i in run)
        parts.append(format_html('<polyline points="{}" class="line {}"/>', line, style))
        parts.extend(_marker(x(i), y(points[i][0]), style) for i in run)
    return parts


def _marker(cx: float, cy: float, style: str) -> SafeString:
    """A circle, a square or a triangle: the line is told by its shape, not its colour."""
    if style == "dashed":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" class="dot {}"/>',
            px(cx - 3.5),
            px(cy - 3.5),
            style,
        )
    if style == "dotted":
        return format_html(
            '<polygon points="{},{} {},{} {},{}" class="dot {}"/>',
            px(cx),
            px(cy - 4.5),
            px(cx + 4.5),
            px(cy + 3.5),
            px(cx - 4.5),
            px(cy + 3.5),
            style,
        )
    return format_html('<circle cx="{}" cy="{}" r="3.5" class="dot {}"/>', px(cx), px(cy), style)


def _mark_rows(marks, step: float) -> dict:
    """The row of each mark's text: the next row down when it would touch the text
    before it on a row (texts are about CHAR px a character wide)."""
    rows: dict = {}
    ends: list[float] = []  # where the last text of each row ends, in px along the axis
    for position, text, *_said in sorted(marks, key=lambda m: m[0]):
        half = len(text) * CHAR / 2
        at = position * step
        row = next((r for r, end in enumerate(ends) if at - half >= end + 6), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = at + half
        rows[(position, text)] = row
    return rows


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
