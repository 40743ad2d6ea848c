"""Staff views in the Wagtail admin: surveys with their response counts, and responses."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy as _
from django.views.generic import TemplateView
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from cms.audit import record_access
from cms.dates import day_field
from cms.models import AuditEvent, Neighborhood

from .access import (
    EXPORT_RESPONSES,
    VIEW_RESULTS,
    can_organize,
    can_see,
    can_view_responses,
    surveys_visible_to,
)
from .analysis.counts import Selection
from .analysis.report import build_report
from .analysis.weighting import WeightingError
from .models import Response, SurveyPage
from .presentation import displays
from .release import release_due
from .selectors import response_table, responses_of, with_response_counts


class SurveyIndexView(BaseListingView):
    """Every survey the user may see, with its number of responses."""

    page_title = _("Survey responses")
    header_icon = "form"
    paginate_by = 50
    index_url_name = "surveys_admin:index"
    index_results_url_name = "surveys_admin:index_results"
    default_ordering = "title"

    @cached_property
    def columns(self):
        # Results one click away, for those who may see them.
        with_results = set(
            surveys_visible_to(self.request.user, VIEW_RESULTS).values_list("pk", flat=True)
        )
        return [
            TitleColumn(
                "title",
                label=_("Survey"),
                url_name="surveys_admin:responses",
                sort_key="title",
            ),
            Column("state_label", label=_("State"), accessor=lambda s: s.state().label),
            NumberColumn("response_count", label=_("Responses"), sort_key="response_count"),
            TitleColumn(
                "results",
                label=_("Results"),
                accessor=lambda s: gettext("Results") if s.pk in with_results else "",
                get_url=lambda s: (
                    reverse("surveys_admin:results", args=[s.pk]) if s.pk in with_results else None
                ),
            ),
        ]

    def get_base_queryset(self):
        surveys = surveys_visible_to(self.request.user)
        for survey in surveys:
            release_due(survey)
        return with_response_counts(surveys)


class ResponseFilterSet(WagtailFilterSet):
    submitted_on = DateFromToRangeFilter(label=_("Submitted on"), widget=DateRangePickerWidget)
    neighborhood = ModelChoiceFilter(label=_("Neighborhood"), queryset=Neighborhood.objects.all())
    language = ChoiceFilter(label=_("Language"), choices=[])
    channel = ChoiceFilter(label=_("Channel"), choices=Response.Channel.choices)
    status = ChoiceFilter(label=_("Status"), choices=Response.Status.choices)

    class Meta:
        model = Response
        fields = ["submitted_on", "neighborhood", "language", "channel", "status"]

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["language"].extra["choices"] = [(code, code) for code in languages]


class ResponseListView(BaseListingView):
    """A paginated table of one survey's responses with their answers."""

    template_name = "surveys/admin/responses.html"
    results_template_name = "surveys/admin/responses_results.html"
    header_icon = "form"
    paginate_by = 25
    index_url_name = "surveys_admin:responses"
    index_results_url_name = "surveys_admin:responses_results"
    filterset_class = ResponseFilterSet

    def dispatch(self, request, *args, **kwargs):
        self.survey = get_object_or_404(SurveyPage, pk=kwargs["survey_id"])
        if not can_view_responses(request.user, self.survey):
            raise PermissionDenied
        release_due(self.survey)
        response = super().dispatch(request, *args, **kwargs)
        record_access(
            user=request.user,
            action=AuditEvent.Action.VIEW_RESPONSES,
            page=self.survey.responses_survey,
            detail={"query": request.GET.urlencode()},
        )
        return response

    def get_base_queryset(self):
        return responses_of(self.survey)

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        kwargs["languages"] = self.survey.get_translations(inclusive=True).values_list(
            "locale__language_code", flat=True
        )
        return kwargs

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.survey.pk])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.survey.pk])

    def get_page_title(self):
        return gettext("Responses")

    def get_page_subtitle(self):
        return self.survey.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("surveys_admin:index"), "label": gettext("Survey responses")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["survey"] = self.survey
        context["response_table"] = response_table(self.survey, list(context["object_list"]))
        context["total_responses"] = responses_of(self.survey).count()
        context["can_export"] = can_see(self.request.user, self.survey, EXPORT_RESPONSES)
        context["can_enter_paper"] = can_organize(self.request.user, self.survey)
        context["can_view_results"] = can_see(self.request.user, self.survey, VIEW_RESULTS)
        return context


