"""One plain-data model of a questionnaire revision.

Forms, validation, the admin responses view, exports and analysis read a survey through
`Questionnaire`, never through raw StreamField JSON. A questionnaire is built from a
page (its current content) or from a stored page revision (what a response answered);
it holds labels in the page's language and the stable keys and codes that responses
store.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.utils import translation

from .logic import Condition

if TYPE_CHECKING:
    from wagtail.models import Revision

    from .models import SurveyPage

KEY_MAX_LENGTH = 40
CODE_MAX_LENGTH = 40
# A key is an identifier that R, SPSS, Stata and XLSForm all accept as a column name.
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")
# A code may not contain spaces: multiple-choice answers are exported space-separated.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
# Space-separated lists of codes (favorable answers) and of keys (index items).
FAVORABLE_PATTERN = re.compile(r"^[A-Za-z0-9_.\- ]*\Z")
KEYS_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]*( +[A-Za-z][A-Za-z0-9_]*)*\Z")
# Column names that exports put before the questions.
RESERVED_KEYS = frozenset(
    {"response_id", "submitted_on", "neighborhood", "language", "channel", "status", "revision"}
)


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: str
    non_substantive: bool = False
    # Asks the resident to specify ("Other (please specify)"); the text is stored with it.
    other: bool = False
    # Stays last when the question's choices are shown in random order.
    anchored: bool = False

    @property
    def stays_last(self) -> bool:
        return self.anchored or self.other or self.non_substantive


@dataclass(frozen=True)
class Question:
    """A question as residents see it and as responses store it (by `key`)."""

    key: str
    type: str
    label: str
    help_text: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    block_id: str = ""
    widget: str = ""
    max_selections: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    integer: bool = False
    min_date: datetime.date | None = None
    max_date: datetime.date | None = None
    max_length: int | None = None
    min_label: str = ""
    max_label: str = ""
    favorable: tuple[str, ...] = ()
    about_respondent: bool = False
    # Shown only when this holds for earlier answers (logic.py).
    condition: Condition | None = None
    # The condition as the organizer put it in words, for residents without JavaScript.
    condition_hint: str = ""
    # Choices in a random order per resident (anchored ones last).
    randomize: bool = False

    is_question = True

    @property
    def other_choice(self) -> Choice | None:
        """The choice that asks the resident to specify, if any."""
        return next((choice for choice in self.choices if choice.other), None)

    def choice(self, code: str) -> Choice | None:
        return self._choices_by_code.get(code)

    @cached_property
    def _choices_by_code(self) -> dict[str, Choice]:
        return {choice.code: choice for choice in self.choices}

    @property
    def non_substantive_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.choices if c.non_substantive)


@dataclass(frozen=True)
class Section:
    """A heading that groups the questions after it."""

    heading: str
    text: str = ""
    block_id: str = ""
    condition: Condition | None = None
    condition_hint: str = ""
    type: str = "section"
    is_question = False


@dataclass(frozen=True)
class Note:
    """Explanatory text between questions (HTML from the rich-text editor)."""

    text: str
    block_id: str = ""
    condition: Condition | None = None
    condition_hint: str = ""
    type: str = "note"
    is_question = False


@dataclass(frozen=True)
class PageBreak:
    """Starts a new page of the form; its condition shows or skips the whole page."""

    title: str = ""
    block_id: str = ""
    condition: Condition | None = None
    condition_hint: str = ""
    type: str = "page_break"
    is_question = False


Item = Question | Section | Note | PageBreak


@dataclass(frozen=True)
class FormPage:
    """One page of the resident's form: its items, with their positions in the questionnaire."""

    number: int
    title: str
    break_index: int | None  # position of the page break that starts it (None: the first)
    positions: tuple[int, ...]


