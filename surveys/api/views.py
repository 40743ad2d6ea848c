"""The read-only API's endpoints: plain Django views returning JSON, or CSV where the
data is a table. Each is wrapped by `endpoint` (requests.py: GET, bearer token, rate
limit), finds its survey through the token (scope and its owner's grants, today) and
writes one audit event (cms/audit.py) before any resident data leaves.

Responses and the report need the export permission and a grant, exactly as the
admin export (surveys/export_views.py); the survey list and codebooks need to see
responses. An unknown survey and one out of reach get the same 403.
"""

from __future__ import annotations

import tempfile
from itertools import islice

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from cms.audit import record_access
from cms.models import AuditEvent

from ..access import EXPORT_RESPONSES, VIEW_RESPONSES
from ..analysis.report import build_report
from ..exports.codebook import codebook_header, codebook_rows, survey_languages
from ..exports.options import ExportError, ExportOptions
from ..exports.pg_copy import copy_chunks, copyable
from ..exports.stream import plan_for, response_rows
from ..exports.writers import csv_chunks, csv_header
from ..models import SurveyPage
from ..release import release_due
from . import parameters
from .parameters import FILTERS, PERIODS
from .requests import ApiError, endpoint
from .tokens import ApiToken

CSV = "text/csv; charset=utf-8"


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def _survey(token: ApiToken, survey_id: int, permission: str) -> SurveyPage:
    survey = token.surveys_for(permission).filter(pk=survey_id).first()
    if survey is not None:
        return survey
    if permission != VIEW_RESPONSES and token.surveys_for(VIEW_RESPONSES).filter(pk=survey_id):
        raise ApiError(403, "Your role does not allow exporting this survey's responses.")
    raise ApiError(
        403,
        "This token does not reach that survey: it is not among the token's surveys, or "
        "you are no longer granted it.",
    )


def _audit(request, token: ApiToken, action: str, survey=None, **detail) -> None:
    record_access(
        user=token.user,
        action=action,
        page=survey,
        subject=survey.title if survey else "API: surveys",
        detail={
            "via": "api",
            "token_id": token.pk,
            "token_name": token.name,
            "path": request.path,
            **detail,
        },
    )


def _filters(options: ExportOptions) -> dict:
    return {name: value for name, value in options.describe()}