class ResultsFilterForm(forms.Form):
    RANGE_FIELDS = ("first_from", "first_to", "second_from", "second_to")

    since = day_field(_("From"))
    until = day_field(_("To"))
    split_at = day_field(
        _("Compare before / after"),
        help_text=_("For example the day a 287(g) agreement started."),
    )
    first_from = day_field(_("Or compare: first period from"))
    first_to = day_field(_("first period to"))
    second_from = day_field(_("second period from"))
    second_to = day_field(_("second period to"))
    weighting = forms.ChoiceField(
        label=_("Weighting"),
        choices=[
            ("none", _("None")),
            ("neighborhood", _("Post-stratification to neighborhood populations")),
            ("rake", _("Raking to neighborhoods and the survey's margins")),
        ],
        initial="none",
        required=False,
    )
    every_pair = forms.BooleanField(
        label=_("Every pair of neighborhoods"),
        help_text=_("Otherwise only the pairs that differ (adjusted p < 0.05) are listed."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        bounds = [cleaned.get(name) for name in self.RANGE_FIELDS]
        cleaned["compare"] = None
        if any(bounds):
            if not all(bounds):
                raise forms.ValidationError(
                    _("To compare two periods, give both dates of each period.")
                )
            if cleaned.get("split_at"):
                raise forms.ValidationError(
                    _("Compare before / after a day or two periods, not both.")
                )
            first, second = (bounds[0], bounds[1]), (bounds[2], bounds[3])
            if first[0] > first[1] or second[0] > second[1]:
                raise forms.ValidationError(_("A period ends before it starts."))
            if first[0] <= second[1] and second[0] <= first[1]:
                raise forms.ValidationError(_("The two periods overlap."))
            cleaned["compare"] = (first, second)
        return cleaned


class SurveyResultsMixin:
    """A view of one survey's results: its grant checked, its due answers released."""

    def dispatch(self, request, *args, **kwargs):
        self.survey = get_object_or_404(SurveyPage, pk=kwargs["survey_id"])
        if not can_see(request.user, self.survey, VIEW_RESULTS):
            raise PermissionDenied
        release_due(self.survey)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.survey.get_admin_display_title()


class SurveyResultsView(SurveyResultsMixin, WagtailAdminTemplateMixin, TemplateView):
    """Every question's estimates by neighborhood, with charts, maps and tests."""

    template_name = "surveys/admin/results.html"
    header_icon = "table"

    def get_page_title(self):
        return gettext("Results")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.survey.responses_survey
        form = ResultsFilterForm(self.request.GET or None)
        context.update(survey=survey, form=form)
        if form.is_bound and not form.is_valid():
            return context
        data = form.cleaned_data if form.is_bound else {}
        weighting = data.get("weighting") or "none"
        if weighting == "rake" and not survey.raking_margins:
            form.add_error("weighting", _("This survey has no raking margins in its settings."))
            return context
        selection = Selection(
            survey=survey,
            since=data.get("since"),
            until=data.get("until"),
            split_at=data.get("split_at"),
            compare=data.get("compare"),
        )
        try:
            report = build_report(selection, weighting=weighting, margins=survey.raking_margins)
        except WeightingError as error:
            form.add_error("weighting", str(error))
            return context
        record_access(
            user=self.request.user,
            action=AuditEvent.Action.VIEW_RESULTS,
            page=survey,
            detail={"query": self.request.GET.urlencode()},
        )
        context.update(
            report=report,
            displays=displays(
                [*report.questions, *report.indices],
                analyst=True,
                primary=report.primary_questions,
                every_pair=bool(data.get("every_pair")),
            ),
            weighted_comparison=self._weighted_comparison(report),
        )
        return context

    def _weighted_comparison(self, report) -> str | None:
        """The address of the same comparison post-stratified by neighborhood, offered
        beside an unweighted one whose neighborhoods' shares moved between periods."""
        if not report.composition:
            return None
        query = self.request.GET.copy()
        query["weighting"] = "neighborhood"
        return f"?{query.urlencode()}"
