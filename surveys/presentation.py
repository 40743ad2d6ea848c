"""Turning report results into what templates show: a chart, a map, a table, a test line.

The admin shows analysts every figure with its flags; public pages show only what
`analysis.public` lets through. Both draw with the same charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _, gettext_lazy

from cms.models import Neighborhood

from .analysis.public import PublicGroup, PublicQuestion
from .analysis.report import GroupResult, QuestionResult
from .charts import ChartRow, MapArea, interval_chart, neighborhood_map
from .difference_tables import difference_table
from .period_tables import distribution_tables, period_tables


@dataclass
class TableRow:
    name: str
    n: str
    value: str
    interval: str
    note: str = ""
    emphasis: bool = False


@dataclass
class QuestionDisplay:
    key: str
    label: str
    metric: str
    chart: str
    map: str | None
    rows: list[TableRow]
    test: str = ""
    pairwise: list = field(default_factory=list)
    differences: object = None  # difference_tables.DifferenceTable
    primary: bool = False  # one of the survey's primary questions
    periods: list = field(default_factory=list)  # period_tables.PeriodTable
    distributions: list = field(default_factory=list)  # period_tables.DistributionTable
    note: str = ""
    # For questions without a mean or favorable share: percent per answer, per group.
    distribution_codes: list[str] = field(default_factory=list)
    distribution: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def has_dashes(self) -> bool:
        """Whether a table shows "—" somewhere (then a footnote says why)."""
        cells = [c for _name, row in self.distribution for c in row]
        cells += [v for row in self.rows for v in (row.n, row.value)]
        return "—" in cells


def uses_favorable(result) -> bool:
    groups = [result.overall, *result.groups]
    return any(favorable_figure(g) is not None for g in groups)


def favorable_figure(group):
    if isinstance(group, PublicGroup):
        return None if group.favorable is None else (group.favorable, *group.favorable_ci)
    f = group.estimate.favorable
    return None if not f else (100 * f["p"], 100 * f["ci"][0], 100 * f["ci"][1])


def mean_figure(group):
    if isinstance(group, PublicGroup):
        return None if group.mean is None else (group.mean, *(group.ci or (None, None)))
    e = group.estimate
    return None if e.mean is None else (e.mean, *(e.ci or (None, None)))


def chart_scale(result, percent: bool, values) -> tuple[float, float]:
    if percent:
        return (0.0, 100.0)
    if result.type == "rating":
        return (0.0, 10.0)
    if result.type == "likert" or result.measure == "index":
        top = max((float(c) for c, _l, non in result.codes if not non), default=5.0)
        return (1.0, top if result.type == "likert" else 5.0 if top <= 5 else 7.0)
    finite = [v for v in values if v is not None]
    return (min(finite, default=0.0), max(finite, default=1.0))


def _note(group) -> str:
    if isinstance(group, PublicGroup):
        if group.hidden:
            return _("too few answers")
        return _("too uncertain to show") if group.uncertain else ""
    if group.suppressed:
        return _("fewer than k answers")
    return _("unreliable") if group.unreliable else ""


# The names analysis gives its tests and notes, said in the reader's language.
SAID_IN_WORDS = {
    "Pearson's chi-square test of independence": gettext_lazy(
        "Pearson's chi-square test of independence"
    ),
    "chi-square test of independence": gettext_lazy("chi-square test of independence"),
    "Rao–Scott corrected chi-square test (F)": gettext_lazy(
        "Rao–Scott corrected chi-square test (F)"
    ),
    "Kruskal–Wallis rank-sum test": gettext_lazy("Kruskal–Wallis rank-sum test"),
    "Welch's t-test": gettext_lazy("Welch's t-test"),
    "Fisher's exact test": gettext_lazy("Fisher's exact test"),
    "Shown for the whole city only.": gettext_lazy("Shown for the whole city only."),
}


def _said(text: str) -> str:
    return str(SAID_IN_WORDS.get(text, text))


def in_language(results: list[PublicQuestion], survey, language: str) -> list[PublicQuestion]:
    """`results` with question, index and answer labels from the survey's live
    translation in `language` (codes and keys are the same in every language), and the
    test names and notes translated; unchanged labels where there is no translation."""
    from wagtail.models import Locale

    # Imported here: surveys.questionnaire reads the page models.
    from .questionnaire import build_questionnaire

    labels: dict = {}
    locale = Locale.objects.filter(language_code=language).first()
    translated = survey.get_translation_or_none(locale) if locale else None
    if translated is not None and translated.live:
        questionnaire = build_questionnaire(translated.specific)
        for question in questionnaire.questions:
            labels[question.key] = question.label
            labels.update({(question.key, c.code): c.label for c in question.choices})
        labels.update({index.key: index.label for index in questionnaire.indices})
    return [
        replace(
            result,
            label=labels.get(result.key, result.label),
            codes=[
                (code, labels.get((result.key, code), label), non)
                for code, label, non in result.codes
            ],
            test=_said(result.test) if result.test else result.test,
            note=_said(result.note) if result.note else result.note,
        )
        for result in results
    ]


def favorable_words(result) -> str:
    """What "favorable" means for this question or index, in words ("% who answered: Not
    at all worried / Not very worried"); "" where nothing is favorable."""
    labels = {code: label for code, label, _non in result.codes}
    chosen = [labels[code] for code in getattr(result, "favorable_codes", ()) if code in labels]
    if chosen:
        return _("%% who answered: %(answers)s") % {"answers": " / ".join(chosen)}
    threshold = getattr(result, "favorable_at_least", None)
    if threshold is not None:
        return _("%% with a score of %(score)s or more") % {"score": f"{threshold:g}"}
    return ""


def displays(
    results, *, analyst: bool, primary=(), every_pair: bool = False
) -> list[QuestionDisplay]:
    """Every result drawn, with the neighborhoods' boundaries read once for all maps;
    `primary` names the survey's primary questions; analysts see the pairs of
    neighborhoods that differ (all of them with `every_pair`)."""
    boundaries = list(Neighborhood.objects.filter(boundary__isnull=False))
    drawn = []
    for result in results:
        item = display(result, analyst=analyst, boundaries=boundaries)
        item.primary = result.key in primary
        if analyst:
            names = {g.neighborhood: g.name for g in result.groups}
            item.differences = difference_table(result.differences, names, every_pair=every_pair)
        drawn.append(item)
    return drawn


def display(
    result: QuestionResult | PublicQuestion, *, analyst: bool, boundaries: list[Neighborhood]
) -> QuestionDisplay:
    percent = uses_favorable(result)
    pick = favorable_figure if percent else mean_figure
    groups = [result.overall, *result.groups]
    values = [v for g in groups if (m := pick(g)) for v in m]
    scale = chart_scale(result, percent, values)
    rows, chart_rows = [], []
    for index, group in enumerate(groups):
        measured = pick(group)
        note = _note(group)
        city = index == 0
        name = _("City-wide") if city else group.name
        if measured is None:
            chart_rows.append(ChartRow(name, None, note=note or _("not shown"), emphasis=city))
        else:
            value, low, high = measured
            chart_rows.append(ChartRow(name, value, low, high, note, emphasis=city))
        rows.append(_table_row(name, group, measured, percent, note, city))
    metric = (favorable_words(result) or _("Favorable answers (%)")) if percent else _("Mean")
    measured = any(pick(g) is not None for g in groups)
    display_ = QuestionDisplay(
        key=result.key,
        label=result.label,
        metric=metric,
        chart=interval_chart(
            chart_rows,
            title=f"{result.label} — {metric}",
            scale=scale,
            percent=percent,
            chart_id=f"chart-{result.key}",
        )
        if measured
        else "",
        map=_map(result, pick, percent, boundaries) if measured else None,
        rows=rows if measured else [],
        note=getattr(result, "note", ""),
    )
    if not measured:
        _add_distribution(display_, result, groups)
    if analyst:
        display_.test = test_line(result.test)
        display_.pairwise = [p for p in result.pairwise if p.p_holm < 0.05]
        display_.periods = period_tables(result.periods)
        labels = {code: label for code, label, _non in result.codes}
        display_.distributions = distribution_tables(getattr(result, "distributions", []), labels)
    elif result.test:
        display_.test = result.test
    return display_


def _add_distribution(display_: QuestionDisplay, result, groups) -> None:
    """Percent per answer code, per group ("—" where not shown)."""
    codes = [(code, label) for code, label, non in result.codes if not non]
    display_.distribution_codes = [label for _code, label in codes]
    for index, group in enumerate(groups):
        name = _("City-wide") if index == 0 else group.name
        if isinstance(group, PublicGroup):
            shown = {cell.code: cell.percent for cell in group.cells}
            cells = ["—" if shown.get(c) is None else f"{shown[c]}%" for c, _l in codes]
        elif group.suppressed:
            cells = ["—"] * len(codes)
        else:
            percent = group.estimate.percent
            cells = [f"{percent[c]:.1f}%" if c in percent else "0%" for c, _l in codes]
        display_.distribution.append((name, cells))


def _table_row(name, group, measured, percent, note, city) -> TableRow:
    n = group.n if isinstance(group, PublicGroup) else group.estimate.n
    if measured is None:
        return TableRow(name, "—" if n is None else str(n), "—", "", note, city)
    value, low, high = measured
    fmt = (lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:.2f}")
    interval = f"{fmt(low)} – {fmt(high)}" if low is not None and high is not None else ""
    # n alone may be hidden (it would give away how many answered "don't know").
    return TableRow(name, "—" if n is None else str(n), fmt(value), interval, note, city)


def _map(result, pick, percent, boundaries: list[Neighborhood]) -> str | None:
    by_code = {g.neighborhood: g for g in result.groups}
    if not by_code:
        return None
    areas = []
    for hood in boundaries:
        if hood.code in by_code:
            measured = pick(by_code[hood.code])
            value = measured[0] if measured else None
            areas.append(MapArea(hood.code, hood.name, hood.boundary, value))
    return neighborhood_map(
        areas,
        title=f"{result.label} — {_('Map')}",
        percent=percent,
        chart_id=f"map-{result.key}",
    )


def test_line(test) -> str:
    if test is None or test.p_value != test.p_value:
        return ""
    parts = [test.name]
    if test.statistic == test.statistic:
        parts.append(f"statistic {test.statistic:.3g}")
    if test.df is not None:
        parts.append(f"df {test.df:.3g}")
    parts.append(f"p {test.p_value:.3g}" if test.p_value >= 0.001 else "p < 0.001")
    if test.effect_size_name and test.effect_size == test.effect_size:
        parts.append(f"{test.effect_size_name} {test.effect_size:.3f}")
    line = ", ".join(parts)
    if test.warnings:
        line += " — " + "; ".join(test.warnings)
    return line


__all__ = ["display", "displays", "QuestionDisplay", "GroupResult"]
