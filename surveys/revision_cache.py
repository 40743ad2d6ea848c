"""What every resident of a survey is shown alike, prepared once per process.

A city-wide launch means thousands of residents reading the same revision: parsing its
StreamField and rendering its thirty questions for each of them is most of a request's
work. A published revision never changes, so both are kept here, per process, keyed by
what they depend on:

- the questionnaire by page, live revision and publication time (an id reused after a
  rolled-back transaction never finds another revision's), its language, and the
  neighborhoods (the neighborhood question's choices come from the database, kept under
  the content version of cms.routes, so that a new neighborhood shows at once);
- a page of the form, rendered blank, by the questionnaire, the page, the questions
  asked and the interface language. Forms with answers, errors or questions in a random
  order per resident are always rendered afresh;
- the form field of each question (and of its "please specify" box), built once and
  shared by every form that asks it: forms only read their fields (a field whose choices
  are shuffled per resident is copied first, by the form).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .blocks import neighborhood_choices
from .questionnaire import Questionnaire, build_questionnaire
from .revision_pinning import recorded_revision_id

if TYPE_CHECKING:
    from django.forms import Field

    from .models import SurveyPage

KEPT = 128


class _Recent:
    """A small thread-safe map that forgets the least recently used entry."""

    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_QUESTIONNAIRES = _Recent(KEPT)
_RENDERED = _Recent(KEPT * 4)
_FIELDS = _Recent(KEPT * 32)


def live_questionnaire(page: SurveyPage, source: SurveyPage) -> Questionnaire:
    """`build_questionnaire(page, revision_id=source.live_revision_id)`, parsed once.

    `source` is the page itself, or the original of an alias (whose live revision a
    response records).
    """
    key = (
        page.pk,
        page.last_published_at,
        source.pk,
        source.live_revision_id,
        source.last_published_at,
        page.locale_id,
        translation.get_language(),
    )
    cached = _QUESTIONNAIRES.get(key)
    if cached is not None:
        questionnaire, neighborhoods = cached
        if questionnaire.neighborhood_question is None or neighborhoods == neighborhood_choices():
            return questionnaire
    questionnaire = build_questionnaire(page, revision_id=source.live_revision_id)
    question = questionnaire.neighborhood_question
    _QUESTIONNAIRES.put(key, (questionnaire, question.choices if question else None))
    # The revision its responses will record is worked out now, while the form is shown,
    # not while a resident waits for their answers to be stored.
    recorded_revision_id(questionnaire)
    return questionnaire


def blank_page_html(
    questionnaire: Questionnaire, index: int, asked: tuple[str, ...], render: Callable[[], str]
) -> SafeString:
    """Page `index` of the blank form asking `asked`: `render()` once, then remembered.

    Only for a form with no answers, no errors and no question in random order; the
    caller makes sure of that.
    """
    key = (id(questionnaire), questionnaire.revision_id, index, asked, translation.get_language())
    html = _RENDERED.get(key)
    if html is None or html[0] is not questionnaire:
        html = (questionnaire, mark_safe(render()))  # noqa: S308 (rendered by our templates)
        _RENDERED.put(key, html)
    return html[1]


def form_field(question: object, variant: str, build: Callable[[], Field]) -> Field:
    """The form field `build()` makes for `question` (a `variant`: required or not, or
    its "please specify" box) in the interface language, made once and then shared:
    callers must not change it."""
    key = (id(question), variant, translation.get_language())
    kept = _FIELDS.get(key)
    if kept is None or kept[0] is not question:  # an id reused by another question
        kept = (question, build())
        _FIELDS.put(key, kept)
    return kept[1]


def forget_all() -> None:
    """Drop everything kept (tests that change a revision in place use this)."""
    _QUESTIONNAIRES.clear()
    _RENDERED.clear()
    _FIELDS.clear()
