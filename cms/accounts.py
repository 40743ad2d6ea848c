"""Staff accounts: who may sign up (nobody), and who must use a second factor."""

from __future__ import annotations

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import ResetPasswordForm
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from .protection import client_token

logger = logging.getLogger(__name__)

# Seeing any of these is seeing what residents said: a second factor is required.
SENSITIVE_PERMISSIONS = (
    "surveys.view_responses",
    "surveys.view_results",
    "surveys.export_responses",
    "feedback.moderate_feedback",
)


class MailNotSent(RuntimeError):
    """The mail server did not take a staff member's email (cms.middleware shows why)."""


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a superuser; there is no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """What allauth's rate limits count by: the address hashed with the day's key
        (cms.protection), found behind TRUSTED_PROXY_COUNT proxies like every other
        limit's, so no address of anyone signing in is kept in the cache."""
        return client_token(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Send as allauth does; a mail server that does not answer is logged and told
        to the person plainly (MailNotSent), not shown as a server error."""
        try:
            super().send_mail(template_prefix, email, context)
        except (smtplib.SMTPException, OSError) as error:
            logger.error("Could not send the %s email: %r", template_prefix, error)
            raise MailNotSent(template_prefix) from error


def sees_resident_data(user: AbstractBaseUser) -> bool:
    """Whether `user` can see responses, results or feedback of any survey."""
    if not user.is_active:
        return False
    return user.is_superuser or any(user.has_perm(p) for p in SENSITIVE_PERMISSIONS)


def has_second_factor(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def invite(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Email a new staff member a link to choose their own password.

    Superusers create accounts without passwords; the link is allauth's password reset.
    """
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)


def verify_email_on_password_reset(sender, request, user, **kwargs) -> None:
    """Setting a password from an emailed link proves the address is theirs."""
    if not user.email:
        return
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email}
    )
    if not address.verified:
        address.verified = True
        address.primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
        address.save(update_fields=["verified", "primary"])
