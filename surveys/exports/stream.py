"""Responses as rows, streamed: memory does not grow with the number of responses.

Responses are read a page at a time in (day, id) order by keyset pagination, which
needs no server-side cursor and no long transaction on either database. A response's
cells come from its wide form (`Response.cells`, surveys/wide.py), one JSON object read
with the response; a response without one (stored before it existed), or to a revision
whose questions no longer fit today's columns, is read from its answer rows instead:
one query per page by response id (the answer table's foreign-key index), as plain
tuples without ORM objects. A page holds at most PAGE_SIZE responses.
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
    after: tuple[datetime.date, uuid.UUID] | None = None,
    page_size: int | None = None,
) -> Iterator[list]:
    """One list of cell values per selected response, in `plan`'s column order, in
    (day, id) order: only those after `after` (a day and id) when given, read
    `page_size` (default PAGE_SIZE) at a time.

    A response's cells come from its wide form (surveys/wide.py) when it has one and its
    revision's questions fit the plan's columns; otherwise from its answer rows.
    """
    page_size = page_size or PAGE_SIZE
    queryset = options.responses(survey.responses_survey).order_by("submitted_on", "id")
    areas = dict(Neighborhood.objects.values_list("pk", "code"))
    handlers = _handlers(plan, options.labels, blank=options.non_substantive_blank)
    names = plan.cell_names()
    finish = _finisher(handlers)
    fits: dict[int, bool] = {}
    # The answer table's response ids as the database returns them in raw SQL.
    raw_id = (lambda value: value) if connection.vendor == "postgresql" else _hex
    width = len(plan.headers)
    done = 0
    while True:
        page = queryset
        if after is not None:
            day, last = after
            # `submitted_on >= day` lets the (survey, status, day) index start at that
            # day; without it both databases read every earlier response again per page.
            page = page.filter(
                Q(submitted_on__gt=day) | Q(submitted_on=day, id__gt=last), submitted_on__gte=day
            )
        responses = list(
            page.values_list(
                "id", "submitted_on", "neighborhood_id", "language", "channel", "status",
                "revision_id", "cells",
            )[:page_size]
        )  # fmt: skip
        if not responses:
            return
        rows, by_id, unread = [], {}, []
        for response_id, day, area, language, channel, status, revision, cells in responses:
            fit = fits.get(revision)
            if fit is None:
                fit = fits[revision] = plan.matches_cells_of(revision)
            row = [str(response_id), day, areas.get(area), language, channel, status, revision]
            if cells is not None and fit:
                get = cells.get
                row += [get(name) for name in names]
                if finish:
                    finish(row)
            else:
                row += [None] * (width - len(row))
                by_id[raw_id(response_id)] = row
                unread.append(response_id)
            rows.append(row)
        if unread:
            _fill_page(by_id, handlers, unread)
        yield from rows
        done += len(responses)
        if progress:
            progress(done)
        after = (responses[-1][1], responses[-1][0])


def _finisher(handlers: dict[str, tuple]) -> Callable[[list], None] | None:
    """What turns a row read from wide cells into the export's values, beyond the cells
    themselves: dates from their ISO text, and choices as labels when asked (the same
    code-to-label maps the answer rows use, from `_handlers`). None when nothing needs
    doing (codes only, no date question): the common, fastest case."""
    dates = [handler[1] for handler in handlers.values() if handler[0] == DATE]
    singles, multis = [], []
    for kind, index, _other, values, _columns, _order, labels in handlers.values():
        if (labels or None in values.values()) and kind == SINGLE:
            singles.append((index, values))
        elif labels and kind == MULTI:
            multis.append((index, values))
    if not (dates or singles or multis):
        return None

    def finish(row: list) -> None:
        for index in dates:
            row[index] = _date(row[index])
        for index, named in singles:
            value = row[index]
            if value is not None:
                row[index] = named.get(str(value), value)
        for index, named in multis:
            value = row[index]
            if value is not None:
                row[index] = "; ".join(named.get(code, code) for code in value.split(" "))

    return finish


def _hex(value: uuid.UUID) -> str:
    return value.hex


SINGLE, MULTI, NUMBER, DATE, TEXT = range(5)
_KINDS = {"single": SINGLE, "multi": MULTI, "number": NUMBER, "date": DATE, "text": TEXT}


def _handlers(plan: ColumnPlan, labels: bool, *, blank: bool = False) -> dict[str, tuple]:
    """Per question key, what the page loop needs, looked up once per answer:
    (kind, column, "other" column, cell value per code, 0/1 column per code, order,
    whether choices are shown as labels). With `blank`, a single choice's
    non-substantive answers are None: blank cells that no mean or sum counts."""
    handlers = {}
    for key, columns in plan.questions.items():
        if labels:
            values = {choice.code: choice.label for choice in columns.choices}
        else:
            values = {choice.code: code_value(choice.code) for choice in columns.choices}
        if blank and columns.kind == "single":
            values |= {c.code: None for c in columns.choices if c.non_substantive}
        handlers[key] = (
            _KINDS[columns.kind],
            columns.value,
            columns.other,
            values,
            columns.choice_columns,
            columns.order,
            labels,
        )
    return handlers


def _fill_page(by_id: dict, handlers: dict[str, tuple], ids: list[uuid.UUID]) -> None:
    """Read the answers of one page of responses straight into their rows."""
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    column = quote(Answer._meta.get_field("response").column)
    values = ", ".join(quote(name) for name in ("key", "code", "number", "text"))
    prep = Response._meta.pk.get_db_prep_value
    params = [prep(value, connection) for value in ids]
    placeholders = ", ".join(["%s"] * len(params))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, {values} FROM {table} "  # noqa: S608 (names from _meta)
            f"WHERE {column} IN ({placeholders})",
            params,
        )
        answers = cursor.fetchall()
    chosen = []  # (row, handler) of multiple choices answered, to finish below
    for response_id, key, code, number, text in answers:
        handler = handlers.get(key)
        if handler is None:
            continue
        row = by_id[response_id]
        kind, index = handler[0], handler[1]
        if kind == SINGLE:
            row[index] = handler[3].get(code, code)
        elif kind == MULTI:
            codes = row[index]
            if codes is None:
                row[index] = [code]
                chosen.append((row, handler))
                for choice_index in handler[4].values():
                    row[choice_index] = 0
            else:
                codes.append(code)
            choice_index = handler[4].get(code)
            if choice_index is not None:
                row[choice_index] = 1
        elif kind == NUMBER:
            row[index] = plain_number(number)
        elif kind == DATE:
            row[index] = _date(text)
        else:
            row[index] = text
        if text and handler[2] is not None and kind <= MULTI:
            row[handler[2]] = text
    for row, (_kind, index, _other, values, _columns, order, labels) in chosen:
        codes = sorted(row[index], key=lambda code: order.get(code, len(order)))
        if labels:
            row[index] = "; ".join(values.get(code, code) for code in codes)
        else:
            row[index] = " ".join(codes)


def _date(text: str | None) -> datetime.date | str | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text
