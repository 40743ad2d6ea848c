"""Server-rendered SVG: neighborhoods with interval whiskers, and neighborhood maps.

No chart library, no script, nothing fetched: plain SVG with a title and description,
every value also written as text (colour is never the only carrier of information), and
a data table beside each chart in the templates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext as _

ROW_HEIGHT = 26
LABEL_WIDTH = 150
PLOT_WIDTH = 330
VALUE_WIDTH = 110
# Sequential blues, light to mid: dark labels on every shade keep a contrast above 7:1.
SHADES = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6"]


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: float | None  # None: not shown (suppressed)
    low: float | None = None
    high: float | None = None
    note: str = ""  # e.g. "unreliable", "too few answers"
    emphasis: bool = False  # the city-wide row


def names_lang() -> SafeString:
    """` lang="…"` for neighborhood names (written once, in the site's default language)
    where the page is in another language."""
    code = settings.LANGUAGE_CODE
    return mark_safe(f' lang="{code}"' if code != get_language() else "")  # noqa: S308


def px(value: float) -> str:
    """A coordinate as SVG text (format_html escapes its arguments, so it gets strings)."""
    return f"{value:.1f}"


def _fmt(value: float, percent: bool) -> str:
    return f"{value:.0f}%" if percent else f"{value:.2f}"


def interval_chart(
    rows: Sequence[ChartRow],
    *,
    title: str,
    scale: tuple[float, float],
    percent: bool = False,
    chart_id: str,
) -> SafeString:
    """Dots with whiskers, one row per neighborhood, on a common scale."""
    low_end, high_end = scale
    span = (high_end - low_end) or 1.0
    height = ROW_HEIGHT * (len(rows) + 1) + 10
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH

    def x(value: float) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (min(max(value, low_end), high_end) - low_end) / span

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" '
            'role="img" aria-labelledby="{}-title {}-desc">',
            width,
            height,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        format_html(
            '<desc id="{}-desc">{}</desc>',
            chart_id,
            "; ".join(
                f"{row.label}: " + (_fmt(row.value, percent) if row.value is not None else row.note)
                for row in rows
            ),
        ),
    ]
    for tick in _ticks(low_end, high_end):
        parts.append(
            format_html(
                '<line x1="{x}" x2="{x}" y1="0" y2="{y}" class="grid"/>'
                '<text x="{x}" y="{ty}" class="tick" text-anchor="middle">{label}</text>',
                x=px(x(tick)),
                y=height - 18,
                ty=height - 4,
                label=_fmt(tick, percent),
            )
        )
    for index, row in enumerate(rows):
        y = ROW_HEIGHT * index + ROW_HEIGHT / 2 + 4
        # The city-wide row is named in the interface's words, the others by their names.
        weight = ' font-weight="bold"' if row.emphasis else names_lang()
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="label" text-anchor="end"{}>{}</text>',
                LABEL_WIDTH - 8,
                px(y + 4),
                mark_safe(weight),
                row.label,  # noqa: S308 (constant)
            )
        )
        if row.value is None:
            note = format_html(
                '<text x="{}" y="{}" class="note">{}</text>',
                LABEL_WIDTH + 4,
                px(y + 4),
                row.note or _("not shown"),
            )
            parts.append(note)
            continue
        if row.low is not None and row.high is not None:
            parts.append(
                format_html(
                    '<line x1="{}" x2="{}" y1="{}" y2="{}" class="whisker"/>',
                    px(x(row.low)),
                    px(x(row.high)),
                    px(y),
                    px(y),
                )
            )
        hollow = "hollow" if row.note else "solid"
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="5" class="dot {}"/>', px(x(row.value)), px(y), hollow
            )
        )
        text = _fmt(row.value, percent) + (f" ({row.note})" if row.note else "")
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="value">{}</text>',
                LABEL_WIDTH + PLOT_WIDTH + 8,
                px(y + 4),
                text,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 (every part escaped above)


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    step = 10 ** math.floor(math.log10(span / 2)) if span > 0 else 1
    for multiple in (1, 2, 5, 10):
        if span / (step * multiple) <= 6:
            step *= multiple
            break
    first = math.ceil(low / step) * step
    return [round(first + i * step, 6) for i in range(int((high - first) / step) + 1)]


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    boundary: dict
    value: float | None  # None: not shown


def neighborhood_map(
    areas: Sequence[MapArea], *, title: str, percent: bool, chart_id: str, width: int = 420
) -> SafeString | None:
    """Neighborhood boundaries shaded by value in five classes, each labelled with its
    value; areas without a value are hatched and labelled. None without boundaries."""
    shapes = [(area, _rings(area.boundary)) for area in areas if area.boundary]
    if not shapes:
        return None
    points = [p for _, rings in shapes for ring in rings for p in ring]
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    mid_lat = math.radians((min_y + max_y) / 2)
    scale_x = math.cos(mid_lat)  # longitude degrees are shorter away from the equator
    span_x, span_y = (max_x - min_x) * scale_x or 1, (max_y - min_y) or 1
    height = round(width * span_y / span_x)
    values = [a.value for a, _ in shapes if a.value is not None]
    low, high = (min(values), max(values)) if values else (0, 1)
    breaks = [low + (high - low) * i / len(SHADES) for i in range(1, len(SHADES))]

    def project(p):
        return ((p[0] - min_x) * scale_x / span_x * width, (max_y - p[1]) / span_y * height)

    def shade(value):
        return SHADES[sum(value > b for b in breaks)]

    legend_height = 22 * (len(SHADES) + 1)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-title">',
            width,
            height + legend_height + 10,
            chart_id,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, title),
        mark_safe(
            '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#767676" '
            'stroke-width="2"/></pattern></defs>'
        ),
    ]
    for area, rings in shapes:
        path = " ".join(
            "M " + " L ".join(f"{x} {y:.1f}" for x, y in map(project, ring)) + " Z"
            for ring in rings
        )
        fill = shade(area.value) if area.value is not None else "url(#hatch)"
        label = _fmt(area.value, percent) if area.value is not None else _("not shown")
        cx = sum(project(p)[0] for p in rings[0]) / len(rings[0])
        cy = sum(project(p)[1] for p in rings[0]) / len(rings[0])
        parts.append(
            format_html(
                '<g><title{}>{}: {}</title><path d="{}" fill="{}" class="area"/>'
                '<text x="{}" y="{}" class="area-name" text-anchor="middle"{}>{}</text>'
                '<text x="{}" y="{}" class="area-value" text-anchor="middle">{}</text></g>',
                # Its name and a number: the name's language; "not shown" is mixed.
                names_lang() if area.value is not None else "",
                area.name,
                label,
                path,
                fill,
                px(cx),
                px(cy - 2),
                names_lang(),
                area.name,
                px(cx),
                px(cy + 12),
                label,
            )
        )
    edges = [low, *breaks, high]
    for i, colour in enumerate(SHADES):
        y = height + 12 + 22 * i
        parts.append(
            format_html(
                '<rect x="4" y="{}" width="18" height="16" fill="{}" class="key"/>'
                '<text x="28" y="{}" class="legend">{} – {}</text>',
                y,
                colour,
                y + 13,
                _fmt(edges[i], percent),
                _fmt(edges[i + 1], percent),
            )
        )
    y = height + 12 + 22 * len(SHADES)
    parts.append(
        format_html(
            '<rect x="4" y="{}" width="18" height="16" fill="url(#hatch)" class="key"/>'
            '<text x="28" y="{}" class="legend">{}</text>',
            y,
            y + 13,
            _("not shown (too few answers)"),
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308 (constant)
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 (every part escaped above)


def _rings(boundary: dict) -> list[list]:
    geometry = boundary.get("geometry", boundary)
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry.get("coordinates", [])]


__all__ = ["ChartRow", "MapArea", "interval_chart", "neighborhood_map", "escape"]
