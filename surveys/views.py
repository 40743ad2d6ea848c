"""What residents see: the survey, page by page, and its plain refusals.

Views are thin: `Fill` (fill.py) knows where a resident is in a survey; `ResponseForm`
validates; `submission` writes. A single-page survey is one form and one POST, with no
session. A multi-page survey keeps the answers in progress in the session
(`progress.py`) until the resident submits or chooses "Continue later".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cms.protection import (
    STARTED_FIELD,
    honeypot_filled,
    over_rate_limit,
    seconds_since_started,
    started_token,
)
from cms.views import request_too_large, too_many_requests

from . import progress as progress_store
from .fill import Fill, as_id, fill_for
from .forms import ResponseForm
from .invitations import InvitationError
from .models import Response, SurveyPage
from .progress import Progress
from .questionnaire import Questionnaire, build_questionnaire, questionnaire_for_revision
from .revision_cache import blank_page_html
from .submission import record_response

ACTIONS = ("next", "back", "save", "submit")


def answer_survey(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    """Show the resident's current page (GET) or take what they sent (POST)."""
    state = page.state()
    if state != SurveyPage.State.OPEN:
        return survey_unavailable(request, page, state=state)
    if request.method == "POST":
        return _take_post(request, page)
    stored = progress_store.load(request, page)
    fill = fill_for(page, stored)
    if problem := fill.invitation_problem():
        progress_store.save(request, page, fill.progress)
        return _render_code_entry(request, page, error=problem, status=409)
    if _needs_code(page, fill):
        return _render_code_entry(request, page)
    index = min(fill.progress.page, len(fill.questionnaire.pages) - 1)
    return _render_page(request, fill, index, fill.form(index, _stored_page_data(fill, index)))


def _stored_page_data(fill: Fill, index: int):
    """The page's answers from the session, to show again (unbound when there are none)."""
    data = fill.progress.form_data(fill.keys_on(index))
    return data or None


def _needs_code(page: SurveyPage, fill: Fill) -> bool:
    return (
        page.admission == SurveyPage.Admission.CODE
        and not fill.progress.invitation
        and not fill.progress.admitted
    )


