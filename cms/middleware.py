"""Site-wide request handling: the admin's security policy and mandatory MFA."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.http.request import RawPostDataException
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .accounts import MailNotSent, has_second_factor, sees_resident_data
from .enrolment import guarded_paths, may_enrol

# Paths that are not public pages: staff areas, files, and the staff's token API (whose
# "not found" must stay a 404, not be redirected into a language's pages).
STAFF_PREFIXES = ("/admin/", "/accounts/", "/documents/", "/static/", "/media/", "/api/")


class AdminContentSecurityPolicyMiddleware:
    """Give the Wagtail admin its own policy (still no inline script)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response


class RequireMFAMiddleware:
    """Send staff who can see resident data, but have no second factor, to set one up.

    Only the account and MFA pages (and static files) stay reachable until they do. A
    first second factor is added only after following a link sent by email
    (cms/enrolment.py): the pages that add one send anyone else to ask for that link.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/favicon.ico")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        if request.path in guarded_paths() and not may_enrol(request):
            return redirect("mfa_enrolment_required")
        if (
            request.method == "POST"
            and request.path == reverse("account_email")
            and not has_second_factor(request.user)
        ):
            # Else a phished password could add an address of its own, make it primary,
            # and receive the link that adds a first second factor (cms/enrolment.py).
            messages.error(
                request,
                _("Set up two-factor authentication before you change your email addresses."),
            )
            return redirect("account_email")
        if (
            settings.REQUIRE_MFA
            and not request.path.startswith(self.allowed_prefixes)
            and sees_resident_data(request.user)
            and not has_second_factor(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Your account can see what residents said. Set up two-factor "
                    "authentication before you continue."
                ),
            )
            return redirect("mfa_activate_totp" if may_enrol(request) else "mfa_enrolment_required")
        return self.get_response(request)


class PublicRequestLimitMiddleware:
    """Refuse oversized posts to public pages before anything reads the body, and posts
    whose text is not UTF-8 before anything stores it.

    Residents' forms are small; the CSRF check would otherwise read up to Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE first. Staff pages (admin, accounts) keep Django's limit.
    Django would read bytes that are not UTF-8 as U+FFFD, changing a resident's words
    without a word to them.
    """

    staff_prefixes = STAFF_PREFIXES

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.path.startswith(self.staff_prefixes):
            declared = request.META.get("CONTENT_LENGTH") or "0"
            if (
                not declared.isascii()
                or not declared.isdigit()
                or (int(declared) > settings.PUBLIC_MAX_BODY_BYTES)
            ):
                from .views import request_too_large  # views import this module's app

                return request_too_large(request)
            if not readable_form(request):
                from .views import unreadable_text

                return unreadable_text(request)
        return self.get_response(request)


def readable_form(request) -> bool:
    """Whether a public post's form text is all UTF-8 (a body of another kind is left to
    the view, which finds no form fields in it)."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    try:
        if content_type == "multipart/form-data":
            # Public forms take no files: every byte of the body is text.
            request.body.decode("utf-8")
        elif content_type == "application/x-www-form-urlencoded":
            body = request.body.decode("ascii")  # percent-encoded: no raw byte above 127
            for pair in body.split("&"):
                for part in pair.split("=", 1):
                    unquote_to_bytes(part.replace("+", " ")).decode("utf-8")
    except (UnicodeDecodeError, RawPostDataException):
        return False
    return True


class MailNotSentMiddleware:
    """A staff email the mail server would not take (password reset, verification,
    invitation): a page saying so, with status 503, instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MailNotSent):
            return None
        from .views import mail_not_sent  # views import this module's app

        return mail_not_sent(request)


class PublicLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that a "not found" under the staff areas stays
    a 404 instead of being redirected into the public pages' language prefix."""

    def process_response(self, request, response):
        if request.path.startswith(STAFF_PREFIXES):
            return response
        return super().process_response(request, response)
