"""The moderation queue in the Wagtail admin: list, read, edit, act in bulk, count.

Only staff with `feedback.moderate_feedback` (the Moderator and Organizer roles, and
superusers) reach these views; every look at an original and every action is audited.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from cms.models import Neighborhood

from . import moderation
from .forms import ModerationForm
from .models import MODERATE, ContactDetail, Feedback
from .selectors import admin_counts, topics_in


class ModeratorRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(MODERATE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FeedbackFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label=_("Status"), choices=Feedback.Status.choices)
    topic = ChoiceFilter(label=_("Topic"), field_name="topic__code", choices=[])
    neighborhood = ModelChoiceFilter(label=_("Neighborhood"), queryset=Neighborhood.objects.all())
    language = ChoiceFilter(label=_("Language"), choices=[])
    submitted_on = DateFromToRangeFilter(label=_("Submitted on"), widget=DateRangePickerWidget)

    class Meta:
        model = Feedback
        fields = ["status", "topic", "neighborhood", "language", "submitted_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["topic"].extra["choices"] = [
            (t.code, t.name) for t in topics_in(settings.LANGUAGE_CODE)
        ]
        self.filters["language"].extra["choices"] = list(settings.LANGUAGES)


class FeedbackQueueView(ModeratorRequiredMixin, BaseListingView):
    """Every item of feedback, newest first, masked, with filters and bulk actions."""

    template_name = "feedback/admin/queue.html"
    results_template_name = "feedback/admin/queue_results.html"
    page_title = _("Feedback")
    header_icon = "comment"
    paginate_by = 50
    index_url_name = "feedback_admin:queue"
    index_results_url_name = "feedback_admin:queue_results"
    filterset_class = FeedbackFilterSet

    def get_base_queryset(self):
        return Feedback.objects.select_related("topic", "neighborhood").order_by(
            "-submitted_on", "key"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = list(context["object_list"])
        for item in items:
            # The queue shows the masked text: originals are read one at a time.
            item.excerpt = (item.public_text or moderation.masked_text(item))[:160]
        context["items"] = items
        context["bulk_statuses"] = Feedback.Status.choices
        return context


class FeedbackDetailView(ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """One item: the original beside the public version, contact details, notes, actions."""

    template_name = "feedback/admin/detail.html"
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        self.feedback = get_object_or_404(
            Feedback.objects.select_related("topic", "neighborhood"), key=kwargs["key"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("Feedback #%(reference)s") % {"reference": self.feedback.reference}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("feedback_admin:queue"), "label": gettext("Feedback")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        moderation.record_view(user=request.user, feedback=self.feedback)
        form = ModerationForm(
            initial={
                "public_text": self.feedback.public_text or moderation.masked_text(self.feedback),
                "masked_names": self.feedback.masked_names,
                "reply": self.feedback.reply,
                "reply_language": self.feedback.reply_language or interface_language(),
            }
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ModerationForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = form.cleaned_data
        moderation.edit(
            user=request.user,
            feedback=self.feedback,
            public_text=data["public_text"],
            masked_names=data["masked_names"],
            reply=data["reply"],
            reply_language=data["reply_language"],
            note=data["note"],
        )
        status = request.POST.get("status", "")
        if status:
            try:
                _, refused = moderation.set_status(
                    user=request.user, items=[self.feedback], status=status
                )
            except moderation.ModerationError as error:
                refused = [str(error)]
            for refusal in refused:
                messages.error(request, refusal)
        messages.success(
            request,
            gettext("Feedback #%(reference)s saved.") % {"reference": self.feedback.reference},
        )
        return HttpResponseRedirect(reverse("feedback_admin:detail", args=[self.feedback.key]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feedback = self.feedback
        context.update(
            feedback=feedback,
            masked=moderation.masked_text(feedback),
            contact=ContactDetail.objects.filter(feedback=feedback).first(),
            notes=list(feedback.notes.all()),
            statuses=Feedback.Status.choices,
        )
        return context


class BulkActionView(ModeratorRequiredMixin, View):
    """Set the status of the items ticked in the queue."""

    def post(self, request):
        ids = [key for key in map(_as_key, request.POST.getlist("ids")) if key is not None]
        status = request.POST.get("status", "")
        queue = reverse("feedback_admin:queue")
        if not ids:
            messages.error(request, gettext("Tick the feedback to change first."))
            return HttpResponseRedirect(queue)
        try:
            changed, refused = moderation.set_status(
                user=request.user, items=Feedback.objects.filter(key__in=ids), status=status
            )
        except moderation.ModerationError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(queue)
        for refusal in refused:
            messages.error(request, refusal)
        if changed:
            messages.success(
                request,
                gettext("%(count)d items changed to “%(status)s”.")
                % {"count": len(changed), "status": Feedback.Status(status).label},
            )
        return HttpResponseRedirect(queue)


def interface_language() -> str:
    """The admin user's interface language (Wagtail activates it for admin requests) if
    the site offers it, else the site's default language: what a new reply is written in."""
    offered = {code for code, _name in settings.LANGUAGES}
    active = translation.get_language() or ""
    for candidate in (active, active.split("-")[0]):
        if candidate in offered:
            return candidate
    return settings.LANGUAGE_CODE


def _as_key(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


class FeedbackCountsView(ModeratorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Feedback by month, topic and neighborhood (staff only: not suppressed)."""

    template_name = "feedback/admin/counts.html"
    page_title = _("Feedback counts")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = {t.code: t.name for t in topics_in(settings.LANGUAGE_CODE)}
        rows = admin_counts()
        for row in rows:
            row["topic"] = labels.get(row["topic__code"], row["topic__code"])
        context["rows"] = rows
        return context
