"""Responses through the API: pages that stay complete while residents answer, the
admin export's CSV byte for byte, a query budget, audit rows, and bad inputs refused."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.models import AuditEvent
from surveys.exports.build import write_export
from surveys.exports.options import ExportOptions
from surveys.models import Response

from .conftest import answer

pytestmark = pytest.mark.django_db


def responses_url(survey) -> str:
    return reverse("api:responses", args=[survey.pk])


def pull_all(api, survey, **params) -> tuple[list[str], int]:
    """Every response id, page by page, and how many pages it took."""
    ids, pages, data = [], 0, dict(params)
    while True:
        body = api.get(responses_url(survey), data).json()
        ids += [row["response_id"] for row in body["responses"]]
        pages += 1
        if not body["next_cursor"]:
            return ids, pages
        data = {**params, "cursor": body["next_cursor"]}


def test_a_page_holds_codes_in_day_and_id_order(two_surveys, api):
    ours = two_surveys[0]
    body = api.get(responses_url(ours), {"limit": 3}).json()
    assert body["columns"][:3] == ["response_id", "submitted_on", "neighborhood"]
    assert len(body["responses"]) == 3
    first = body["responses"][0]
    assert first["submitted_on"] == "2026-03-02"
    assert first["color"] == "g" and first["places"] == "a c"
    keys = [(row["submitted_on"], row["response_id"]) for row in body["responses"]]
    assert keys == sorted(keys)
    assert body["next"].startswith("http://testserver/api/v1/") and "cursor=" in body["next"]


def test_pages_stay_complete_while_responses_arrive(two_surveys, api):
    ours = two_surveys[0]
    before = set(map(str, Response.objects.filter(survey=ours).values_list("id", flat=True)))
    seen, data = [], {"limit": 2}
    while True:
        body = api.get(responses_url(ours), data).json()
        seen += [row["response_id"] for row in body["responses"]]
        # Residents answer between pages: some days before the cursor, some after.
        answer(ours, day=datetime.date(2026, 3, 1))
        answer(ours, day=datetime.date(2026, 3, 9))
        if not body["next_cursor"] or len(seen) > 50:
            break
        data = {"limit": 2, "cursor": body["next_cursor"]}
    assert len(seen) == len(set(seen)), "a response came twice"
    assert before <= set(seen), "a response that was there all along was skipped"


def test_filters_are_the_exports(two_surveys, api):
    ours = two_surveys[0]
    answer(ours, day=datetime.date(2026, 3, 4), channel=Response.Channel.PAPER)
    ids, _ = pull_all(api, ours, since="2026-03-03", until="2026-03-04")
    expected = ExportOptions(since=datetime.date(2026, 3, 3), until=datetime.date(2026, 3, 4))
    assert sorted(ids) == sorted(
        str(pk) for pk in expected.responses(ours).values_list("id", flat=True)
    )
    assert len(ids) == 2
    ids, _ = pull_all(api, ours, channel="paper")
    assert len(ids) == 1
    ids, _ = pull_all(api, ours, neighborhood=["area-1", "area-3"])
    assert len(ids) == len(ExportOptions(neighborhoods=("area-1", "area-3")).responses(ours))


def test_unreleased_responses_never_leave(two_surveys, api):
    ours = two_surveys[0]
    Response.objects.filter(survey=ours).update(released=False)
    body = api.get(responses_url(ours)).json()
    assert body["responses"] == []


@pytest.mark.parametrize(
    "filters",
    [{}, {"since": "2026-03-03"}, {"neighborhood": "area-2", "include_partial": "true"}],
)
def test_csv_is_the_admin_exports_csv(two_surveys, api, tmp_path, settings, filters):
    settings.EXPORT_ROOT = tmp_path
    ours = two_surveys[0]
    with CaptureQueriesContext(connection) as pulling:
        response = api.get(responses_url(ours), {"format": "csv", **filters})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="')
        before_streaming = len(pulling)
        pulled = b"".join(response.streaming_content)
    # On PostgreSQL the database writes the rows, as it does for the export, and before the
    # download starts: a slow client holds no transaction open while it reads.
    copied = any(query["sql"].startswith("COPY") for query in pulling)
    assert copied == (connection.vendor == "postgresql")
    if copied:
        assert len(pulling) == before_streaming
    options = ExportOptions(
        format="csv",
        since=datetime.date(2026, 3, 3) if "since" in filters else None,
        neighborhoods=("area-2",) if "neighborhood" in filters else (),
        include_partial="include_partial" in filters,
    )
    write_export(ours, options, tmp_path / "admin.csv")
    assert pulled == (tmp_path / "admin.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(pulled.decode())))
    assert len(rows) - 1 == options.responses(ours).count() > 0


def test_every_pull_is_audited_with_its_token_and_row_count(two_surveys, token, api):
    ours = two_surveys[0]
    api.get(responses_url(ours), {"limit": 3})
    api.get(responses_url(ours), {"format": "csv", "since": "2026-03-05"})
    page, pull = AuditEvent.objects.order_by("at", "pk")
    for event in (page, pull):
        assert event.user == token[0].user and event.page.pk == ours.pk
        assert event.action == AuditEvent.Action.EXPORT
        assert event.detail["via"] == "api"
        assert event.detail["token_id"] == token[0].pk
        assert event.detail["token_name"] == "laptop"
    assert (page.detail["rows"], page.detail["format"]) == (3, "json")
    assert (pull.detail["rows"], pull.detail["format"]) == (1, "csv")
    assert pull.detail["filters"]["from"] == "2026-03-05"
    token[0].refresh_from_db()
    assert token[0].last_used_on is not None


def test_a_page_of_responses_stays_within_its_query_budget(
    two_surveys, api, django_assert_max_num_queries
):
    ours = two_surveys[0]
    for _ in range(30):
        answer(ours, day=datetime.date(2026, 3, 6))
    # The day's first call notes the token's use; then a page costs the same at any size
    # (12 queries measured: token, permissions, survey, columns, neighborhoods, page, audit).
    api.get(responses_url(ours), {"limit": 5})
    with django_assert_max_num_queries(14):
        small = api.get(responses_url(ours), {"limit": 5})
    with django_assert_max_num_queries(14):
        large = api.get(responses_url(ours), {"limit": 30})
    assert len(small.json()["responses"]) == 5 and len(large.json()["responses"]) == 30


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"since": "2026-13-01"}, "is not a date"),
        ({"until": "yesterday"}, "is not a date"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "start date is after"),
        ({"neighborhood": "atlantis"}, "No neighborhood has the code: atlantis"),
        ({"channel": "fax"}, "Unknown channel"),
        ({"include_partial": "maybe"}, "use true or false"),
        ({"cursor": "not-a-cursor"}, "cursor is not one the API gave"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"format": "xlsx"}, "format"),
        ({"format": "csv", "limit": "5"}, "no cursor or limit"),
        ({"colour": "red"}, "Unknown parameter(s): colour"),
        ({"since": ["2026-03-01", "2026-03-02"]}, "Give 'since' once"),
    ],
)
def test_bad_inputs_get_a_clear_400_and_change_nothing(two_surveys, api, params, words):
    ours = two_surveys[0]
    stored = Response.objects.count()
    response = api.get(responses_url(ours), params)
    assert response.status_code == 400
    assert set(response.json()) == {"error"} and words in response.json()["error"]
    assert Response.objects.count() == stored
    assert not AuditEvent.objects.exists()


def test_a_tampered_cursor_is_refused(two_surveys, api):
    ours = two_surveys[0]
    cursor = api.get(responses_url(ours), {"limit": 1}).json()["next_cursor"]
    response = api.get(responses_url(ours), {"limit": 1, "cursor": "x" + cursor[1:]})
    assert response.status_code == 400
