"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json without a token
(it describes the API and holds no data). Written by hand: four read-only routes.
tests/api/test_openapi.py checks that it names every route of surveys/api/urls.py."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .parameters import DEFAULT_LIMIT, MAX_LIMIT


def _query(name: str, description: str, schema: dict | None = None, **extra) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
        **extra,
    }


DATE = {"type": "string", "format": "date"}
SURVEY_ID = {"name": "survey_id", "in": "path", "required": True, "schema": {"type": "integer"}}
FILTERS = [
    _query("since", "First day included (YYYY-MM-DD).", DATE),
    _query("until", "Last day included (YYYY-MM-DD).", DATE),
    _query("include_partial", "Also partial responses (saved to continue later).",
           {"type": "boolean", "default": False}),
]  # fmt: skip
AREA_AND_CHANNEL = [
    _query("neighborhood", "A neighborhood's code; repeat for several. None: all.",
           {"type": "array", "items": {"type": "string"}}, explode=True),
    _query("channel", "web, paper or kiosk. None: all.",
           {"type": "string", "enum": ["web", "paper", "kiosk"]}),
]  # fmt: skip
ERRORS = {
    status: {
        "description": description,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}},
                    "required": ["error"],
                }
            }
        },
    }
    for status, description in {
        "400": "A bad parameter, or a token in the URL: nothing was read.",
        "401": "No token, an unknown one, or one expired or revoked.",
        "403": "The token does not reach this survey, or your role may not export.",
        "405": "Only GET is served.",
        "429": "Too many calls with this token; see Retry-After.",
    }.items()
}


def _ok(description: str, *, csv: bool = False) -> dict:
    content = {"application/json": {"schema": {"type": "object"}}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return {"200": {"description": description, "content": content}, **ERRORS}


def _get(summary: str, parameters: list, description: str, *, csv: bool = False) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": _ok(description, csv=csv),
            "security": [{"bearer": []}],
        }
    }


FORMAT = [_query("format", "json (default) or csv.", {"type": "string", "enum": ["json", "csv"]})]

PATHS = {
    "/api/v1/surveys/": _get(
        "The surveys this token reaches", [], "{surveys: [{id, slug, title, ...}]}"
    ),
    "/api/v1/surveys/{survey_id}/codebook/": _get(
        "What every column means, in every language",
        [SURVEY_ID, *FORMAT],
        "{columns, rows} or the codebook as CSV",
        csv=True,
    ),
    "/api/v1/surveys/{survey_id}/responses/": _get(
        "Released responses as codes (needs the export permission)",
        [
            SURVEY_ID,
            *FILTERS,
            *AREA_AND_CHANNEL,
            *FORMAT,
            _query("cursor", "Opaque: the next_cursor of the previous page (JSON only)."),
            _query(
                "limit",
                f"Responses per page (JSON only), default {DEFAULT_LIMIT}.",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            ),
        ],  # fmt: skip
        "{columns, responses, next_cursor, next}; format=csv: every response, as the "
        "admin export's CSV",
        csv=True,
    ),
    "/api/v1/surveys/{survey_id}/report/": _get(
        "The analysis, as `manage.py analyze --format json` (needs the export permission)",
        [
            SURVEY_ID,
            *FILTERS,
            _query("split_at", "Compare before / from this day.", DATE),
            _query(
                "compare",
                "Two periods FROM:TO, as compare=…&compare=….",
                {"type": "array", "items": {"type": "string"}},
                explode=True,
            ),
            _query(
                "weights",
                "none, neighborhood or rake.",
                {"type": "string", "enum": ["none", "neighborhood", "rake"]},
            ),
        ],  # fmt: skip
        "The report as JSON",
    ),
}

DESCRIPTION = {
    "openapi": "3.1.0",
    "info": {
        "title": "Confianza read-only API",
        "version": "1",
        "description": "Surveys, codebooks, responses and reports, read with a personal "
        "token made in the admin (API tokens). Send it as 'Authorization: Bearer <token>', "
        "never in the URL. Every call is recorded in the audit log.",
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "paths": {"/api/v1/openapi.json": {"get": {"summary": "This description",
                                               "responses": {"200": {"description": "OpenAPI"}}}},
              **PATHS},
}  # fmt: skip


@require_GET
def description(request: HttpRequest) -> JsonResponse:
    return JsonResponse(DESCRIPTION)
