"""Site-wide views: friendly refusals, and the doors that lead staff to allauth."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext as _
from django.views import defaults

# A restarting or overloaded database: the resident may simply send again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token expired: explain, keep nothing."""
    return TemplateResponse(request, "403_csrf.html", {}, status=403).render()


def too_many_requests(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Too many submissions or sign-in attempts from one connection."""
    return TemplateResponse(request, "429.html", {}, status=429).render()


def request_too_large(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """A public form post far larger than any honest answer: refused unread."""
    return TemplateResponse(request, "413.html", {}, status=413).render()


def unreadable_text(request: HttpRequest) -> HttpResponse:
    """A public form post whose text is not UTF-8: refused, rather than stored with
    replacement characters where the resident's words were."""
    problem = _(
        "Some of what you sent is not text we can read (it is not valid UTF-8), so nothing "
        "was saved. Go back and send your answers again; if this keeps happening, try "
        "another browser."
    )
    return TemplateResponse(request, "400.html", {"problem": problem}, status=400).render()


def mail_not_sent(request: HttpRequest) -> HttpResponse:
    """The mail server did not answer when an email to staff was to be sent (logged)."""
    response = TemplateResponse(request, "account/mail_not_sent.html", {}, status=503).render()
    response["Retry-After"] = "120"
    return response


def not_served(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """A URL that a package offers and this site does not (cms/urls.py says why)."""
    return HttpResponse(status=404)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """Wagtail's /admin/login/ sends staff to allauth's sign-in, keeping `next`."""
    next_url = request.GET.get("next", "/admin/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/admin/"
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def password_reset_redirect(request: HttpRequest, rest: str = "") -> HttpResponse:
    return HttpResponseRedirect(reverse("account_reset_password"))


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected error (500), unless the database could not be reached for a moment
    (restarting, failing over, too busy): then a 503 that asks to send again. Rendered
    without touching the database."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        # Only a post is to be sent again: reloading a page is always safe, and a thank-you
        # page that failed to show must not invite a second copy of the answers.
        context = {"LANGUAGE_CODE": get_language(), "sending": request.method == "POST"}
        html = render_to_string("503.html", context)
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
