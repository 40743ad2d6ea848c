"""Personal API tokens: what they are, how they are made, checked and revoked.

A token is shown once, when it is created; only its SHA-256 digest is stored, with a
short prefix to tell tokens apart in the admin. A token's surveys are chosen among its
owner's grants when it is made, and every call checks them against the owner's grants
again: a grant removed later narrows every token at once. Of its use only the last day
is kept (no time, no address).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from ..access import VIEW_RESPONSES, surveys_visible_to

PREFIX = "cfz_"
PREFIX_LENGTH = len(PREFIX) + 8  # shown in the admin: "cfz_" and 8 random characters
MAX_DAYS = 366


class TokenError(ValueError):
    """A token that cannot be made as asked; the message says why, plainly."""


class ApiToken(models.Model):
    """A staff member's personal token for the read-only API (surveys/api/views.py).

    Not Wagtail's own `APIToken`: that one has no expiry, no survey scope, and keeps the
    time of each use."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    surveys = models.ManyToManyField("surveys.SurveyPage", related_name="+")
    created_on = models.DateField(_("created on"), auto_now_add=True)
    expires_on = models.DateField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_on", "name"]
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def surveys_for(self, permission: str) -> QuerySet:
        """The surveys this token reaches with `permission`: those it names that its
        owner is still granted, with that permission, today."""
        return surveys_visible_to(self.user, permission).filter(pk__in=self.surveys.values("pk"))


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    *,
    user: AbstractBaseUser,
    name: str,
    expires_on: datetime.date,
    surveys: Iterable,
    today: datetime.date | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user` and return it with its secret (never stored, shown once)."""
    today = today or timezone.localdate()
    if not name.strip():
        raise TokenError(gettext("Give the token a name."))
    if not today < expires_on <= today + datetime.timedelta(days=MAX_DAYS):
        raise TokenError(gettext("The expiry date must be after today and within a year."))
    surveys = list(surveys)
    if not surveys:
        raise TokenError(gettext("Choose at least one survey."))
    allowed = set(surveys_visible_to(user, VIEW_RESPONSES).values_list("pk", flat=True))
    if any(survey.pk not in allowed for survey in surveys):
        raise TokenError(gettext("A token can only reach surveys you are granted."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        expires_on=expires_on,
    )
    token.surveys.set(surveys)
    return token, secret


def find_token(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its owner, or None."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    return ApiToken.objects.select_related("user").filter(digest=digest_of(secret)).first()


def note_use(token: ApiToken) -> None:
    """Keep the day the token was last used (one write a day at most)."""
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
        token.last_used_on = today


def revoke_token(*, user: AbstractBaseUser, token_id: int) -> bool:
    """Revoke one of `user`'s own tokens; False if they have no such live token."""
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )
