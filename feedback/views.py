"""What residents see: community voices, the feedback form, and the receipt-code check.

Views are thin: forms validate, `submission` writes, `selectors` read.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _

from cms.models import Neighborhood
from cms.protection import (
    STARTED_FIELD,
    honeypot_filled,
    over_rate_limit,
    seconds_since_started,
    started_token,
)
from cms.views import request_too_large, too_many_requests

# The code helpers are plain functions shared with resume codes (no survey models).
from surveys import codes

from .forms import FeedbackForm
from .pages import CommunityVoicesPage
from .selectors import public_counts, public_feedback, topic_for_code, topics_in
from .submission import (
    RECEIPT_CODE_LENGTH,
    ReceiptError,
    contact_days,
    find_by_receipt,
    record_feedback,
)


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _page_context(request: HttpRequest, page: CommunityVoicesPage) -> dict:
    """The page's context, with `voices_path`: the page's address as the resident reached
    it. A page not yet translated is served under /es/ too, and its links and forms must
    stay there (the language of the address is the resident's language)."""
    path = request.path
    for route in ("send/", "status/"):
        if path.endswith("/" + route):
            path = path.removesuffix(route)
    context = page.get_context(request)
    context["voices_path"] = path
    return context


def community_voices(request: HttpRequest, page: CommunityVoicesPage) -> HttpResponse:
    """Published feedback with replies, filtered by topic and neighborhood, and counts."""
    topics = topics_in(_language())
    neighborhoods = list(Neighborhood.objects.only("code", "name"))
    items = public_feedback()
    chosen = {"topic": request.GET.get("topic", ""), "neighborhood": request.GET.get("area", "")}
    problems = []
    if chosen["topic"]:
        if chosen["topic"] in {t.code for t in topics}:
            items = items.filter(topic__code=chosen["topic"])
        else:
            problems.append(_("There is no such topic; showing all topics."))
            chosen["topic"] = ""
    if chosen["neighborhood"]:
        if chosen["neighborhood"] in {n.code for n in neighborhoods}:
            items = items.filter(neighborhood__code=chosen["neighborhood"])
        else:
            problems.append(_("There is no such neighborhood; showing all neighborhoods."))
            chosen["neighborhood"] = ""
    listing = Paginator(items, page.per_page).get_page(request.GET.get("page"))
    labels = {t.code: t.name for t in topics}
    # A topic not yet translated is shown in the language it has, and marked so.
    topic_languages = {t.code: t.locale.language_code for t in topics}
    for item in listing:
        item.topic_label = labels.get(item.topic.code, item.topic.name)
        item.topic_language = topic_languages.get(item.topic.code, "")
    query = "&".join(
        f"{k}={v}" for k, v in (("topic", chosen["topic"]), ("area", chosen["neighborhood"])) if v
    )
    context = _page_context(request, page)
    context.update(
        {
            "topics": topics,
            "topic_languages": topic_languages,
            "neighborhoods": neighborhoods,
            "chosen": chosen,
            "listing": listing,
            "filter_query": query,
            "problems": problems,
            "counts": public_counts(k=page.small_cell_threshold, labels=labels),
            "k": max(page.small_cell_threshold, 5),
        }
    )
    return TemplateResponse(request, page.template, context, status=400 if problems else 200)


def _scope(page: CommunityVoicesPage) -> str:
    return f"feedback:{page.pk}"


def _form(page, data=None) -> FeedbackForm:
    return FeedbackForm(
        data,
        topics=topics_in(_language()),
        neighborhoods=Neighborhood.objects.order_by("name"),
        contact_days=contact_days(),
    )


def _render_form(request, page, form, *, status=200) -> HttpResponse:
    context = _page_context(request, page)
    context.update(
        {"form": form, "started": started_token(_scope(page)), "contact_days": contact_days()}
    )
    return TemplateResponse(request, "feedback/feedback_form.html", context, status=status)


def _render_receipt(request, page, code: str) -> HttpResponse:
    context = _page_context(request, page)
    context.update({"code": code, "contact_days": contact_days()})
    response = TemplateResponse(request, "feedback/receipt.html", context)
    # The code is shown once: no cache may keep this page.
    response["Cache-Control"] = "no-store"
    return response


def _over_limit(request: HttpRequest, page: CommunityVoicesPage) -> bool:
    limit, window = settings.SUBMISSION_RATE_LIMIT
    return over_rate_limit(request, _scope(page), limit=limit, window=window)


def send_feedback(request: HttpRequest, page: CommunityVoicesPage) -> HttpResponse:
    """The feedback form (GET) and what a resident sends (POST)."""
    if request.method != "POST":
        return _render_form(request, page, _form(page))
    # Oversized bodies were refused before parsing (cms.middleware.PublicRequestLimits).
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return request_too_large(request)
    if _over_limit(request, page):
        return too_many_requests(request)
    if honeypot_filled(data):
        # A robot: it gets what a person would, and nothing is stored.
        return _render_receipt(request, page, codes.new_code(RECEIPT_CODE_LENGTH))
    form = _form(page, data)
    if not form.is_valid():
        return _render_form(request, page, form, status=400)
    elapsed = seconds_since_started(data.get(STARTED_FIELD), _scope(page))
    if elapsed is None or elapsed < settings.MINIMUM_FILL_SECONDS:
        # Faster than a person types: ask to confirm rather than drop real feedback.
        form.add_error(None, _("Please check your feedback and send it again."))
        return _render_form(request, page, form, status=400)
    cleaned = form.cleaned_data
    language = _language()
    topic = topic_for_code(cleaned["topic"], language)
    neighborhood = (
        Neighborhood.objects.filter(code=cleaned["neighborhood"]).first()
        if cleaned["neighborhood"]
        else None
    )
    if topic is None:  # removed between showing the form and sending it
        form.add_error("topic", _("Choose one of the topics in the list."))
        return _render_form(request, page, form, status=400)
    code = record_feedback(
        topic=topic,
        neighborhood=neighborhood,
        language=language,
        text=cleaned["text"],
        may_publish=cleaned["may_publish"],
        contact=cleaned["contact"],
    )[1]
    return _render_receipt(request, page, code)


def feedback_status(request: HttpRequest, page: CommunityVoicesPage) -> HttpResponse:
    """A receipt code shows the status of the resident's feedback and the reply.

    The code travels in a POST, never in the address, and the page shows neither the
    original text nor contact details: only topic, day, status and the reply."""
    context = _page_context(request, page)
    context.update({"typed": "", "error": "", "item": None})
    if request.method != "POST":
        return TemplateResponse(request, "feedback/status.html", context)
    if _over_limit(request, page):
        return too_many_requests(request)
    typed = request.POST.get("code", "")[:40]
    try:
        item = find_by_receipt(typed)
    except ReceiptError as error:
        context.update({"typed": typed, "error": str(error)})
        return TemplateResponse(request, "feedback/status.html", context, status=400)
    labels = {t.code: t.name for t in topics_in(_language())}
    item.topic_label = labels.get(item.topic.code, item.topic.name)
    context["item"] = item
    response = TemplateResponse(request, "feedback/status.html", context)
    response["Cache-Control"] = "no-store"
    return response
