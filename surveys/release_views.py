"""Re-publishing a results page's period: a deliberate act, checked and audited.

The page's figures for a closed period are frozen (surveys/frozen_releases.py). An
organizer who may edit the page, and see the survey's results, re-publishes a period
here after late answers arrived or the page's questions changed; the new release is
attacked together with every earlier release of the survey for the same days, and
leaking rows are hidden or the re-publication refused. Every release stays listed, and
so does every refused freeze or re-publication (who, when, why, which period).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.audit import record_access
from cms.models import AuditEvent, ResultsPage

from .access import VIEW_RESULTS, can_see
from .frozen_releases import RepublicationRefused, republish, series
from .release_refusals import refusals


def can_republish(user, page: ResultsPage) -> bool:
    """As for editing the page: the page permission, and the survey's results grant
    the page form asks for before it offers the survey."""
    return page.permissions_for_user(user).can_edit() and can_see(
        user, page.survey.specific, VIEW_RESULTS
    )


class ReleasesView(WagtailAdminTemplateMixin, TemplateView):
    """A results page's periods, their releases, and a button to re-publish each."""

    template_name = "surveys/admin/releases.html"
    header_icon = "history"

    def dispatch(self, request, *args, **kwargs):
        self.page = get_object_or_404(ResultsPage, pk=kwargs["page_id"])
        if not can_republish(request.user, self.page):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Releases")

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        # A period's releases are shared by every page (and translation) of the survey
        # showing its days with the same settings.
        context["periods"] = [
            (period, list(series(self.page, period).select_related("made_by").order_by("-number")))
            for period in self.page.closed_periods()
        ]
        context["refusals"] = refusals(self.page)
        return context

    def post(self, request, *args, **kwargs):
        key = request.POST.get("period", "")
        period = next((p for p in self.page.closed_periods() if p.key == key), None)
        if period is None:
            messages.error(request, gettext("No closed period of this page has that name."))
            return redirect(request.path)
        try:
            release = republish(self.page, period, request.user)
        except RepublicationRefused as refused:  # audited by republish, listed below
            messages.error(request, str(refused))
            return redirect(request.path)
        else:
            hidden = sum(len(rows) for rows in release.hidden.values())
            message = gettext("Published release %(number)s of %(period)s.") % {
                "number": release.number,
                "period": period.label,
            }
            if hidden:
                message += " " + gettext(
                    "%(count)s rows are hidden in it: compared with the release before, "
                    "they would have revealed the answers of too few people."
                ) % {"count": hidden}
            messages.success(request, message)
            outcome = {"period": period.key, "release": release.number, "hidden": release.hidden}
            record_access(
                user=request.user,
                action=AuditEvent.Action.REPUBLISH,
                page=self.page,
                detail=outcome,
            )
        return redirect(request.path)
