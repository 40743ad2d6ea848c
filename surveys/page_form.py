"""The survey editor's form: who may change how small a published figure may be."""

from __future__ import annotations

from django.utils.timezone import localdate as today
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from cms.audit import record_access
from cms.models import AuditEvent

THRESHOLD = "small_cell_threshold"


class SurveyPageForm(WagtailAdminPageForm):
    """Only those granted a survey's results (and superusers) change its smallest
    publishable count k; every change of k is audited. Editing rights alone (an
    Organizer's, on every page) are not enough: k decides what is published of the
    residents' answers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(THRESHOLD)
        if field is not None and not self.may_change_threshold():
            field.disabled = True
            field.help_text = _(
                "Only staff granted this survey's results may change it. At least 5."
            )

    def may_change_threshold(self) -> bool:
        user = self.for_user
        if user is None or user.is_superuser or not self.instance.pk:
            return True  # a new survey is granted to whoever creates it
        # Imported here: access imports the models, which import this module.
        from .access import VIEW_RESULTS, can_see

        return can_see(user, self.instance, VIEW_RESULTS)

    def _post_clean(self):
        super()._post_clean()  # the page now holds the posted questions
        if "action-publish" in self.data and not self.errors:
            self._one_change_of_meaning_a_day()

    def _one_change_of_meaning_a_day(self) -> None:
        """A published change in what answers mean splits that day's responses by the
        revision they record (revision_pinning.py): one such change a day, no more."""
        from .revision_pinning import meaning_changes_today  # it imports the models

        survey = self.instance
        first = survey.first_published_at
        # On the day a survey first goes live, organizers still fix it freely: the rule
        # holds from its second day (what a first day can tell apart is said in
        # docs/privacy.md).
        if not survey.pk or not survey.live or not first or first.date() >= today():
            return
        from .questionnaire import build_questionnaire

        if meaning_changes_today(survey, build_questionnaire(survey)) > 1:
            self.add_error(
                None,
                _(
                    "The questions' meaning (keys, types, codes, limits or conditions) "
                    "already changed once today. Publish this tomorrow, or change only "
                    "wording, help and layout today: each such change tells apart the "
                    "answers sent before and after it."
                ),
            )

    def save(self, commit=True):
        changed = bool(self.instance.pk) and THRESHOLD in self.changed_data
        before = self.initial.get(THRESHOLD)
        page = super().save(commit=commit)
        if changed and self.for_user is not None:
            record_access(
                user=self.for_user,
                action=AuditEvent.Action.CHANGE_THRESHOLD,
                page=page,
                detail={"from": before, "to": getattr(page, THRESHOLD)},
            )
        return page
