"""The audit log: who looked at or took resident data, which survey, what, when."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from wagtail.models import Page

from .models import AuditEvent


def record_access(
    *,
    user: AbstractBaseUser,
    action: str,
    page: Page | None = None,
    subject: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event; call it from every view or command that reveals data."""
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        page=page,
        subject=(subject or (page.title if page else ""))[:255],
        detail=detail or {},
    )


def record_command_access(
    *,
    action: str,
    page: Page | None,
    detail: dict[str, Any] | None = None,
    username: str = "(shell)",
) -> AuditEvent:
    """Audit a management command run from the server's shell, or something the site
    did by itself (`username` says which): no staff account."""
    return AuditEvent.objects.create(
        user=None,
        username=username,
        action=action,
        page=page,
        subject=(page.title if page else "")[:255],
        detail=detail or {},
    )
