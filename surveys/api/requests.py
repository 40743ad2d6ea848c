"""What every API call goes through before its view: GET only, a bearer token from the
Authorization header (never from the URL), a live token, and its rate limit.

Refusals are JSON with one `error` message and nothing else. A view raises `ApiError`
to refuse; `endpoint` turns it into that response.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from cms.counters import increment

from .tokens import PREFIX, ApiToken, find_token, note_use

# Query parameters that would put a token in a URL, where logs and histories keep it.
TOKEN_PARAMETERS = {"token", "access_token", "api_key", "apikey", "key", "bearer", "auth"}


class ApiError(Exception):
    """A refusal: an HTTP status and a plain message."""

    def __init__(self, status: int, message: str, **headers: str):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers

    def response(self) -> JsonResponse:
        response = JsonResponse({"error": self.message}, status=self.status)
        for name, value in self.headers.items():
            response[name.replace("_", "-")] = value
        return response


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, WWW_Authenticate='Bearer realm="api"')


def authenticate(request: HttpRequest) -> ApiToken:
    """The live token the request carries in `Authorization: Bearer …`, or ApiError."""
    for name, values in request.GET.lists():
        if name.lower() in TOKEN_PARAMETERS or any(v.startswith(PREFIX) for v in values):
            raise ApiError(
                400,
                "Tokens are never accepted in the URL (it is kept in logs and histories): "
                "send it in the header 'Authorization: Bearer <token>', and revoke this one.",
            )
    header = request.headers.get("Authorization", "")
    if not header:
        raise unauthorized("Send your token in the header 'Authorization: Bearer <token>'.")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise unauthorized("The Authorization header must read 'Bearer <token>'.")
    token = find_token(secret.strip())
    if token is None:
        raise unauthorized("This token is not known.")
    if token.is_revoked:
        raise unauthorized("This token has been revoked.")
    if token.is_expired():
        raise unauthorized(f"This token expired on {token.expires_on.isoformat()}.")
    if not token.user.is_active:
        raise unauthorized("The account this token belongs to is disabled.")
    return token


def check_rate(token: ApiToken) -> None:
    """Count one call for `token`; ApiError(429) beyond API_RATE_LIMIT calls a minute."""
    limit, window = settings.API_RATE_LIMIT, 60
    bucket = int(time.time() // window)
    if increment(f"api:rl:{token.pk}:{bucket}", initial=0, timeout=window + 5) > limit:
        raise ApiError(
            429,
            f"Too many calls with this token: at most {limit} a minute. Try again shortly.",
            Retry_After=str(window - int(time.time()) % window),
        )


def endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Make `view(request, token, **kwargs)` an API endpoint (see the module's docstring)."""

    @csrf_exempt  # GET only, and no cookie is ever read: nothing to forge
    @wraps(view)
    def api_view(request: HttpRequest, **kwargs) -> HttpResponse:
        try:
            if request.method != "GET":
                raise ApiError(405, "This API only reads: use GET.", Allow="GET")
            token = authenticate(request)
            check_rate(token)
            note_use(token)
            return view(request, token, **kwargs)
        except ApiError as error:
            return error.response()

    api_view.api_endpoint = True
    return api_view