@dataclass(frozen=True)
class IndexDefinition:
    """A composite index: the mean of `items` (scale questions), `reversed_items`
    reverse-coded; a respondent needs at least half the items answered."""

    key: str
    label: str
    items: tuple[str, ...]
    reversed_items: tuple[str, ...] = ()
    favorable_at_least: float | None = None

    @property
    def minimum_items(self) -> int:
        return max(1, -(-len(self.items) // 2))


@dataclass(frozen=True)
class SurveySettings:
    neighborhood_required: bool = False
    k: int = 10


@dataclass(frozen=True)
class Questionnaire:
    """The questions of one survey revision, in order, with labels in `language`."""

    items: tuple[Item, ...]
    language: str
    revision_id: int | None = None
    settings: SurveySettings = field(default_factory=SurveySettings)
    indices: tuple[IndexDefinition, ...] = ()

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(item for item in self.items if item.is_question)

    @cached_property
    def _questions_by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    def question(self, key: str) -> Question | None:
        return self._questions_by_key.get(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(question.key for question in self.questions)

    @cached_property
    def neighborhood_question(self) -> Question | None:
        return next((q for q in self.questions if q.type == "neighborhood"), None)

    @cached_property
    def pages(self) -> tuple[FormPage, ...]:
        """The form's pages: page breaks split the items (a survey without any has one)."""
        spans, positions, title, start = [], [], "", None
        for position, item in enumerate(self.items):
            if item.type == "page_break":
                spans.append((title, start, positions))
                positions, title, start = [], item.title, position
            else:
                positions.append(position)
        spans.append((title, start, positions))
        # A page break with nothing after it (or at the very top) makes no empty page.
        kept = [span for span in spans if span[2]] or [spans[0]]
        return tuple(
            FormPage(number, title, start, tuple(positions))
            for number, (title, start, positions) in enumerate(kept, start=1)
        )

    def page_of(self, key: str) -> int:
        """The index in `pages` of the page asking the question `key`."""
        for index, page in enumerate(self.pages):
            if any(getattr(self.items[p], "key", None) == key for p in page.positions):
                return index
        raise KeyError(key)

    def keys_on_page(self, index: int) -> tuple[str, ...]:
        page = self.pages[index]
        return tuple(self.items[p].key for p in page.positions if self.items[p].is_question)

    @cached_property
    def has_logic(self) -> bool:
        return any(item.condition is not None for item in self.items)

    @cached_property
    def meaning(self) -> tuple:
        """What stored answers mean under this revision: keys, types, codes in order and
        their roles, limits, favorable codes and conditions; not wording or layout. Two
        revisions with the same meaning store and analyse a response alike."""
        return tuple(
            (
                q.key,
                q.type,
                tuple((c.code, c.non_substantive, c.other, c.anchored) for c in q.choices),
                q.required,
                q.max_selections,
                q.min_value,
                q.max_value,
                q.integer,
                q.min_date,
                q.max_date,
                q.max_length,
                q.favorable,
                q.about_respondent,
                q.condition,
            )
            for q in self.questions
        )


def build_questionnaire(page: SurveyPage, *, revision_id: int | None = None) -> Questionnaire:
    """Read the questionnaire from a survey page's current (in-memory) content."""
    language = page.locale.language_code if page.locale_id else translation.get_language()
    with translation.override(language):
        items = tuple(child.block.to_item(child.value, child.id) for child in page.body)
        indices = tuple(child.block.to_index(child.value) for child in page.indices)
    return Questionnaire(
        items=items,
        language=language,
        revision_id=revision_id,
        indices=indices,
        settings=SurveySettings(
            neighborhood_required=page.neighborhood_required, k=page.small_cell_threshold
        ),
    )


def questionnaire_for_revision(revision: Revision) -> Questionnaire:
    """Read the questionnaire a stored page revision describes."""
    return build_questionnaire(revision.as_object(), revision_id=revision.pk)


# Parsed revisions for analysis, per process. A revision's questions never change once
# saved; only the neighborhood question's choices are read from the database as it is
# parsed, and analysis never uses those (resident forms and the response table parse
# afresh). The key carries the creation time as well as the id, so an id reused after a
# rolled-back transaction (SQLite) never finds another revision's questionnaire.
_ANALYSED: dict[tuple, Questionnaire] = {}
_ANALYSED_KEPT = 256
_ANALYSED_LOCK = threading.Lock()


def questionnaire_for_analysis(revision: Revision) -> Questionnaire:
    """`questionnaire_for_revision`, parsed once per process, for analysis only."""
    key = (revision.pk, revision.created_at, revision.object_id)
    with _ANALYSED_LOCK:
        questionnaire = _ANALYSED.get(key)
    if questionnaire is None:
        questionnaire = questionnaire_for_revision(revision)
        with _ANALYSED_LOCK:
            while len(_ANALYSED) >= _ANALYSED_KEPT:
                del _ANALYSED[next(iter(_ANALYSED))]
            _ANALYSED[key] = questionnaire
    return questionnaire


def questionnaires_for_revisions(revisions: Any) -> dict[int, Questionnaire]:
    """Questionnaires of several revisions, keyed by revision id."""
    return {revision.pk: questionnaire_for_revision(revision) for revision in revisions}


def questions_across_revisions(
    current: Questionnaire, older: Sequence[Questionnaire]
) -> list[Question]:
    """Every question ever asked: today's in order, then those removed since (as last asked).

    Analysis and exports pool revisions by key, so a removed question keeps its column.
    """
    questions = list(current.questions)
    seen = {question.key for question in questions}
    for questionnaire in older:
        for question in questionnaire.questions:
            if question.key not in seen:
                questions.append(question)
                seen.add(question.key)
    return questions
