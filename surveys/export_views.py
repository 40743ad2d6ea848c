"""Admin views for exports and paper entry.

Exports: a form of filters starts a background job; its page shows a progress bar
(updated by static/surveys/export-progress.js, or by reloading without script) and
then a download link. Files are served only through `download_export`, to users who
may export that survey's responses, and only while they have not expired.

Paper entry: organizers download the survey's data-entry template and upload filled
ones; every row is checked and nothing is imported unless all are valid.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import get_language_info, gettext, gettext_lazy as _, ngettext
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.audit import record_access
from cms.models import AuditEvent, Neighborhood

from .access import EXPORT_RESPONSES, can_see
from .admin_views import ResultsFilterForm
from .exports.codebook import survey_languages
from .exports.jobs import ExportJob, start_export
from .exports.options import ExportError, ExportOptions
from .exports.paper import paper_template
from .exports.paper_import import MAX_ROWS, PaperImportError, import_paper
from .invitation_views import OrganizerViewMixin, SurveyToolMixin
from .models import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {
    "xlsx": XLSX,
    "csv": "text/csv; charset=utf-8",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "r": "application/zip",
}
RECENT_JOBS = 10


class ExportForm(ResultsFilterForm):
    """The results view's dates, periods and weighting (for the analysis sheets), and
    what the Responses sheet holds."""

    field_order = ["format", "since", "until"]

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("xlsx", _("Excel workbook (.xlsx): responses, codebook and analysis")),
            ("csv", _("CSV (.csv): responses only")),
            ("sav", _("SPSS (.sav): responses with value labels and missing values")),
            ("dta", _("Stata (.dta): responses with value labels and missing values")),
            ("r", _("R (.zip): responses, codebook and a script that reads them")),
        ],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
    neighborhoods = forms.ModelMultipleChoiceField(
        label=_("Neighborhoods"),
        queryset=Neighborhood.objects.order_by("name"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: all neighborhoods."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("All channels")), *Response.Channel.choices],
        required=False,
    )
    include_partial = forms.BooleanField(
        label=_("Include partial responses (saved to continue later)"), required=False
    )
    labels = forms.BooleanField(label=_("Choices as labels instead of codes"), required=False)
    non_substantive_blank = forms.BooleanField(
        label=_("Leave “don't know” and other non-substantive answers blank"),
        help_text=_(
            "Otherwise they keep their codes (such as 98), which the Codebook labels: "
            "leave them out before computing means."
        ),
        required=False,
    )
    bom = forms.BooleanField(
        label=_("CSV for Excel (adds a byte-order mark so accents show correctly)"),
        required=False,
    )

    language = forms.ChoiceField(
        label=_("Labels in (SPSS, Stata, R)"),
        choices=[("", _("The survey's language"))],
        required=False,
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The survey's language")),
            *((code, get_language_info(code)["name_local"]) for code in languages),
        ]

    def options(self) -> ExportOptions:
        data = self.cleaned_data
        return ExportOptions(
            format=data["format"],
            since=data["since"],
            until=data["until"],
            neighborhoods=tuple(area.code for area in data["neighborhoods"]),
            channel=data["channel"],
            include_partial=data["include_partial"],
            labels=data["labels"],
            non_substantive_blank=data["non_substantive_blank"],
            bom=data["bom"],
            language=data.get("language") or "",
            split_at=data["split_at"],
            compare=data["compare"],
            weighting=data["weighting"] or "none",
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.options()
        except ExportError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


class ExporterMixin(SurveyToolMixin):
    """Refuses whoever may not export the survey's responses."""

    header_icon = "download"

    def allowed(self, user, survey):
        return can_see(user, survey, EXPORT_RESPONSES)


class ExportView(ExporterMixin, FormView):
    """Choose filters and format; starting the export redirects to its progress."""

    template_name = "surveys/admin/export.html"
    form_class = ExportForm

    def get_page_title(self):
        return gettext("Export responses")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["languages"] = survey_languages(self.survey).codes
        return kwargs

    def form_valid(self, form):
        try:
            job = start_export(survey=self.survey, user=self.request.user, options=form.options())
        except ExportError as error:
            form.add_error("weighting", str(error))
            return self.form_invalid(form)
        return redirect("surveys_admin:export_job", job_id=job.pk)

    def get_context_data(self, **kwargs):
        jobs = ExportJob.objects.filter(survey=self.survey)[:RECENT_JOBS]
        return super().get_context_data(jobs=jobs, **kwargs)


def _job_for(request, job_id) -> ExportJob:
    job = get_object_or_404(ExportJob.objects.select_related("survey"), pk=job_id)
    if not can_see(request.user, job.survey, EXPORT_RESPONSES):
        raise PermissionDenied
    return job


class ExportJobView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "surveys/admin/export_job.html"
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        self.job = _job_for(request, kwargs["job_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Export")

    def get_page_subtitle(self):
        return self.job.survey.get_admin_display_title()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            job=self.job, state=self.job.state(), survey=self.job.survey, **kwargs
        )


def export_status(request, job_id):
    """The job's progress as JSON, for the progress bar."""
    job = _job_for(request, job_id)
    state = job.state()
    return JsonResponse(
        {
            "state": state,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "download": reverse("surveys_admin:export_download", args=[job.pk])
            if state == "done"
            else "",
        }
    )


def download_export(request, job_id):
    job = _job_for(request, job_id)
    if not job.is_downloadable():
        raise Http404(gettext("This export is not ready, or has expired."))
    record_access(
        user=request.user,
        action=AuditEvent.Action.EXPORT,
        page=job.survey,
        detail={"export": str(job.pk), **job.options},
    )
    options = job.export_options
    return FileResponse(
        job.path.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=CONTENT_TYPES[options.format],
    )


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled template (.xlsx)"),
        help_text=_("Every row is checked; nothing is imported unless all rows are valid."),
    )


class PaperEntryView(OrganizerViewMixin, FormView):
    """Download the data-entry template; upload filled ones. Organizers only: what is
    imported counts as responses."""

    template_name = "surveys/admin/paper.html"
    form_class = PaperUploadForm
    header_icon = "doc-full"

    def get_page_title(self):
        return gettext("Paper responses")

    def form_valid(self, form):
        try:
            count = import_paper(self.survey, form.cleaned_data["file"])
        except PaperImportError as error:
            return self.render_to_response(
                self.get_context_data(form=form, problems=error.problems[:200],
                                      more=max(len(error.problems) - 200, 0))
            )  # fmt: skip
        messages.success(
            self.request,
            ngettext(
                "%(count)d paper response imported.", "%(count)d paper responses imported.", count
            )
            % {"count": count},
        )
        return redirect("surveys_admin:paper", survey_id=self.survey.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_rows=MAX_ROWS, **kwargs)


class PaperTemplateView(OrganizerViewMixin, View):
    """The survey's data-entry template, as a download."""

    def get(self, request, survey_id):
        try:
            content = paper_template(self.survey)
        except ExportError as error:
            messages.error(request, str(error))
            return redirect("surveys_admin:paper", survey_id=self.survey.pk)
        response = HttpResponse(content, content_type=XLSX)
        name = f"{self.survey.slug}-paper-entry.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
