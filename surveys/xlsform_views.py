"""The admin download of a survey's XLSForm, for KoboToolbox / ODK or a later import.

The workbook holds the questionnaire, not answers: who may edit the page or see its
responses may download it (`access.can_download_questionnaire`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .access import can_download_questionnaire
from .models import SurveyPage
from .xlsform.exporting import CONTENT_TYPE, export_xlsform


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
