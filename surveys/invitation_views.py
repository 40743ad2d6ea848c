"""Organizer views for invitation codes: how many are out and used, more, and print them.

Only organizers of the survey (`access.can_organize`) reach these views: printed codes
admit responses, so whoever may print them may in effect answer the survey.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy as _, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.audit import record_access
from cms.models import AuditEvent, Neighborhood
from cms.public_urls import address_problem, public_page_url

from .access import can_organize
from .invitations import (
    MAX_CODES_PER_REQUEST,
    generate,
    invitation_url,
    qr_svg,
    summary,
    unused_codes,
)
from .models import SurveyPage
from .release import release_due

CODES_PER_SHEET = 200


class GenerateForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of codes"),
        min_value=1,
        max_value=MAX_CODES_PER_REQUEST,
        help_text=_("For each chosen neighborhood, or in all if you choose none."),
    )
    neighborhoods = forms.ModelMultipleChoiceField(
        label=_("Neighborhoods"),
        queryset=Neighborhood.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A code's response is counted in its neighborhood."),
    )

    def clean(self):
        cleaned = super().clean()
        count, areas = cleaned.get("count"), cleaned.get("neighborhoods")
        if count and areas and count * len(areas) > MAX_CODES_PER_REQUEST:
            raise forms.ValidationError(
                _(
                    "At most %(max)d codes at a time: %(count)d codes for each of "
                    "%(areas)d neighborhoods is %(total)d."
                )
                % {
                    "max": MAX_CODES_PER_REQUEST,
                    "count": count,
                    "areas": len(areas),
                    "total": count * len(areas),
                }
            )
        return cleaned


class SheetForm(forms.Form):
    neighborhood = forms.ModelChoiceField(
        label=_("Neighborhood"),
        queryset=Neighborhood.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All neighborhoods"),
    )
    page = forms.IntegerField(min_value=1, required=False)


class SurveyToolMixin(WagtailAdminTemplateMixin):
    """An admin view of one survey (from `survey_id` in the URL, as its original) that
    refuses whoever `allowed` refuses."""

    def allowed(self, user, survey: SurveyPage) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.survey = get_object_or_404(SurveyPage, pk=kwargs["survey_id"]).responses_survey
        if not self.allowed(request.user, self.survey):
            raise PermissionDenied
        release_due(self.survey)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.survey.get_admin_display_title()

    def get_context_data(self, **kwargs):
        return super().get_context_data(survey=self.survey, **kwargs)


class OrganizerViewMixin(SurveyToolMixin):
    """Refuses whoever may not organize the survey."""

    header_icon = "key"

    def allowed(self, user, survey):
        return can_organize(user, survey)


class InvitationsView(OrganizerViewMixin, FormView):
    """Codes generated, redeemed and unused per neighborhood, and a form for more."""

    template_name = "surveys/admin/invitations.html"
    form_class = GenerateForm

    def get_page_title(self):
        return gettext("Invitation codes")

    def form_valid(self, form):
        created = generate(
            self.survey, form.cleaned_data["count"], form.cleaned_data["neighborhoods"]
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)d invitation code generated.",
                "%(count)d invitation codes generated.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect("surveys_admin:invitations", survey_id=self.survey.pk)

    def get_context_data(self, **kwargs):
        record_access(
            user=self.request.user,
            action=AuditEvent.Action.VIEW_INVITATIONS,
            page=self.survey,
            detail={"query": self.request.GET.urlencode()},
        )
        return super().get_context_data(
            rows=summary(self.survey),
            address_problem=address_problem(self.survey.get_site()),
            **kwargs,
        )


class InvitationSheetView(OrganizerViewMixin, TemplateView):
    """A printable sheet of unused codes as cut-out cards, each with its QR code."""

    template_name = "surveys/admin/invitation_sheet.html"

    def get_page_title(self):
        return gettext("Invitation codes to print")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SheetForm(self.request.GET)
        context["form"] = form
        context["address_problem"] = address_problem(self.survey.get_site())
        context["link_base"] = public_page_url(self.survey, self.request)
        if not form.is_valid():
            return context
        codes = unused_codes(self.survey, form.cleaned_data["neighborhood"])
        sheet = Paginator(codes, CODES_PER_SHEET).get_page(form.cleaned_data["page"] or 1)
        self.languages = list(
            self.survey.get_translations(inclusive=True).live().select_related("locale")
        )
        record_access(
            user=self.request.user,
            action=AuditEvent.Action.PRINT_INVITATIONS,
            page=self.survey,
            detail={"query": self.request.GET.urlencode(), "codes": len(sheet.object_list)},
        )
        context.update(sheet=sheet, cards=[self._card(code) for code in sheet])
        return context

    def _card(self, invitation) -> dict:
        """One card: a QR code to the survey in its own language, and the survey's title,
        a line of instructions and the link (with the code) in each of its languages."""
        url = invitation_url(self.survey, invitation.code, self.request)
        label = gettext("QR code linking to the survey with code %(code)s") % {
            "code": invitation.code
        }
        return {
            "code": invitation.code,
            "neighborhood": invitation.neighborhood,
            "url": url,
            "qr": mark_safe(qr_svg(url, label)),  # noqa: S308 - ElementTree escaped it
            "languages": [
                {
                    "language": page.locale.language_code,
                    "title": page.title,
                    "url": invitation_url(page, invitation.code, self.request),
                }
                for page in self.languages
            ],
        }
