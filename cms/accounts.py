"""Staff accounts: who may sign up (nobody), and who must use a second factor."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser

# Seeing any of these is seeing what residents said: a second factor is required.
SENSITIVE_PERMISSIONS = (
    "surveys.view_responses",
    "surveys.view_results",
    "surveys.export_responses",
    "feedback.moderate_feedback",
)


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a superuser; there is no public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def sees_resident_data(user: AbstractBaseUser) -> bool:
    """Whether `user` can see responses, results or feedback of any survey."""
    if not user.is_active:
        return False
    return user.is_superuser or any(user.has_perm(p) for p in SENSITIVE_PERMISSIONS)


def has_second_factor(user: AbstractBaseUser) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()
