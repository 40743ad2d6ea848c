"""A response's answers in wide form: one JSON object per response, written with its rows.

Answers are stored long-format (one `Answer` row per value), which analysis counts with
one GROUP BY. A spreadsheet wants the opposite, one row per response; building it from
~35 answer rows per response made the export spend most of its time pivoting. So the
writer of the rows (submission.py) also stores, on the response, the same answers as
cells, under names that never change meaning:

- `key`: a single choice's code (a number when the code is one: 3, not "3"), the chosen
  codes of a multiple choice separated by spaces in the question's order, a number
  (3, not 3.0), a date as ISO text, or a text;
- `key/code`: 1 or 0 for each choice of a multiple choice that was answered;
- `key#other`: the "Other (please specify)" text (`#` is never part of a key or code).

Unanswered questions have no cell. The answer rows stay the record; `cells` is a copy
made from the same values in the same transaction, and a response without one is
exported from its rows: one stored before cells existed, or one whose answers cells
could not give back exactly (a code its question does not offer, which no form lets
through, or a number from 2**53 up, which PostgreSQL's jsonb would return as an integer).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .exports.cells import code_value, plain_number

if TYPE_CHECKING:
    from .question_types import AnswerValue
    from .questionnaire import Questionnaire

# Question types by the shape of their cells (the neighborhood question has none: the
# response's own neighborhood says it).
KINDS = {
    "single_choice": "single",
    "likert": "single",
    "rating": "single",
    "multiple_choice": "multi",
    "number": "number",
    "short_text": "text",
    "long_text": "text",
    "date": "date",
}


def other_name(key: str) -> str:
    return f"{key}#other"


def choice_name(key: str, code: str) -> str:
    return f"{key}/{code}"


def wide_cells(
    questionnaire: Questionnaire, rows: Iterable[tuple[str, AnswerValue]]
) -> dict[str, object] | None:
    """The cells of one response from its answer rows (key, value) to `questionnaire`,
    or None when cells could not give them back exactly (see the module's docstring)."""
    cells: dict[str, object] = {}
    chosen: dict[str, set[str]] = {}
    for key, value in rows:
        question = questionnaire.question(key)
        kind = KINDS.get(question.type) if question else None
        if kind is None:
            continue
        if kind in ("single", "multi") and value.code is not None:
            if question.choice(value.code) is None:
                return None
            if kind == "single":
                cells[key] = code_value(value.code)
            else:
                chosen.setdefault(key, set()).add(value.code)
        elif kind == "number" and value.number is not None:
            number = plain_number(value.number)
            if isinstance(number, float) and (not math.isfinite(number) or number.is_integer()):
                return None  # from 2**53 up: jsonb would give it back as an int
            cells[key] = number
        elif kind in ("text", "date") and value.text is not None:
            cells[key] = value.text
        if value.text and kind in ("single", "multi"):
            cells[other_name(key)] = value.text
    for key, codes in chosen.items():
        known = [choice.code for choice in questionnaire.question(key).choices]
        cells[key] = " ".join(code for code in known if code in codes)
        for code in known:
            cells[choice_name(key, code)] = 1 if code in codes else 0
    return cells


def fill_missing_cells(batch_size: int = 1000) -> int:
    """Give responses stored before wide cells existed their cells, from their answer
    rows; return how many got them (some cannot: see `wide_cells`). Batches go in
    primary-key order, each in one transaction that locks its responses on PostgreSQL,
    so a resident saving a partial response meanwhile is not overwritten with older
    cells (on SQLite the transaction itself holds the write lock)."""
    from django.db import transaction
    from wagtail.models import Revision

    from .models import Answer, Response
    from .question_types import AnswerValue
    from .questionnaire import questionnaire_for_analysis

    filled, after = 0, None
    while True:
        missing = Response.objects.filter(cells__isnull=True).order_by("pk")
        if after is not None:
            missing = missing.filter(pk__gt=after)
        ids = list(missing.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return filled
        after = ids[-1]
        with transaction.atomic():
            responses = list(
                Response.objects.filter(pk__in=ids, cells__isnull=True)
                .select_for_update()
                .only("pk", "revision_id")
            )
            rows: dict[object, list] = {response.pk: [] for response in responses}
            for response_id, key, code, number, text in Answer.objects.filter(
                response__in=list(rows)
            ).values_list("response_id", "key", "code", "number", "text"):
                rows[response_id].append((key, AnswerValue(code, number, text)))
            revisions = {
                revision.pk: questionnaire_for_analysis(revision)
                for revision in Revision.objects.filter(
                    pk__in={response.revision_id for response in responses}
                )
            }
            for response in responses:
                response.cells = wide_cells(revisions[response.revision_id], rows[response.pk])
            given = [response for response in responses if response.cells is not None]
            Response.objects.bulk_update(given, ["cells"])
            filled += len(given)
