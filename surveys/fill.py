"""One resident's way through one survey: which revision, the answers so far, the page.

`Fill` is what the views in views.py ask about a resident's progress: which questions
are asked (an invitation code may answer the neighborhood), the form of a page, the
pages the answers lead through. `fill_for` finds the revision the resident answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from wagtail.models import PageLogEntry, Revision

from cms.models import Neighborhood

from . import logic, progress as progress_store
from .forms import ResponseForm
from .models import SurveyPage
from .progress import Progress
from .questionnaire import Questionnaire, questionnaire_for_revision
from .revision_cache import live_questionnaire


@dataclass
class Fill:
    """One resident's way through one survey: the revision, the answers so far, the page."""

    page: SurveyPage
    questionnaire: Questionnaire
    progress: Progress

    @cached_property
    def invitation_neighborhood(self):
        """The neighborhood of the resident's invitation code, or of the one that
        admitted the response they continue (None without one)."""
        if self.progress.admitted:
            code = self.progress.admitted_neighborhood
            return Neighborhood.objects.filter(code=code).first() if code else None
        if not self.progress.invitation:
            return None
        from .invitations import check

        return check(self.page, self.progress.invitation).neighborhood

    def invitation_problem(self) -> str:
        """Why the invitation code held for this resident is not one of this survey's
        (any more), if it is not; the code is then dropped. Whether it was used is
        told only when the answers are sent (invitations.check)."""
        if not self.progress.invitation:
            return ""
        from .invitations import InvitationError

        try:
            self.invitation_neighborhood  # noqa: B018 (checks the code)
        except InvitationError as error:
            self.progress.invitation = ""
            return str(error)
        return ""

    @cached_property
    def skipped(self) -> set[str]:
        """Questions not asked: the neighborhood, when the invitation code says it."""
        question = self.questionnaire.neighborhood_question
        if question and self.invitation_neighborhood is not None:
            return {question.key}
        return set()

    @property
    def keys(self) -> list[str]:
        return [key for key in self.questionnaire.keys if key not in self.skipped]

    def keys_on(self, index: int) -> list[str]:
        return [k for k in self.questionnaire.keys_on_page(index) if k not in self.skipped]

    def form(self, index: int | None, data=None, *, partial=False) -> ResponseForm:
        """The form of page `index` (None: the whole survey), bound to `data` if given."""
        keys = self.keys if index is None else self.keys_on(index)
        others = [key for key in self.keys if key not in keys]
        earlier = ResponseForm(
            self.questionnaire, self.progress.form_data(others), keys=others, partial=True
        ).lenient_values()
        return ResponseForm(
            self.questionnaire,
            data,
            keys=keys,
            earlier=earlier,
            seed=self.progress.started,
            partial=partial,
        )

    def pages_shown(self, *, reached: int | None = None) -> list[int]:
        """The pages the answers so far lead through, in order.

        With `reached`, a later page whose condition rests on questions from page `reached`
        on counts as shown (for "Page 2 of 5"); without it, only what the answers decide.
        """
        if len(self.questionnaire.pages) == 1:
            return [0]  # one page is always shown: no form to build to know it
        values = ResponseForm(
            self.questionnaire, self.progress.form_data(self.keys), keys=self.keys, partial=True
        ).lenient_values()
        undecided = set()
        if reached is not None:
            for index in range(reached, len(self.questionnaire.pages)):
                undecided.update(self.questionnaire.keys_on_page(index))
        shown = logic.shown(self.questionnaire, values, undecided=undecided)
        return progress_store.visible_pages(self.questionnaire, shown)

    def step(self, index: int, by: int) -> int:
        """The shown page `by` pages before or after `index`, staying in the survey."""
        shown = self.pages_shown()
        later = [i for i in shown if i > index] if by > 0 else [i for i in shown if i < index]
        if not later:
            return index
        return later[0] if by > 0 else later[-1]

    def is_last(self, index: int) -> bool:
        if len(self.questionnaire.pages) == 1:
            return True  # no answer can lead anywhere else (and no form to build to know it)
        return not any(i > index for i in self.pages_shown())


def fill_for(page: SurveyPage, stored: Progress | None, posted_revision: str | None = None) -> Fill:
    """The resident's way through `page`: their progress so far if its revision can still
    be answered, else a fresh start on the revision their form came from (or the live one)."""
    invitation = stored.invitation if stored is not None else ""
    if stored is not None and stored.revision_id is not None:
        questionnaire = questionnaire_answered(page, str(stored.revision_id))
        if questionnaire.revision_id != stored.revision_id:
            stored = None  # that revision is gone: start again on the live one
    else:
        stored = None  # nothing answered yet (perhaps an invitation code entered)
    if stored is None:
        questionnaire = questionnaire_answered(page, posted_revision)
        stored = Progress(revision_id=questionnaire.revision_id, invitation=invitation)
    return Fill(page=page, questionnaire=questionnaire, progress=stored)


def questionnaire_answered(page: SurveyPage, revision_id: str | None) -> Questionnaire:
    """The revision the resident's form came from, if it was ever published; else the live one.

    A resident who opened the survey before an organizer published a change may still
    submit what they were shown.
    """
    source = page.alias_of.specific if page.alias_of_id else page
    answered = as_id(revision_id)
    if answered is not None and answered != source.live_revision_id:
        was_published = PageLogEntry.objects.filter(
            page=source, action="wagtail.publish", revision_id=answered
        ).exists()
        if was_published:
            revision = Revision.objects.filter(pk=answered, object_id=str(source.pk)).first()
            if revision is not None:
                return questionnaire_for_revision(revision)
    return live_questionnaire(page, source)


def as_id(value: str | None) -> int | None:
    """A database id from untrusted text, or None ("²".isdigit() is True; int() fails)."""
    if value and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    return None
