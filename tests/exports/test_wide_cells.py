"""A response's wide cells (surveys/wide.py) say exactly what its answer rows say.

The export reads `Response.cells` instead of pivoting the answer rows; these tests
export the same responses both ways (with their cells, then with the cells cleared so
that every response is read from its rows) and require the same rows, across every
question type, partial answers, labels, bulk writes and a revision that changed a
multiple choice.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.builders import choices, keep_block_ids, question
from surveys.exports.options import ExportOptions
from surveys.exports.stream import plan_for, response_rows
from surveys.models import Answer, Response
from surveys.question_types import AnswerValue
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from surveys.wide import wide_cells
from tests.factories import publish_body

from .conftest import answer, export_body, full_answers

pytestmark = pytest.mark.django_db


def rows_of(survey, **options) -> list[list]:
    options = ExportOptions(**options)
    survey.refresh_from_db()
    return list(response_rows(survey, options, plan_for(survey, options)))


def typed(rows: list[list]) -> list[list]:
    """Rows with each value's type: 34 and 34.0 are equal, but not as cells."""
    return [[(type(value).__name__, value) for value in row] for row in rows]


def from_answer_rows(survey, **options) -> list[list]:
    saved = dict(Response.objects.values_list("pk", "cells"))
    Response.objects.update(cells=None)
    try:
        return rows_of(survey, **options)
    finally:
        for pk, cells in saved.items():
            Response.objects.filter(pk=pk).update(cells=cells)


def some_responses(survey):
    answer(survey, full_answers())
    answer(survey, full_answers(color="dk", places=["b"], story="=1+1", hours="0.25"))
    answer(survey, {"color": "r"}, day=datetime.date(2026, 3, 3))
    answer(survey, {"color": "r", "called": ["other"], "called-other": "  @someone  "})
    answer(survey, full_answers(), status=Response.Status.PARTIAL)


@pytest.mark.parametrize("labels", [False, True])
def test_cells_and_answer_rows_give_the_same_export(export_survey, labels):
    some_responses(export_survey)
    assert Response.objects.filter(cells__isnull=True).count() == 0
    selected = {"labels": labels, "include_partial": True}
    from_cells = rows_of(export_survey, **selected)
    assert len(from_cells) == 5
    assert typed(from_cells) == typed(from_answer_rows(export_survey, **selected))


def test_responses_with_cells_are_exported_without_reading_answer_rows(export_survey):
    some_responses(export_survey)
    with CaptureQueriesContext(connection) as captured:
        rows = rows_of(export_survey)
    assert len(rows) == 4  # complete only, by default
    answers = connection.ops.quote_name(Answer._meta.db_table)
    assert not [q["sql"] for q in captured if answers in q["sql"]]


def test_a_response_without_cells_is_read_from_its_rows(export_survey):
    some_responses(export_survey)
    expected = rows_of(export_survey)
    Response.objects.filter(pk=expected[0][0]).update(cells=None)
    with CaptureQueriesContext(connection) as captured:
        assert typed(rows_of(export_survey)) == typed(expected)
    answers = connection.ops.quote_name(Answer._meta.db_table)
    assert len([q for q in captured if answers in q["sql"]]) == 1


def test_a_revision_whose_multiple_choice_changed_is_read_from_its_rows(export_survey):
    """Responses to the old revision get 0, not blank, in the column of a choice added
    since, and their codes in today's order: their cells cannot say that, their rows can."""
    some_responses(export_survey)
    body = export_body()
    places = next(block for block in body if block["value"].get("key") == "places")
    places["value"]["choices"] = [
        *choices(("d", "Library")),
        *places["value"]["choices"],
    ]
    publish_body(export_survey, body)
    answer(export_survey, full_answers(places=["d", "a"]), day=datetime.date(2026, 3, 4))
    plan = plan_for(export_survey, ExportOptions())
    assert not plan.matches_cells_of(Response.objects.earliest("submitted_on").revision_id)
    assert plan.matches_cells_of(export_survey.live_revision_id)

    rows = rows_of(export_survey)
    assert typed(rows) == typed(from_answer_rows(export_survey))
    header = plan.headers
    places = header.index("places")
    old = [row for row in rows if row[1] == datetime.date(2026, 3, 2) and row[places]]
    assert sorted(row[places] for row in old) == ["a c", "b"]
    assert {row[header.index("places/d")] for row in old} == {0}
    new = next(row for row in rows if row[1] == datetime.date(2026, 3, 4))
    assert new[places] == "d a"


