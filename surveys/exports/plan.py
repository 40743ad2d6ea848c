"""The columns of a responses export, across every revision the responses answered.

Today's questions come first in questionnaire order, then questions removed since (as
last asked), so a removed question keeps its column and a question added later is
blank for older responses. Per question:

- single choice, agreement scale, rating: `key` (the code, or its label on request),
  and `key/other` for an "Other (please specify)" text (`key/other_text` when a choice
  coded `other` has the 0/1 column `key/other`);
- multiple choice: `key` with the chosen codes separated by spaces (XLSForm's
  convention), then one 0/1 column per choice, `key/code`, and `key/other`;
- number: `key`, a number; text: `key`; date: `key`, a date.

The neighborhood question has no column of its own: every response has `neighborhood`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..questionnaire import Choice, Question, Questionnaire, questions_across_revisions
from ..wide import KINDS, choice_name, other_name

RESPONSE_COLUMNS = (
    "response_id",
    "submitted_on",
    "neighborhood",
    "language",
    "channel",
    "status",
    "revision",
)
WIDTHS = {"single": 12, "multi": 16, "number": 10, "text": 40, "date": 12, "choice": 8}


@dataclass
class QuestionColumns:
    """Where one question's answers go in a row."""

    question: Question
    kind: str
    value: int
    choices: tuple[Choice, ...] = ()
    choice_columns: dict[str, int] = field(default_factory=dict)
    other: int | None = None

    def __post_init__(self):
        self.order = {choice.code: index for index, choice in enumerate(self.choices)}


@dataclass
class ColumnPlan:
    headers: list[str]
    widths: list[int]
    questions: dict[str, QuestionColumns]
    # Per key, the revisions (ascending) among those answered that asked it.
    asked: dict[str, list[int]] = field(default_factory=dict)
    # The questionnaire of each revision the responses answered.
    revisions: dict[int, Questionnaire] = field(default_factory=dict)

    def cell_names(self) -> list[str]:
        """Per column after the response's own, the name of its cell in a response's
        wide form (surveys/wide.py)."""
        names = [""] * (len(self.headers) - len(RESPONSE_COLUMNS))
        offset = len(RESPONSE_COLUMNS)
        for key, question in self.questions.items():
            names[question.value - offset] = key
            for code, index in question.choice_columns.items():
                names[index - offset] = choice_name(key, code)
            if question.other is not None:
                names[question.other - offset] = other_name(key)
        return names

    def matches_cells_of(self, revision_id: int) -> bool:
        """Whether the wide cells of responses to `revision_id` fill this plan's columns
        exactly as their answer rows would: each question of the same kind, and each
        multiple choice with the same choices in the same order (its 0/1 columns and the
        order of its codes). Otherwise those responses are read from their rows."""
        questionnaire = self.revisions.get(revision_id)
        if questionnaire is None:
            return False
        for key, columns in self.questions.items():
            question = questionnaire.question(key)
            if question is None:
                continue
            if KINDS.get(question.type) != columns.kind:
                return False
            if columns.kind == "multi" and [choice.code for choice in question.choices] != [
                choice.code for choice in columns.choices
            ]:
                return False
        return True

    def text_columns(self, labels: bool) -> list[int]:
        """Columns that can hold text someone typed (residents' answers; organizers'
        labels when choices are exported as labels); the others hold codes, numbers,
        dates and identifiers, which never start with a formula character."""
        columns = []
        for question in self.questions.values():
            if question.kind == "text" or (labels and question.kind in ("single", "multi")):
                columns.append(question.value)
            if question.other is not None:
                columns.append(question.other)
        return sorted(columns)


def _ever_asked_to_specify(key: str, questionnaires: Sequence[Questionnaire]) -> bool:
    """Whether any revision offered a "please specify" choice for `key`: texts typed
    then stay answers after an organizer unticks it, so their column stays."""
    for questionnaire in questionnaires:
        question = questionnaire.question(key)
        if question and any(choice.other for choice in question.choices):
            return True
    return False


def _choices_across(key: str, questionnaires: Sequence[Questionnaire]) -> tuple[Choice, ...]:
    """Every choice a question ever offered: the newest revision's first, in its order."""
    seen: dict[str, Choice] = {}
    for questionnaire in questionnaires:
        question = questionnaire.question(key)
        for choice in question.choices if question else ():
            seen.setdefault(choice.code, choice)
    return tuple(seen.values())


def column_plan(current: Questionnaire, older: Sequence[Questionnaire]) -> ColumnPlan:
    """The columns for responses to `current` and `older` revisions (newest first)."""
    headers = list(RESPONSE_COLUMNS)
    widths = [36, 12, 14, 9, 8, 9, 9]
    questions: dict[str, QuestionColumns] = {}
    everything = [current, *older]

    def add(header: str, width: int) -> int:
        headers.append(header)
        widths.append(max(width, min(len(header) + 2, 40)))
        return len(headers) - 1

    for question in questions_across_revisions(current, older):
        kind = KINDS.get(question.type)
        if kind is None:
            continue
        choices = _choices_across(question.key, everything) if kind in ("single", "multi") else ()
        columns = QuestionColumns(question, kind, add(question.key, WIDTHS[kind]), choices)
        if kind == "multi":
            for choice in choices:
                columns.choice_columns[choice.code] = add(
                    f"{question.key}/{choice.code}", WIDTHS["choice"]
                )
        if kind in ("single", "multi") and _ever_asked_to_specify(question.key, everything):
            # `key/other`, unless a choice coded "other" already has that 0/1 column.
            name = f"{question.key}/other"
            columns.other = add(name if name not in headers else f"{name}_text", WIDTHS["text"])
        questions[question.key] = columns
    asked: dict[str, list[int]] = {}
    for questionnaire in sorted(older, key=lambda q: q.revision_id or 0):
        for key in questionnaire.keys:
            asked.setdefault(key, []).append(questionnaire.revision_id)
    revisions = {q.revision_id: q for q in older if q.revision_id is not None}
    return ColumnPlan(headers, widths, questions, asked, revisions)
