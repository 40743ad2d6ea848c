"""Site-wide views: friendly refusals, and the doors that lead staff to allauth."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token expired: explain, keep nothing."""
    return TemplateResponse(request, "403_csrf.html", {}, status=403).render()


def too_many_requests(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Too many submissions or sign-in attempts from one connection."""
    return TemplateResponse(request, "429.html", {}, status=429).render()


def request_too_large(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """A public form post far larger than any honest answer: refused unread."""
    return TemplateResponse(request, "413.html", {}, status=413).render()


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