def test_a_question_whose_type_changed_is_read_from_its_rows(export_survey):
    """Publishing refuses to change an answered question's type (stable codes); should
    an older revision still differ, its responses are read from their rows."""
    some_responses(export_survey)
    plan = plan_for(export_survey, ExportOptions())
    revision = export_survey.live_revision_id
    assert plan.matches_cells_of(revision)
    body = [b for b in export_body() if b["value"].get("key") != "color"]
    body.append(question("multiple_choice", "color", "Colours?", choices=choices(("r", "Red"))))
    export_survey.body = keep_block_ids(export_survey.body, body)  # in memory only
    plan.revisions[revision] = build_questionnaire(export_survey, revision_id=revision)
    assert not plan.matches_cells_of(revision)


def test_bulk_writes_store_cells_too(export_survey):
    export_survey.refresh_from_db()
    questionnaire = build_questionnaire(export_survey, revision_id=export_survey.live_revision_id)
    stored = record_responses(
        survey=export_survey,
        questionnaire=questionnaire,
        responses=[
            ResponseData(
                answers=full_answers(),
                submitted_on=datetime.date(2026, 3, 5),
                language="en",
                channel=Response.Channel.PAPER,
            ),
            ResponseData(
                answers={"color": "r", "called": ["police", "other"], "called-other": "A friend"},
                submitted_on=datetime.date(2026, 3, 5),
                language="en",
                channel=Response.Channel.PAPER,
            ),
        ],
    )
    assert stored == 2
    assert Response.objects.filter(cells__isnull=True).count() == 0
    cells = Response.objects.get(cells__color="r").cells
    assert cells == {
        "color": "r",
        "called": "police other",
        "called/police": 1,
        "called/neighbors": 0,
        "called/other": 1,
        "called#other": "A friend",
    }
    assert typed(rows_of(export_survey)) == typed(from_answer_rows(export_survey))


def test_older_responses_get_their_cells_from_their_rows(export_survey):
    some_responses(export_survey)
    expected = dict(Response.objects.values_list("pk", "cells"))
    Response.objects.update(cells=None)
    out = StringIO()
    call_command("fill_wide_cells", stdout=out)
    assert "Filled the cells of 5 response(s)." in out.getvalue()
    assert dict(Response.objects.values_list("pk", "cells")) == expected
    call_command("fill_wide_cells", stdout=out)
    assert "Filled the cells of 0 response(s)." in out.getvalue()


def test_answers_cells_could_not_give_back_exactly_are_read_from_their_rows(export_survey):
    """A code its question does not offer (no form lets one through; a row changed by
    hand), or a number from 2**53 up (PostgreSQL's jsonb would return it as an int)."""
    export_survey.refresh_from_db()
    questionnaire = build_questionnaire(export_survey, revision_id=export_survey.live_revision_id)
    assert wide_cells(questionnaire, [("color", AnswerValue(code="r"))]) == {"color": "r"}
    assert wide_cells(questionnaire, [("color", AnswerValue(code="zz"))]) is None
    assert wide_cells(questionnaire, [("places", AnswerValue(code="zz"))]) is None
    assert wide_cells(questionnaire, [("hours", AnswerValue(number=2.5))]) == {"hours": 2.5}
    assert wide_cells(questionnaire, [("hours", AnswerValue(number=1e20))]) is None

    some_responses(export_survey)
    Response.objects.update(cells=None)
    changed = Answer.objects.filter(key="color").order_by("pk").first()
    Answer.objects.filter(pk=changed.pk).update(code="zz")
    out = StringIO()
    call_command("fill_wide_cells", stdout=out)
    assert "Filled the cells of 4 response(s)." in out.getvalue()
    assert Response.objects.get(pk=changed.response_id).cells is None
    selected = {"include_partial": True}
    assert typed(rows_of(export_survey, **selected)) == typed(
        from_answer_rows(export_survey, **selected)
    )
    assert "zz" in [cell for row in rows_of(export_survey, **selected) for cell in row]


@pytest.mark.parametrize("cells", [True, False])
def test_specify_texts_stay_after_please_specify_is_unticked(export_survey, cells):
    """An organizer unticks "please specify" on a choice after residents used it: the
    texts they typed are still answers, so the export keeps their column."""
    answer(export_survey, full_answers(**{"called": ["other"], "called-other": "My pastor"}))
    body = export_body()
    called = next(block for block in body if block["value"].get("key") == "called")
    *kept, other = called["value"]["choices"]
    called["value"]["choices"] = [*kept, {**other, "other": False}]  # a copy: OTHER is shared
    publish_body(export_survey, body)
    later = full_answers(called=["other"])
    del later["called-other"]  # no longer asked
    answer(export_survey, later, day=datetime.date(2026, 3, 4))
    if not cells:
        Response.objects.update(cells=None)
    rows = rows_of(export_survey)
    header = plan_for(export_survey, ExportOptions()).headers
    assert [row[header.index("called/other_text")] for row in rows] == ["My pastor", None]
