"""The trend chart of a public results page: each question's published figure, period
after period, drawn only from the page's frozen releases (surveys/frozen_releases.py).

Nothing here reads an answer. A period's point is the headline figure its release
printed (the favorable share or the mean, city-wide, with its interval); a figure the
release left out stays a gap, in the chart and in the table beside it. So the chart
says nothing the period pages do not already say, and a late answer moves it no more
than it moves them. The survey's interventions (surveys/interventions.py) are marked
on the time axis and listed under the chart.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from .presentation import (
    chart_scale,
    favorable_figure,
    favorable_words,
    mean_figure,
    uses_favorable,
)
from .trend_chart import line_chart

CACHE_SECONDS = 10 * 60


@dataclass
class Mark:
    """An intervention's date on the chart: its number there, its name, what happened."""

    number: int
    name: str
    what: str


@dataclass
class TrendDisplay:
    key: str
    label: str
    metric: str
    chart: str
    columns: list[str]  # city-wide, then the neighborhoods
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # a period's cells

    @property
    def has_dashes(self) -> bool:
        return any(cell == "—" for _period, cells in self.rows for cell in cells)


@dataclass
class ReleasedTrends:
    items: list[TrendDisplay]
    marks: list[Mark]


def released_trends(page, periods, *, preview: bool = False) -> ReleasedTrends | None:
    """The page's trend across `periods` (its closed periods, newest first), from their
    releases; None with fewer than two periods. In a preview only releases already
    stored are read; otherwise a period not yet stored is frozen as when it is shown."""
    ordered = list(reversed(periods))
    if len(ordered) < 2:
        return None
    releases = [_release(page, period, preview) for period in ordered]
    survey = page.survey.specific.responses_survey
    marks, positions = _marks(survey, ordered)
    key = ":".join(
        [
            "results-trend",
            str(page.pk),
            translation.get_language() or "",
            ",".join(str(r.pk) if r else "-" for r in releases),
            hashlib.sha256(repr(positions).encode()).hexdigest()[:16],
        ]
    )
    drawn = None if preview else cache.get(key)
    if drawn is None:
        drawn = ReleasedTrends(_items(page, survey, ordered, releases, positions), marks)
        if not preview:
            cache.set(key, drawn, timeout=CACHE_SECONDS)
    return drawn


def _release(page, period, preview: bool):
    from .frozen_releases import FreezeRefused, current_release

    if preview:
        return current_release(page, period)
    try:
        return page.release(period)
    except FreezeRefused:  # not published: a gap, as the period's page says
        return None


def _questions(release, survey) -> dict:
    """The release's public questions by key, labelled in the reader's language."""
    from cms.results_page import stored_question

    from .presentation import in_language

    if release is None:
        return {}
    k = release.figures["k"]
    questions = [stored_question(q, k) for q in release.figures["questions"]]
    return {q.key: q for q in in_language(questions, survey, translation.get_language())}


def _items(page, survey, periods, releases, positions) -> list[TrendDisplay]:
    by_period = [_questions(release, survey) for release in releases]
    labels = [short_label(period) for period in periods]
    items = []
    for number, key in enumerate(page.keys):
        found = [questions.get(key) for questions in by_period]
        shown = [q for q in found if q is not None]
        if not shown:
            continue
        percent = any(uses_favorable(q) for q in shown)
        pick = favorable_figure if percent else mean_figure
        if not any(pick(g) for q in shown for g in [q.overall, *q.groups]):
            continue  # no headline figure (answers by category): nothing to draw
        points = [_point(pick, q.overall if q else None) for q in found]
        latest = shown[-1]
        metric = (favorable_words(latest) or _("Favorable answers (%)")) if percent else _("Mean")
        values = [v for p in points for v in p if v is not None]
        chart = line_chart(
            labels,
            points,
            title=f"{latest.label} — {metric}",
            chart_id=f"trend-{number}",
            percent=percent,
            scale=chart_scale(latest, percent, values),
            marks=positions,
        )
        columns, rows = _table(periods, found, pick, percent)
        items.append(TrendDisplay(key, latest.label, metric, chart, columns, rows))
    return items


def _point(pick, group) -> tuple:
    measured = pick(group) if group is not None and not group.hidden else None
    return tuple(measured) if measured else (None, None, None)


def _table(periods, found, pick, percent: bool):
    """A row per period: city-wide, then each neighborhood any release printed."""
    names: dict = {}
    for question in found:
        for group in question.groups if question else ():
            names.setdefault(group.neighborhood, group.name)
    rows = []
    for period, question in zip(periods, found, strict=True):
        groups = {g.neighborhood: g for g in question.groups} if question else {}
        city = [_cell(pick, question.overall if question else None, percent)]
        cells = city + [_cell(pick, groups.get(hood), percent) for hood in names]
        rows.append((period.label, cells))
    return [_("City-wide"), *names.values()], rows


def _cell(pick, group, percent: bool) -> str:
    value, low, high = _point(pick, group)
    if value is None:
        return "—"

    def fmt(v):
        return f"{v:.0f}%" if percent else f"{v:.2f}"

    return f"{fmt(value)} ({fmt(low)} – {fmt(high)})" if low is not None else fmt(value)


def short_label(period) -> str:
    """A period as the time axis names it: a month, a quarter, or its own name."""
    if period.name:
        return period.name
    if "-q" in period.key:
        return _("Q%(quarter)s %(year)s") % {"quarter": period.key[-1], "year": period.key[:4]}
    if period.key.count("-") == 1:  # a month: 2026-03
        return formats.date_format(period.end, "M Y")
    return period.label


def _marks(survey, periods) -> tuple[list[Mark], list[tuple[float, str, str]]]:
    """The survey's public interventions' dates within the periods: listed, and placed on the
    time axis (a period's slot runs from its first day to its last)."""
    from .interventions import Intervention

    # Only those the organizer chose to show: some are tracked for analysis only.
    interventions = Intervention.objects.filter(
        Q(survey__isnull=True) | Q(survey=survey), public=True
    )
    marks, positions = [], []
    for intervention in interventions.order_by("announced_on", "name"):
        for day, words in (
            (intervention.announced_on, _("announced on %(date)s")),
            (intervention.starts_on, _("started on %(date)s")),
            (intervention.ends_on, _("ended on %(date)s")),
        ):
            position = _position(day, periods) if day else None
            if position is None:
                continue
            what = words % {"date": formats.date_format(day, "DATE_FORMAT")}
            mark = Mark(len(marks) + 1, intervention.name, what)
            marks.append(mark)
            positions.append((position, str(mark.number), f"{mark.number}: {mark.name}, {what}"))
    return marks, positions


def _position(day: datetime.date, periods) -> float | None:
    for index, period in enumerate(periods):
        if period.holds(day):
            start = period.start or period.end
            days = (period.end - start).days + 1
            return index - 0.5 + ((day - start).days + 0.5) / days
    return None
