"""The admin's XLSForm upload and download.

Upload: a form in, a draft survey (or a table of problems) out.

Only users who may add pages somewhere a survey can live see it. The upload is read
by `surveys.xlsform`, which treats it as hostile; this view only parses the request,
calls it and renders. Download: the survey's questionnaire as an XLSForm, for
KoboToolbox / ODK or a later import; it holds no answers, so who may edit the page or
see its responses may download it (`access.can_download_questionnaire`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from cms.models import ContentPage, HomePage

from .access import can_download_questionnaire, grant_to_creator
from .models import SurveyPage
from .xlsform.exporting import CONTENT_TYPE, export_xlsform
from .xlsform.importing import read_xlsform
from .xlsform.pages import create_survey
from .xlsform.problems import XLSFormError
from .xlsform.safety import MAX_FILE_BYTES


def survey_parents_for(user):
    """The pages under which `user` may add a survey."""
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "add")
    return pages.type(HomePage, ContentPage).order_by("path")


class XLSFormImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm (.xlsx)"),
        help_text=_("An XLSForm from KoboToolbox or ODK, at most 5 MB, without macros."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    parent = forms.ModelChoiceField(queryset=Page.objects.none(), label=_("Add it under"))
    slug = forms.SlugField(
        required=False,
        max_length=255,
        label=_("Slug"),
        help_text=_("The survey's address. Leave blank to derive it from the form's title."),
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20}
            )
        return file


class XLSFormImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "surveys/admin/xlsform_import.html"
    form_class = XLSFormImportForm
    page_title = _("Import an XLSForm")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.parents = survey_parents_for(request.user)
        if not self.parents.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parents": self.parents}

    def form_valid(self, form):
        imported = read_xlsform(form.cleaned_data["file"])
        try:
            survey = create_survey(
                imported,
                parent=form.cleaned_data["parent"].specific,
                slug=form.cleaned_data["slug"] or None,
                user=self.request.user,
            )
            grant_to_creator(user=self.request.user, survey=survey)
        except XLSFormError as error:
            return self.render_to_response(
                self.get_context_data(
                    form=form, problems=error.problems, warnings=imported.warnings
                )
            )
        messages.success(
            self.request,
            gettext("'%(title)s' was imported as a draft: preview it, then publish.")
            % {"title": survey.title},
        )
        for warning in imported.warnings:
            messages.warning(self.request, str(warning))
        return redirect("wagtailadmin_pages:edit", survey.pk)


@require_GET
def download_xlsform(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = get_object_or_404(SurveyPage, pk=survey_id)
    if not can_download_questionnaire(request.user, survey):
        raise PermissionDenied
    return HttpResponse(
        export_xlsform(survey),
        content_type=CONTENT_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{survey.slug}.xlsx"'},
    )
