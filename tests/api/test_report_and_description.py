"""The report is `manage.py analyze`'s JSON for the same options; the OpenAPI
description names every route; docs/api.md shows the three-line pandas pull."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cms.models import AuditEvent
from surveys.api import urls as api_urls

from .conftest import Api

pytestmark = pytest.mark.django_db


def analyze(survey, *options) -> dict:
    out = io.StringIO()
    call_command("analyze", survey.slug, "--format", "json", "-o", "-", *options, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("params", "options"),
    [
        ({}, []),
        ({"since": "2026-03-03", "weights": "neighborhood"}, ["--since", "2026-03-03",
                                                              "--weights", "neighborhood"]),
        ({"split_at": "2026-03-03", "include_partial": "true"},
         ["--split-at", "2026-03-03", "--include-partial"]),
        ({"compare": ["2026-03-01:2026-03-02", "2026-03-03:2026-03-06"]},
         ["--compare", "2026-03-01:2026-03-02", "2026-03-03:2026-03-06"]),
    ],
)  # fmt: skip
def test_the_report_is_analyzes_json(two_surveys, token, api, params, options):
    ours = two_surveys[0]
    response = api.get(reverse("api:report", args=[ours.pk]), params)
    assert response.status_code == 200, response.content
    assert response.json() == analyze(ours, *options)
    event = AuditEvent.objects.filter(detail__via="api").get()
    assert event.action == AuditEvent.Action.VIEW_RESULTS
    assert event.detail["token_id"] == token[0].pk
    assert event.detail["rows"] == response.json()["responses"] > 0


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"weights": "heavy"}, "weights"),
        ({"weights": "rake"}, "no raking margins"),
        ({"split_at": "2026-03-03", "compare": ["2026-03-01:2026-03-02"] * 2}, "not both"),
        ({"compare": "2026-03-01"}, "two periods"),
        ({"compare": ["2026-03-01", "2026-03-02"]}, "not a period"),
        ({"neighborhood": "area-1"}, "Unknown parameter(s): neighborhood"),
    ],
)
def test_bad_report_options_get_a_clear_400(two_surveys, api, params, words):
    response = api.get(reverse("api:report", args=[two_surveys[0].pk]), params)
    assert response.status_code == 400 and words in response.json()["error"]
    assert not AuditEvent.objects.exists()


def test_the_codebook_comes_as_json_and_csv(two_surveys, api):
    url = reverse("api:codebook", args=[two_surveys[0].pk])
    body = api.get(url).json()
    assert body["columns"][:3] == ["column", "key", "row"]
    assert any(row[1] == "color" for row in body["rows"])
    text = b"".join(api.get(url, {"format": "csv"}).streaming_content).decode()
    assert text.splitlines()[0].startswith("column,key,row")
    assert AuditEvent.objects.filter(detail__via="api").count() == 2


def test_the_openapi_description_names_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    described = set(response.json()["paths"])
    routes = {
        "/api/v1/" + str(pattern.pattern).replace("<int:survey_id>", "{survey_id}")
        for pattern in api_urls.urlpatterns
    }
    assert described == routes
    assert client.post("/api/v1/openapi.json").status_code == 405


def test_the_docs_show_every_route_and_a_three_line_pandas_pull():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    for pattern in api_urls.urlpatterns:
        assert str(pattern.pattern).replace("<int:survey_id>", "{survey_id}") in docs
    assert "httr2" in docs and "Power Query" in docs and "pandas as pd" in docs
    assert "?token=" not in docs


def test_api_responses_hold_no_third_party_address(two_surveys, api):
    ours = two_surveys[0]
    for name in ("codebook", "responses", "report"):
        body = api.get(reverse(f"api:{name}", args=[ours.pk])).content.decode()
        assert "https://" not in body and "<script" not in body
    assert "://" not in json.dumps(Api(None).client.get("/api/v1/openapi.json").json())
