"""What residents see: the survey form, the thank-you page and plain refusals.

Views are thin: they pick the questionnaire revision, let `ResponseForm` validate and
hand valid answers to `submission.record_response`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from wagtail.models import PageLogEntry, Revision

from .forms import ResponseForm
from .models import SurveyPage
from .questionnaire import Questionnaire, build_questionnaire, questionnaire_for_revision
from .submission import record_response


def answer_survey(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    """Show the survey (GET) or take one response (POST, then redirect)."""
    state = page.state()
    if state != SurveyPage.State.OPEN:
        return survey_unavailable(request, page, state=state)
    if request.method == "POST":
        return _take_response(request, page)
    questionnaire = build_questionnaire(page, revision_id=page.live_revision_id)
    return _render_form(request, page, ResponseForm(questionnaire))


def _take_response(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > settings.SURVEY_MAX_BODY_BYTES:
        return _refuse(request, page, "surveys/too_large.html", status=413)
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return _refuse(request, page, "surveys/too_large.html", status=413)
    questionnaire = _questionnaire_answered(page, data.get("revision"))
    form = ResponseForm(questionnaire, data)
    if not form.is_valid():
        return _render_form(request, page, form)
    record_response(survey=page, questionnaire=questionnaire, answers=form.cleaned_data)
    return HttpResponseRedirect(page.url + page.reverse_subpage("thanks"))


def _questionnaire_answered(page: SurveyPage, revision_id: str | None) -> Questionnaire:
    """The revision the resident's form came from, if it was ever published; else the live one.

    A resident who opened the survey before an organizer published a change may still
    submit what they were shown.
    """
    if revision_id and revision_id.isdigit() and int(revision_id) != page.live_revision_id:
        was_published = PageLogEntry.objects.filter(
            page=page, action="wagtail.publish", revision_id=int(revision_id)
        ).exists()
        if was_published:
            revision = Revision.objects.filter(pk=int(revision_id), object_id=str(page.pk)).first()
            if revision is not None:
                return questionnaire_for_revision(revision)
    return build_questionnaire(page, revision_id=page.live_revision_id)


def _render_form(request: HttpRequest, page: SurveyPage, form: ResponseForm, *, preview=False):
    context = page.get_context(request)
    context.update({"form": form, "questionnaire": form.questionnaire, "is_preview": preview})
    return TemplateResponse(request, "surveys/survey_page.html", context)


def preview_survey(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    """The admin preview: the form exactly as residents will see it, never submitted."""
    questionnaire = build_questionnaire(page)
    return _render_form(request, page, ResponseForm(questionnaire), preview=True)


def thank_you(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    context = page.get_context(request)
    return TemplateResponse(request, "surveys/thank_you.html", context)


def survey_unavailable(request: HttpRequest, page: SurveyPage, *, state=None) -> HttpResponse:
    """A survey that is closed, not yet open or unpublished says so and accepts nothing."""
    state = state or page.state()
    status = 403 if request.method == "POST" else 200
    context = {"page": page, "state": state, "State": SurveyPage.State}
    if state == SurveyPage.State.UNPUBLISHED:
        # Say nothing about an unpublished survey, not even its title.
        status, context["page"] = 404, None
    return TemplateResponse(request, "surveys/unavailable.html", context, status=status)


def _refuse(request: HttpRequest, page: SurveyPage, template: str, *, status: int):
    return TemplateResponse(request, template, {"page": page}, status=status)