def _csv_response(chunks, file_name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@endpoint
def survey_list(request: HttpRequest, token: ApiToken) -> JsonResponse:
    """The surveys the token reaches, and whether it may pull their responses."""
    parameters.check_names(request.GET, set())
    surveys = list(token.surveys_for(VIEW_RESPONSES).order_by("title"))
    exportable = set(token.surveys_for(EXPORT_RESPONSES).values_list("pk", flat=True))
    _audit(request, token, AuditEvent.Action.VIEW_RESPONSES, rows=len(surveys))
    return _json(
        {
            "surveys": [
                {
                    "id": survey.pk,
                    "slug": survey.slug,
                    "title": survey.title,
                    "language": survey.locale.language_code,
                    "export_responses": survey.pk in exportable,
                    "codebook": reverse("api:codebook", args=[survey.pk]),
                    "responses": reverse("api:responses", args=[survey.pk]),
                    "report": reverse("api:report", args=[survey.pk]),
                }
                for survey in surveys
            ]
        }
    )


@endpoint
def codebook(request: HttpRequest, token: ApiToken, survey_id: int):
    """What every column of the responses means, in every language (as the export's
    Codebook sheet); `format=csv` for a CSV file."""
    parameters.check_names(request.GET, {"format"})
    output = parameters.choice(request.GET, "format", ("json", "csv"))
    survey = _survey(token, survey_id, VIEW_RESPONSES)
    languages = survey_languages(survey)
    header = codebook_header(languages)
    rows = list(codebook_rows(plan_for(survey, ExportOptions(format="csv")), languages))
    _audit(request, token, AuditEvent.Action.VIEW_RESPONSES, survey, codebook=output)
    if output == "csv":
        return _csv_response(csv_chunks(header, rows), f"{survey.slug}-codebook.csv")
    return _json({"survey": survey.pk, "columns": header, "rows": rows})


@endpoint
def responses(request: HttpRequest, token: ApiToken, survey_id: int):
    """Released responses as codes, a page at a time in (day, id) order; `format=csv`
    streams them all as the admin export's CSV for the same filters."""
    query = request.GET
    parameters.check_names(query, FILTERS | {"format", "cursor", "limit"})
    output = parameters.choice(query, "format", ("json", "csv"))
    options = parameters.export_options(query)
    if output == "csv":
        if "cursor" in query or "limit" in query:
            raise parameters.bad_request("format=csv returns every response: no cursor or limit.")
        survey = _survey(token, survey_id, EXPORT_RESPONSES)
        return _responses_csv(request, token, survey, options)
    after, limit = parameters.decode_cursor(query), parameters.limit(query)
    survey = _survey(token, survey_id, EXPORT_RESPONSES)
    release_due(survey)
    plan = plan_for(survey, options)
    rows = list(
        islice(response_rows(survey, options, plan, after=after, page_size=limit + 1), limit + 1)
    )
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = parameters.encode_cursor(rows[-1][1], rows[-1][0])
    _audit(
        request, token, AuditEvent.Action.EXPORT, survey,
        format="json", filters=_filters(options), rows=len(rows),
    )  # fmt: skip
    next_url = None
    if following:
        next_query = query.copy()
        next_query["cursor"] = following
        next_url = request.build_absolute_uri(f"{request.path}?{next_query.urlencode()}")
    return _json(
        {
            "survey": survey.pk,
            "columns": plan.headers,
            "responses": [dict(zip(plan.headers, row, strict=True)) for row in rows],
            "next_cursor": following,
            "next": next_url,
        }
    )


def _responses_csv(request, token, survey, options) -> StreamingHttpResponse:
    release_due(survey)
    plan = plan_for(survey, options)
    count = options.responses(survey).count()
    _audit(
        request, token, AuditEvent.Action.EXPORT, survey,
        format="csv", filters=_filters(options), rows=count,
    )  # fmt: skip
    file_name = options.file_name(survey, timezone.localdate())
    if copyable(survey, options, plan):  # PostgreSQL writes it, as for the export
        header = csv_header(plan.headers, bom=options.bom)
        return _spooled(header, survey, options, plan, file_name)
    chunks = csv_chunks(
        plan.headers,
        response_rows(survey, options, plan),
        bom=options.bom,
        text_columns=plan.text_columns(options.labels),
    )
    return _csv_response(chunks, file_name)


def _spooled(header: bytes, survey, options, plan, file_name: str) -> FileResponse:
    """The COPY's rows written to a private temporary file first (about a second per
    100,000 responses), then sent from it: a slow client holds no database transaction
    or connection for the length of its download. The response closes the file."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (mode 0600, no name; the response closes it)
    try:
        spool.write(header)
        for data in copy_chunks(survey, options, plan):
            spool.write(data)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = FileResponse(spool, content_type=CSV, as_attachment=True, filename=file_name)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@endpoint
def report(request: HttpRequest, token: ApiToken, survey_id: int) -> JsonResponse:
    """The analysis, as `manage.py analyze SLUG --format json` writes it, with its
    options: since, until, include_partial, split_at, compare (twice), weights."""
    query = request.GET
    parameters.check_names(query, (FILTERS - {"neighborhood", "channel"}) | PERIODS)
    options = parameters.export_options(query, periods=True)
    survey = _survey(token, survey_id, EXPORT_RESPONSES)
    try:
        options.check_weighting(survey)
    except ExportError as error:
        raise parameters.bad_request(str(error)) from error
    release_due(survey)
    margins = survey.raking_margins if options.weighting == "rake" else None
    built = build_report(options.selection(survey), weighting=options.weighting, margins=margins)
    _audit(
        request, token, AuditEvent.Action.VIEW_RESULTS, survey,
        weights=options.weighting, filters=_filters(options), rows=built.responses,
    )  # fmt: skip
    return _json(built.as_dict())
