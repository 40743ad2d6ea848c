"""What residents see: the survey form, the thank-you page and plain refusals.

Views are thin: they pick the questionnaire revision, let `ResponseForm` validate and
hand valid answers to `submission.record_response`.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import PageLogEntry, Revision

from cms.protection import (
    STARTED_FIELD,
    honeypot_filled,
    over_rate_limit,
    seconds_since_started,
    started_token,
)
from cms.views import request_too_large, too_many_requests

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
    # Oversized bodies were refused before parsing (cms.middleware.PublicRequestLimits).
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return request_too_large(request)
    limit, window = settings.SUBMISSION_RATE_LIMIT
    if over_rate_limit(request, f"survey:{page.pk}", limit=limit, window=window):
        return too_many_requests(request)
    thanks_url = page.url + page.reverse_subpage("thanks")
    if honeypot_filled(data):
        # A robot: it gets what a person would, and nothing is stored.
        return HttpResponseRedirect(thanks_url)
    questionnaire = _questionnaire_answered(page, data.get("revision"))
    form = ResponseForm(questionnaire, data)
    valid = form.is_valid()
    elapsed = seconds_since_started(data.get(STARTED_FIELD), _form_scope(page))
    if elapsed is None or elapsed < settings.MINIMUM_FILL_SECONDS:
        # Faster than a person reads: ask to confirm rather than drop a real answer.
        form.add_error(None, _("Please check your answers and send them again."))
        valid = False
    if not valid:
        return _render_form(request, page, form)
    record_response(survey=page, questionnaire=questionnaire, answers=form.cleaned_data)
    return HttpResponseRedirect(thanks_url)


def _form_scope(page: SurveyPage) -> str:
    return f"survey:{page.pk}"


def _questionnaire_answered(page: SurveyPage, revision_id: str | None) -> Questionnaire:
    """The revision the resident's form came from, if it was ever published; else the live one.

    A resident who opened the survey before an organizer published a change may still
    submit what they were shown.
    """
    source = page.alias_of.specific if page.alias_of_id else page
    answered = _as_id(revision_id)
    if answered is not None and answered != source.live_revision_id:
        was_published = PageLogEntry.objects.filter(
            page=source, action="wagtail.publish", revision_id=answered
        ).exists()
        if was_published:
            revision = Revision.objects.filter(pk=answered, object_id=str(source.pk)).first()
            if revision is not None:
                return questionnaire_for_revision(revision)
    return build_questionnaire(page, revision_id=source.live_revision_id)


def _as_id(value: str | None) -> int | None:
    """A database id from untrusted text, or None ("²".isdigit() is True; int() fails)."""
    if value and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    return None


def _render_form(request: HttpRequest, page: SurveyPage, form: ResponseForm, *, preview=False):
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "questionnaire": form.questionnaire,
            "is_preview": preview,
            "started": started_token(_form_scope(page)),
        }
    )
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
