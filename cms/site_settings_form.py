"""The Site settings form: who may set the public address, and what it may be."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
ADDRESS = "public_base_url"


class SiteSettingsForm(WagtailAdminModelForm):
    """The public address printed on invitation cards can send residents, codes and all,
    anywhere: only those with `cms.change_public_address` (superusers) see the field
    (its FieldPanel says so), it must be https (but on this machine) and one of
    ALLOWED_HOSTS, and every change is audited."""

    def clean_public_base_url(self) -> str:
        value = (self.cleaned_data.get(ADDRESS) or "").strip().rstrip("/")
        if not value:
            return value
        parts = urlsplit(value)
        if parts.hostname not in LOCAL_HOSTS and parts.scheme != "https":
            raise forms.ValidationError(_("Give an https:// address."))
        allowed = settings.ALLOWED_HOSTS
        if "*" not in allowed and not any(
            parts.hostname == host or (host.startswith(".") and parts.hostname.endswith(host))
            for host in allowed
        ):
            raise forms.ValidationError(
                _("This site does not answer at %(host)s (ALLOWED_HOSTS): %(allowed)s.")
                % {"host": parts.hostname, "allowed": ", ".join(allowed)}
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise forms.ValidationError(_("Give the address only, without a path."))
        return value

    def save(self, commit=True):
        changed = ADDRESS in self.fields and ADDRESS in self.changed_data
        before = self.initial.get(ADDRESS, "")
        instance = super().save(commit=commit)
        if changed and self.for_user is not None:
            # Imported here: the audit module imports the models, which import this one.
            from .audit import record_access
            from .models import AuditEvent

            record_access(
                user=self.for_user,
                action=AuditEvent.Action.CHANGE_ADDRESS,
                subject=_("Site settings"),
                detail={"from": before, "to": instance.public_base_url},
            )
        return instance