def _take_post(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    # Oversized bodies were refused before parsing (cms.middleware.PublicRequestLimits).
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return request_too_large(request)
    action = data.get("action") or "submit"
    if action == "code":
        return _enter_code(request, page, data.get("invitation"))
    if action not in ACTIONS:
        action = "submit"
    if action in ("save", "submit") and _over_limit(request, page):
        return too_many_requests(request)
    stored = progress_store.load(request, page)
    if honeypot_filled(data):
        # A robot: it gets what a person would, and nothing is stored.
        progress_store.clear(request, page)
        return HttpResponseRedirect(_url(page, "thanks"))
    fill = fill_for(page, stored, data.get("revision"))
    if problem := fill.invitation_problem():
        progress_store.save(request, page, fill.progress)
        return _render_code_entry(request, page, error=problem, status=409)
    if _needs_code(page, fill):
        return _render_code_entry(request, page)
    if not fill.progress.started:
        fill.progress.started = data.get(STARTED_FIELD) or started_token(_form_scope(page))
    index = _page_index(data.get("page"), fill.questionnaire)
    keys = fill.keys_on(index)
    if action == "back":
        fill.progress.keep(keys, data)
        fill.progress.page = fill.step(index, -1)
        progress_store.save(request, page, fill.progress)
        return HttpResponseRedirect(page.url)
    form = fill.form(index, data, partial=action == "save")
    if not form.is_valid():
        return _render_page(request, fill, index, form)
    fill.progress.keep(keys, data)
    if action == "save":
        return _save_for_later(request, fill)
    if not fill.is_last(index):
        # "Send" on a page that turned out not to be the last one moves on, too.
        fill.progress.page = fill.step(index, +1)
        progress_store.save(request, page, fill.progress)
        return HttpResponseRedirect(page.url)
    return _submit(request, fill, index, form)


def _submit(request: HttpRequest, fill: Fill, index: int, page_form: ResponseForm) -> HttpResponse:
    page = fill.page
    if fill.keys_on(index) == fill.keys:
        # The page asked every question (a one-page survey): it is the whole form,
        # validated already; building and cleaning it again would cost a third of a post.
        whole = page_form
    else:
        whole = fill.form(None, fill.progress.form_data(fill.keys))
    if not whole.is_valid():
        # Only reachable if an earlier page changed behind the resident's back.
        pages = [
            fill.questionnaire.page_of(key.removesuffix("-other"))
            for key in whole.errors
            if key != "__all__"
        ]
        index = min(pages, default=index)
        fill.progress.page = index
        progress_store.save(request, page, fill.progress)
        return _render_page(request, fill, index, fill.form(index, _stored_page_data(fill, index)))
    elapsed = seconds_since_started(fill.progress.started, _form_scope(page))
    if elapsed is None or elapsed < settings.MINIMUM_FILL_SECONDS:
        # Faster than a person reads: ask to confirm rather than drop a real answer.
        form = fill.form(index, fill.progress.form_data(fill.keys_on(index)))
        form.is_valid()
        form.add_error(
            None,
            _(
                "Your answers arrived faster than a person usually reads, so they are not "
                "saved yet. Check they are right, then press “Send my answers” again."
            ),
        )
        fill.progress.started = started_token(_form_scope(page))
        return _render_page(request, fill, index, form)
    record = {
        "survey": page,
        "questionnaire": fill.questionnaire,
        "answers": whole.answers(),
        "completing": _partial_being_completed(fill),
    }
    if fill.progress.invitation:
        record["invitation"] = fill.progress.invitation
    elif fill.progress.admitted:
        record["neighborhood"] = fill.invitation_neighborhood
    try:
        record_response(**record)
    except InvitationError as error:
        return _code_refused(request, fill, error)
    progress_store.clear(request, page)
    return HttpResponseRedirect(_url(page, "thanks"))


def _code_refused(request: HttpRequest, fill: Fill, error: InvitationError) -> HttpResponse:
    """The code was used already (or twice at once): nothing was stored. The answers
    stay, without the code, for another code (or none, where codes are optional)."""
    fill.progress.invitation = ""
    progress_store.save(request, fill.page, fill.progress)
    return _render_code_entry(request, fill.page, error=str(error), status=409)


def _partial_being_completed(fill: Fill) -> Response | None:
    if not fill.progress.resuming:
        return None
    return Response.objects.filter(
        pk=fill.progress.resuming,
        survey=fill.page.responses_survey,
        status=Response.Status.PARTIAL,
    ).first()


def _save_for_later(request: HttpRequest, fill: Fill) -> HttpResponse:
    from .submission import save_partial

    whole = fill.form(None, fill.progress.form_data(fill.keys), partial=True)
    whole.is_valid()
    answers = {
        key: value
        for key, value in getattr(whole, "cleaned_data", {}).items()
        if key not in whole.errors and value not in ("", None, [])
    }
    try:
        response, code = save_partial(
            survey=fill.page,
            questionnaire=fill.questionnaire,
            answers=answers,
            neighborhood=fill.invitation_neighborhood,
            invitation=fill.progress.invitation,
            replacing=_partial_being_completed(fill),
        )
    except InvitationError as error:
        return _code_refused(request, fill, error)
    progress_store.clear(request, fill.page)
    context = fill.page.get_context(request)
    # The code goes in the query, never the path: access logs keep paths (cms.access_log).
    resume_path = f"{_url(fill.page, 'resume')}?{urlencode({'code': code})}"
    context.update(
        {
            "code": code,
            "resume_path": resume_path,
            "resume_url": request.build_absolute_uri(resume_path),
            "expires_on": response.resume_code.expires_on,
        }
    )
    result = TemplateResponse(request, "surveys/saved.html", context)
    # The code is shown once: no cache may keep this page.
    result["Cache-Control"] = "no-store"
    return result


def _over_limit(request: HttpRequest, page: SurveyPage) -> bool:
    limit, window = settings.SUBMISSION_RATE_LIMIT
    # One count for the survey in every language: switching language buys no attempts.
    scope = f"survey:{page.responses_survey.pk}"
    return over_rate_limit(request, scope, limit=limit, window=window)


def _page_index(posted: str | None, questionnaire: Questionnaire) -> int:
    index = as_id(posted) or 0
    return min(index, len(questionnaire.pages) - 1)


def _url(page: SurveyPage, name: str, *args) -> str:
    return page.url + page.reverse_subpage(name, args=args)


def _form_scope(page: SurveyPage) -> str:
    return f"survey:{page.pk}"


def _render_page(request: HttpRequest, fill: Fill, index: int, form: ResponseForm, **extra):
    page, questionnaire = fill.page, fill.questionnaire
    shown = fill.pages_shown(reached=index)
    if index not in shown:
        shown = sorted({*shown, index})
    form_page = questionnaire.pages[index]
    entries = form.items(form_page.positions)
    context = page.get_context(request)
    if _is_blank(form, entries):
        context["items_html"] = blank_page_html(
            questionnaire,
            index,
            tuple(form.fields),
            lambda: render_to_string(
                "surveys/includes/items.html",
                {"entries": entries, "content_lang": questionnaire.language},
            ),
        )
    context.update(
        {
            "form": form,
            "entries": entries,
            "logic": form.logic_data(entries) if questionnaire.has_logic else None,
            "questionnaire": questionnaire,
            "form_page": form_page,
            "page_index": index,
            "page_number": shown.index(index) + 1,
            "page_count": len(shown),
            "is_first": shown[0] == index,
            "is_last": shown[-1] == index,
            "is_preview": False,
            "started": fill.progress.started or started_token(_form_scope(page)),
            "invitation_form": page.admission == SurveyPage.Admission.BOTH
            and not fill.progress.invitation
            and not fill.progress.admitted
            and index == shown[0],
            "has_invitation": bool(fill.progress.invitation),
            "welcome_back": bool(fill.progress.resuming)
            and request.method == "GET"
            and request.GET.get("welcome") == "back",
            **extra,
        }
    )
    return TemplateResponse(request, "surveys/survey_page.html", context)


def _is_blank(form: ResponseForm, entries) -> bool:
    """True when the page looks the same to every resident: nothing answered yet, no
    errors, no choices in an order of the resident's own."""
    return (
        not form.is_bound
        and not form.earlier
        and not any(getattr(entry.item, "randomize", False) for entry in entries)
    )


# --- invitation codes and resume codes ---------------------------------------------------------


def _enter_code(request: HttpRequest, page: SurveyPage, typed: str | None) -> HttpResponse:
    """Take an invitation code: it is checked now and redeemed when the resident submits."""
    if page.admission == SurveyPage.Admission.OPEN:
        return HttpResponseRedirect(page.url)
    from .invitations import check

    if _over_limit(request, page):
        return too_many_requests(request)
    try:
        invitation = check(page, typed or "")
    except InvitationError as error:
        return _render_code_entry(request, page, error=str(error), typed=typed or "", status=400)
    stored = progress_store.load(request, page)
    fill = fill_for(page, stored)
    fill.progress.invitation = invitation.code
    progress_store.save(request, page, fill.progress)
    return HttpResponseRedirect(page.url)


def invitation_link(request: HttpRequest, page: SurveyPage, code: str) -> HttpResponse:
    """Where an invitation's QR code leads: the code is taken, and the survey begins."""
    state = page.state()
    if state != SurveyPage.State.OPEN:
        return survey_unavailable(request, page, state=state)
    return _enter_code(request, page, code)


def _render_code_entry(request, page, *, error="", typed="", status=200) -> HttpResponse:
    context = page.get_context(request)
    context.update({"error": error, "typed": typed})
    return TemplateResponse(request, "surveys/invitation.html", context, status=status)


def resume(request: HttpRequest, page: SurveyPage, code: str = "") -> HttpResponse:
    """Continue a saved response: a form for the resume code (a link fills it in)."""
    from .resume import ResumeError, find_partial, stored_form_data

    state = page.state()
    if state != SurveyPage.State.OPEN:
        return survey_unavailable(request, page, state=state)
    context: dict[str, Any] = page.get_context(request)
    context.update({"typed": code or request.GET.get("code", ""), "error": ""})
    if request.method != "POST":
        return TemplateResponse(request, "surveys/resume.html", context)
    if _over_limit(request, page):
        return too_many_requests(request)
    typed = request.POST.get("code", "")
    try:
        saved = find_partial(page, typed)
    except ResumeError as error:
        context.update({"typed": typed, "error": str(error)})
        return TemplateResponse(request, "surveys/resume.html", context, status=400)
    response = saved.response
    questionnaire = questionnaire_for_revision(response.revision)
    data = stored_form_data(questionnaire, response)
    progress_store.save(
        request,
        page,
        Progress(
            revision_id=response.revision_id,
            data=data,
            page=_where_they_stopped(questionnaire, data),
            # Begun before it was saved: the speed check has nothing to catch here.
            started=started_token(_form_scope(page), seconds_ago=settings.MINIMUM_FILL_SECONDS),
            resuming=str(response.pk),
            # Admitted by a code, used when it was saved: no code is asked again.
            admitted=saved.admitted,
            admitted_neighborhood=response.neighborhood.code
            if saved.admitted and response.neighborhood
            else "",
        ),
    )
    # Said once, on the page they come back to.
    return HttpResponseRedirect(page.url + "?welcome=back")


def _where_they_stopped(questionnaire: Questionnaire, data: dict) -> int:
    """The page of the last question answered: where "Continue later" was pressed."""
    pages = []
    for name in data:
        try:
            pages.append(questionnaire.page_of(name.removeprefix("q-").removesuffix("-other")))
        except KeyError:
            continue
    return max(pages, default=0)


# --- preview, thanks, refusals ------------------------------------------------------------------


def preview_survey(request: HttpRequest, page: SurveyPage) -> HttpResponse:
    """The admin preview: every page as residents will see it, logic included; never sent."""
    questionnaire = build_questionnaire(page)
    form = ResponseForm(questionnaire, seed=started_token("preview"))
    pages = []
    for index, form_page in enumerate(questionnaire.pages):
        entries = form.items(form_page.positions)
        pages.append({"number": index + 1, "page": form_page, "entries": entries})
    all_entries = [entry for p in pages for entry in p["entries"]]
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "preview_pages": pages,
            "logic": form.logic_data(all_entries) if questionnaire.has_logic else None,
            "questionnaire": questionnaire,
            "is_preview": True,
            "page_count": len(pages),
        }
    )
    return TemplateResponse(request, "surveys/survey_preview.html", context)


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
