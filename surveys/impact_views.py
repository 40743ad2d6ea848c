"""Admin → a survey → Results → Trends & impact: the trend of each question city-wide,
with the intervention's dates marked, and the comparison of covered and other
neighborhoods (surveys/analysis/impact_report.py) with its interval, the pre-trend check
and the plain-words sentence in the admin's language; with "Adjust for who answered",
the adjusted estimates beside the raw ones (surveys/analysis/adjusted_report.py). Same
access as the results."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import get_language, gettext, gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from cms.audit import record_access
from cms.models import AuditEvent

from .admin_views import SurveyResultsMixin
from .analysis.adjusted_report import (
    adjustment_questions,
    chosen_questions,
    load_adjusted,
    with_adjustment,
)
from .analysis.counts import Selection
from .analysis.impact_report import group_series, impact_section, load, trends_section
from .analysis.trends import FAVORABLE, period_index, period_label
from .charts import ChartRow, interval_chart
from .interventions import Intervention
from .trend_chart import Line, line_chart


class ImpactForm(forms.Form):
    intervention = forms.ModelChoiceField(
        label=_("Intervention"), queryset=Intervention.objects.none(), required=False
    )
    period = forms.ChoiceField(
        label=_("Period"), choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )

    adjust_for = forms.MultipleChoiceField(
        label=_("Adjust for who answered"),
        help_text=_(
            "About-the-respondent questions: each neighborhood's respondents in every "
            "period are weighted to its usual mix of answers to them. Both estimates are shown."
        ),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(
            Q(survey__isnull=True) | Q(survey=survey)
        )
        self.fields["adjust_for"].choices = [(q.key, q.label) for q in adjustment_questions(survey)]


class SurveyImpactView(SurveyResultsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "surveys/admin/impact.html"
    header_icon = "date"

    def get_page_title(self):
        return gettext("Trends & impact")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey.responses_survey
        form = ImpactForm(self.request.GET or {"period": "month"}, survey=survey)
        context.update(survey=survey, form=form)
        if not form.is_valid():
            return context
        unit, intervention = form.cleaned_data["period"], form.cleaned_data["intervention"]
        selection = Selection(survey=survey)
        data = load(selection, unit)
        trends = trends_section(data)
        impact = impact_section(data, intervention) if intervention else None
        adjust_for = form.cleaned_data["adjust_for"]
        if adjust_for:
            adjusted, description = load_adjusted(
                selection, data, chosen_questions(survey, adjust_for)
            )
            with_adjustment(trends, impact, adjusted, description, intervention)
        record_access(
            user=self.request.user,
            action=AuditEvent.Action.VIEW_RESULTS,
            page=survey,
            detail={"query": self.request.GET.urlencode(), "view": "trends and impact"},
        )
        adjustment = trends.get("adjustment")
        context.update(
            adjustment_words=adjustment
            and _in_language(adjustment["words"], (get_language() or "en")[:2]),
            trends=trends,
            impact=impact,
            items=_items(data, trends, impact, intervention, unit),
        )
        return context


def _items(data, trends, impact, intervention, unit) -> list[dict]:
    language = (get_language() or "en")[:2]
    labels = trends["periods"]
    marks = []
    if intervention:
        for day, text in (
            (intervention.announced_on, gettext("announced")),
            (intervention.starts_on, gettext("start")),
        ):
            label = period_label(period_index(day, unit), unit)
            if label in labels:
                marks.append((labels.index(label), text))
    impacts = {q["key"]: q for q in (impact or {}).get("questions", [])}
    covered = intervention.covered_codes() if intervention else None
    items = []
    for number, question in enumerate(trends["questions"]):
        percent = question["measure"] == FAVORABLE
        scale = 100.0 if percent else 1.0
        city = {p["period"]: p for p in question["series"][0]["points"]}
        adjusted_city = {
            p["period"]: p
            for p in (question.get("adjusted_series") or [{"points": []}])[0]["points"]
        }
        points = [_shown(city.get(label), scale) for label in labels]
        adjusted_points = [_shown(adjusted_city.get(label), scale)[0] for label in labels]
        lines = [Line(gettext("City-wide"), points)]
        if covered:  # the two groups the difference-in-differences compares
            everyone = {code for code, _name in data.names.values()}
            lines = [
                Line(
                    name,
                    [_point(found.get(period), scale) for period in data.periods],
                )
                for name, found in (
                    (
                        gettext("Covered neighborhoods"),
                        group_series(data, question["key"], covered),
                    ),
                    (
                        gettext("Comparison neighborhoods"),
                        group_series(data, question["key"], everyone - covered),
                    ),
                )
            ]
        values = [v for line in lines for p in line.points for v in p if v is not None]
        bounds = (0.0, 100.0) if percent else (min(values, default=0), max(values, default=1))
        item = {
            "key": question["key"],
            "label": question["label"],
            "measure": question["measure"],
            "rows": list(zip(labels, points, adjusted_points, strict=True)),
            "adjusted": "adjusted_series" in question,
            "group_names": [line.name for line in lines] if covered else [],
            "group_rows": [
                (label, [line.points[i] for line in lines]) for i, label in enumerate(labels)
            ]
            if covered
            else [],
            "chart": line_chart(
                labels,
                title=question["label"],
                chart_id=f"trend-{number}",
                percent=percent,
                scale=bounds,
                marks=marks,
                lines=lines,
            ),
        }
        found = impacts.get(question["key"])
        if found:
            item["impact"] = found
            item["sentence"] = _in_language(found["sentence"], language)
            if "adjusted" in found:
                item["adjusted_sentence"] = _in_language(found["adjusted"]["sentence"], language)
            study = found["event_study"]
            if study:
                rows = [
                    ChartRow(
                        f"{c['event_time']:+d}",
                        c["estimate"],
                        c["ci"][0] if c["ci"] else None,
                        c["ci"][1] if c["ci"] else None,
                        note=gettext("reference") if c["event_time"] == study["reference"] else "",
                    )
                    for c in study["coefficients"]
                ]
                ends = [v for r in rows for v in (r.low, r.high, r.value) if v is not None]
                item["event_chart"] = interval_chart(
                    rows,
                    title=gettext("Event study: covered minus others, by period from the start"),
                    scale=(min(ends, default=-1), max(ends, default=1)),
                    chart_id=f"event-{number}",
                )
        items.append(item)
    return items


def _in_language(sentences: dict | None, language: str) -> str | None:
    return (sentences or {}).get(language) or (sentences or {}).get("en")


def _shown(point: dict | None, scale: float):
    """(estimate, low, high) of a trends_section point, None where it is not drawn."""
    shown = point and point["estimate"] is not None and not point["suppressed"]
    ci = shown and point["ci"]
    return (
        point["estimate"] * scale if shown else None,
        ci[0] * scale if ci else None,
        ci[1] * scale if ci else None,
    )


def _point(point, scale: float):
    """The same for a trends.Point (group_series)."""
    shown = point is not None and point.estimate is not None and not point.suppressed
    ci = shown and point.ci
    return (
        point.estimate * scale if shown else None,
        ci[0] * scale if ci else None,
        ci[1] * scale if ci else None,
    )
