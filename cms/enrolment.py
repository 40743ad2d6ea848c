"""A first second factor is set up only through a link sent to the person's email.

Without this, whoever signs in first with a phished password could add their own
authenticator app and keep the account. A staff member without a second factor who
tries to add one is sent a link instead (`enrolment_required`); following it, signed in
as themselves (`enrol_with_link`), lets this browser session add one for a while.
Setting a password from the invitation or reset email counts the same: it came by
email too. Someone who already has a second factor (and signed in with it) may add more.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_http_methods

from .accounts import has_second_factor

_SALT = "confianza.mfa-enrolment"
SESSION_KEY = "mfa_enrolment"
LINK_SECONDS = 2 * 60 * 60  # how long an emailed link works
ALLOWED_SECONDS = 30 * 60  # how long, once followed, this session may add a factor
RESEND_SECONDS = 60
# The URLs that add an authenticator; guarded by cms.middleware.RequireMFAMiddleware.
GUARDED_URL_NAMES = ("mfa_activate_totp", "mfa_add_webauthn")


def _password_mark(user: AbstractBaseUser) -> str:
    # A new password (after a compromise) makes every earlier link useless.
    return salted_hmac(_SALT, user.password, algorithm="sha256").hexdigest()[:16]


def enrolment_token(user: AbstractBaseUser) -> str:
    return signing.dumps({"user": user.pk, "mark": _password_mark(user)}, salt=_SALT)


def allow_enrolment(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Let this browser session add `user`'s first second factor for a while."""
    request.session[SESSION_KEY] = {"user": user.pk, "until": time.time() + ALLOWED_SECONDS}


def may_enrol(request: HttpRequest) -> bool:
    """Whether the signed-in person may add an authenticator in this session now."""
    user = request.user
    if not user.is_authenticated:
        return False
    if has_second_factor(user):
        return True
    allowed = request.session.get(SESSION_KEY) or {}
    return allowed.get("user") == user.pk and allowed.get("until", 0) > time.time()


def guarded_paths() -> set[str]:
    return {reverse(name) for name in GUARDED_URL_NAMES}


def send_link(request: HttpRequest, user: AbstractBaseUser) -> bool:
    """Email `user` a link that lets them add a second factor; False if one went out
    within the last minute (nothing sent)."""
    from allauth.account.adapter import get_adapter

    if not cache.add(f"mfa-enrolment-sent:{user.pk}", True, timeout=RESEND_SECONDS):
        return False
    token = enrolment_token(user)
    url = request.build_absolute_uri(reverse("mfa_enrol_with_link", args=[token]))
    get_adapter(request).send_mail(
        "account/email/mfa_enrolment", user.email, {"user": user, "enrolment_url": url}
    )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_required(request: HttpRequest) -> HttpResponse:
    """Where a staff member without a second factor is sent: a link goes to their email."""
    if may_enrol(request):
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    sent = send_link(request, request.user) if request.method == "POST" else False
    if request.method == "GET" and not request.session.get("mfa_enrolment_link_sent"):
        sent = send_link(request, request.user)
        request.session["mfa_enrolment_link_sent"] = True
    context = {"sent": sent, "email": request.user.email, "minutes": LINK_SECONDS // 60}
    return TemplateResponse(request, "account/mfa_enrolment_required.html", context)


@login_required
def enrol_with_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: this session may now add the person's first second factor."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_SECONDS)
        user = get_user_model().objects.get(pk=data["user"])
    except (signing.BadSignature, KeyError, TypeError, get_user_model().DoesNotExist):
        user = None
    if user is None or user.pk != request.user.pk or data.get("mark") != _password_mark(user):
        context = {"email": request.user.email}
        return TemplateResponse(
            request, "account/mfa_enrolment_link_refused.html", context, status=400
        )
    allow_enrolment(request, user)
    request.session.pop("mfa_enrolment_link_sent", None)
    return HttpResponseRedirect(reverse("mfa_activate_totp"))


def allow_enrolment_on_password_reset(sender, request, user, **kwargs) -> None:
    """A password set from an emailed link proves the mailbox: enrolment may follow."""
    if request is not None and hasattr(request, "session"):
        allow_enrolment(request, user)
