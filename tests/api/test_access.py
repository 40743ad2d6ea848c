"""Every API endpoint, discovered from surveys/api/urls.py, refuses every token that
should not pass, with a clear JSON message and nothing else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.models import AuditEvent
from surveys.api import urls as api_urls
from surveys.api.tokens import ApiToken
from surveys.models import SurveyAccess

from .conftest import Api, new_token, staff_member

pytestmark = pytest.mark.django_db


def endpoint_urls(survey_id: int) -> dict[str, str]:
    """Every route that needs a token (all but the OpenAPI description), by name."""
    urls = {}
    for pattern in api_urls.urlpatterns:
        if not getattr(pattern.callback, "api_endpoint", False):
            continue
        kwargs = {"survey_id": survey_id} if "survey_id" in pattern.pattern.converters else {}
        urls[pattern.name] = reverse(f"api:{pattern.name}", kwargs=kwargs)
    return urls


SURVEY_URLS = ("codebook", "responses", "report")
EXPORTING = ("responses", "report")


def test_every_route_but_the_description_needs_a_token(two_surveys):
    names = set(endpoint_urls(two_surveys[0].pk))
    assert names == {"surveys", *SURVEY_URLS}
    assert {p.name for p in api_urls.urlpatterns} == names | {"openapi"}


def assert_refused(response, status: int, words: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert words in response.json()["error"]
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_and_bad_tokens_are_refused(two_surveys, token):
    for url in endpoint_urls(two_surveys[0].pk).values():
        assert_refused(Api(None).get(url), 401, "Authorization: Bearer")
        assert_refused(Api("cfz_not-a-real-token").get(url), 401, "not known")
        assert_refused(Api("").get(url, HTTP_AUTHORIZATION="Basic abc"), 401, "Bearer <token>")
    assert not AuditEvent.objects.exists()


def test_a_token_in_the_url_is_refused_even_with_a_good_header(two_surveys, token, api):
    for url in endpoint_urls(two_surveys[0].pk).values():
        assert_refused(api.get(url, {"token": token[1]}), 400, "never accepted in the URL")
        assert_refused(Api(None).get(url, {"access_token": token[1]}), 400, "never accepted")
        assert_refused(Api(None).get(url, {"q": token[1]}), 400, "never accepted")
    assert not AuditEvent.objects.exists()


def test_expired_and_revoked_tokens_are_refused(two_surveys, token, api):
    urls = endpoint_urls(two_surveys[0].pk).values()
    ApiToken.objects.filter(pk=token[0].pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    for url in urls:
        assert_refused(api.get(url), 401, "expired")
    ApiToken.objects.filter(pk=token[0].pk).update(
        expires_on=timezone.localdate(), revoked_at=timezone.now()
    )
    for url in urls:
        assert_refused(api.get(url), 401, "revoked")
    assert not AuditEvent.objects.exists()


def test_a_token_reaches_only_its_own_surveys(two_surveys, analyst, api):
    ours, theirs = two_surveys
    for name in SURVEY_URLS:
        assert api.get(endpoint_urls(ours.pk)[name]).status_code == 200
        assert_refused(api.get(endpoint_urls(theirs.pk)[name]), 403, "does not reach")
        assert_refused(api.get(endpoint_urls(99999)[name]), 403, "does not reach")
    # Granted the other survey later: still out of the token's scope.
    staff_member("other", "Analyst")  # unrelated staff change nothing
    SurveyAccess.objects.create(user=analyst, survey=theirs)
    assert_refused(api.get(endpoint_urls(theirs.pk)["responses"]), 403, "does not reach")
    listed = api.get(reverse("api:surveys")).json()["surveys"]
    assert [survey["id"] for survey in listed] == [ours.pk]


def test_a_grant_removed_after_creation_narrows_the_token(two_surveys, analyst, api):
    ours = two_surveys[0]
    SurveyAccess.objects.filter(user=analyst).delete()
    for name in SURVEY_URLS:
        assert_refused(api.get(endpoint_urls(ours.pk)[name]), 403, "no longer granted")
    assert api.get(reverse("api:surveys")).json() == {"surveys": []}


def test_without_the_export_permission_responses_and_report_are_refused(two_surveys):
    ours = two_surveys[0]
    organizer = staff_member("organizer", "Organizer", ours)
    _token, secret = new_token(organizer, ours)
    api = Api(secret)
    urls = endpoint_urls(ours.pk)
    for name in EXPORTING:
        assert_refused(api.get(urls[name]), 403, "does not allow exporting")
    assert api.get(urls["codebook"]).status_code == 200
    listed = api.get(urls["surveys"]).json()["surveys"]
    assert [(s["id"], s["export_responses"]) for s in listed] == [(ours.pk, False)]


def test_a_disabled_account_s_tokens_stop_working(two_surveys, analyst, api):
    analyst.is_active = False
    analyst.save()
    for url in endpoint_urls(two_surveys[0].pk).values():
        assert_refused(api.get(url), 401, "disabled")


def test_only_get_is_served(two_surveys, token, api):
    for url in endpoint_urls(two_surveys[0].pk).values():
        for method in ("post", "put", "patch", "delete"):
            response = getattr(api.client, method)(url, HTTP_AUTHORIZATION=f"Bearer {token[1]}")
            assert_refused(response, 405, "use GET")
    assert not AuditEvent.objects.exists()


def test_calls_are_rate_limited_per_token(two_surveys, analyst, token, api, settings):
    settings.API_RATE_LIMIT = 3
    url = reverse("api:surveys")
    assert [api.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert_refused(api.get(url), 429, "Too many calls")
    assert api.get(url)["Retry-After"]
    _other, secret = new_token(analyst, two_surveys[0], name="other")
    assert Api(secret).get(url).status_code == 200  # another token counts on its own
    assert AuditEvent.objects.count() == 4


def test_an_unknown_api_address_is_a_plain_404(client):
    response = client.get("/api/v1/no-such-route/")
    assert response.status_code == 404
    assert not response.has_header("Location")
