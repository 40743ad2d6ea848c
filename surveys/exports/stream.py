"""Responses as rows, streamed: memory does not grow with the number of responses.

Responses are read a page at a time in (day, id) order by keyset pagination, which
needs no server-side cursor and no long transaction on either database; each page's
answers come in one query by response id (the answer table's foreign-key index), as
plain tuples without ORM objects. A page holds at most PAGE_SIZE responses.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator

from django.db import connection
from django.db.models import Q
from wagtail.models import Revision

from cms.models import Neighborhood

from ..models import Answer, Response, SurveyPage
from ..questionnaire import build_questionnaire, questionnaire_for_analysis
from .cells import code_value, plain_number
from .options import ExportOptions
from .plan import ColumnPlan, column_plan

PAGE_SIZE = 2000


def plan_for(survey: SurveyPage, options: ExportOptions) -> ColumnPlan:
    """The columns of `survey`'s export: its questions today and in every revision its
    selected responses answered."""
    original = survey.responses_survey
    revision_ids = set(
        options.responses(original).order_by().values_list("revision_id", flat=True).distinct()
    )
    older = [
        questionnaire_for_analysis(revision)
        for revision in Revision.objects.filter(pk__in=revision_ids).order_by("-pk")
    ]
    return column_plan(build_questionnaire(original), older)


def response_rows(
    survey: SurveyPage,
    options: ExportOptions,
    plan: ColumnPlan,
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[list]:
    """One list of cell values per selected response, in `plan`'s column order."""
    queryset = options.responses(survey.responses_survey).order_by("submitted_on", "id")
    areas = dict(Neighborhood.objects.values_list("pk", "code"))
    width = len(plan.headers)
    done, after = 0, None
    while True:
        page = queryset
        if after is not None:
            day, last = after
            page = page.filter(Q(submitted_on__gt=day) | Q(submitted_on=day, id__gt=last))
        responses = list(
            page.values_list(
                "id", "submitted_on", "neighborhood_id", "language", "channel", "status",
                "revision_id",
            )[:PAGE_SIZE]
        )  # fmt: skip
        if not responses:
            return
        answers = _answers_by_response([row[0] for row in responses])
        for response_id, day, area, language, channel, status, revision in responses:
            row = [None] * width
            row[0:7] = [str(response_id), day, areas.get(area), language, channel, status, revision]
            _fill(row, plan, answers.get(response_id.hex, ()), options.labels)
            yield row
        done += len(responses)
        if progress:
            progress(done)
        after = (responses[-1][1], responses[-1][0])


def _answers_by_response(ids: list[uuid.UUID]) -> dict[str, list[tuple]]:
    """The answers of responses `ids`, keyed by the response id's hex digits."""
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    column = quote(Answer._meta.get_field("response").column)
    values = ", ".join(quote(name) for name in ("key", "code", "number", "text"))
    prep = Response._meta.pk.get_db_prep_value
    params = [prep(value, connection) for value in ids]
    placeholders = ", ".join(["%s"] * len(params))
    answers: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, {values} FROM {table} "  # noqa: S608 (names from _meta)
            f"WHERE {column} IN ({placeholders})",
            params,
        )
        for response_id, key, code, number, text in cursor.fetchall():
            # SQLite returns the hex digits, PostgreSQL a UUID.
            hex_id = response_id if isinstance(response_id, str) else response_id.hex
            answers.setdefault(hex_id, []).append((key, code, number, text))
    return answers


def _fill(row: list, plan: ColumnPlan, answers, labels: bool) -> None:
    """Put one response's answer rows into `row`."""
    chosen: dict[str, list[str]] = {}
    for key, code, number, text in answers:
        columns = plan.questions.get(key)
        if columns is None:
            continue
        kind = columns.kind
        if kind == "single":
            row[columns.value] = columns.labels.get(code, code) if labels else code_value(code)
        elif kind == "multi":
            chosen.setdefault(key, []).append(code)
        elif kind == "number":
            row[columns.value] = plain_number(number)
        elif kind == "date":
            row[columns.value] = _date(text)
        else:
            row[columns.value] = text
        if text and columns.other is not None and kind in ("single", "multi"):
            row[columns.other] = text
    for key, codes in chosen.items():
        columns = plan.questions[key]
        codes.sort(key=lambda code: columns.order.get(code, len(columns.order)))
        if labels:
            row[columns.value] = "; ".join(columns.labels.get(code, code) for code in codes)
        else:
            row[columns.value] = " ".join(codes)
        for index in columns.choice_columns.values():
            row[index] = 0
        for code in codes:
            if code in columns.choice_columns:
                row[columns.choice_columns[code]] = 1


def _date(text: str | None) -> datetime.date | str | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
