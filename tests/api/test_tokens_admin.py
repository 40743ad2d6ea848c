"""Staff make, see and revoke their own tokens in the admin: the secret is shown once
and only its digest is stored; a second factor is needed when sign-in needs one."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.api.tokens import ApiToken, TokenError, create_token

from .conftest import Api, new_token, staff_member

pytestmark = pytest.mark.django_db

INDEX = "/admin/api-tokens/"


def form(survey, *, name="R on my laptop", days=30) -> dict:
    expires = timezone.localdate() + datetime.timedelta(days=days)
    return {"name": name, "expires_on": expires.isoformat(), "surveys": [survey.pk]}


def test_the_admin_urls_are_where_the_docs_say(db):
    assert reverse("api_tokens:index") == INDEX


def test_a_token_is_shown_once_and_stored_as_a_hash(client, two_surveys, analyst):
    ours = two_surveys[0]
    client.force_login(analyst)
    page = client.post(INDEX, form(ours))
    assert page.status_code == 200
    secret = re.search(r'class="api-token-secret">(cfz_[^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=analyst)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < 16
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(secret in value for value in stored)
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    # Never shown again.
    listing = client.get(INDEX).content.decode()
    assert secret not in listing and token.prefix in listing and "R on my laptop" in listing
    assert Api(secret).get(reverse("api:surveys")).status_code == 200


def test_a_token_reaches_only_surveys_its_owner_is_granted(client, two_surveys, analyst):
    theirs = two_surveys[1]
    client.force_login(analyst)
    page = client.post(INDEX, form(theirs))
    assert page.status_code == 200 and not ApiToken.objects.exists()
    with pytest.raises(TokenError):
        new_token(analyst, theirs)


@pytest.mark.parametrize("days", [0, -3, 400])
def test_the_expiry_is_required_and_within_a_year(client, two_surveys, analyst, days):
    client.force_login(analyst)
    page = client.post(INDEX, form(two_surveys[0], days=days))
    assert "within a year" in page.content.decode()
    assert not ApiToken.objects.exists()
    with pytest.raises(TokenError):
        create_token(
            user=analyst,
            name="x",
            expires_on=timezone.localdate() + datetime.timedelta(days=days),
            surveys=[two_surveys[0]],
        )


def test_revoking_stops_the_token_at_once(client, two_surveys, analyst):
    token, secret = new_token(analyst, two_surveys[0])
    client.force_login(analyst)
    response = client.post(f"{INDEX}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(secret).get(reverse("api:surveys")).status_code == 401
    assert "Revoked" in client.get(INDEX).content.decode()


def test_nobody_sees_or_revokes_anothers_tokens(client, two_surveys, analyst):
    token, secret = new_token(analyst, two_surveys[0], name="analyst's own")
    other = staff_member("other", "Analyst", two_surveys[0])
    client.force_login(other)
    assert "analyst&#x27;s own" not in client.get(INDEX).content.decode()
    client.post(f"{INDEX}{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Api(secret).get(reverse("api:surveys")).status_code == 200


def test_a_second_factor_is_needed_when_sign_in_needs_one(client, two_surveys, settings):
    from allauth.mfa.models import Authenticator

    settings.REQUIRE_MFA = True
    analyst = staff_member("nomfa", "Analyst", two_surveys[0])
    client.force_login(analyst)
    Authenticator.objects.filter(user=analyst).delete()
    response = client.post(INDEX, form(two_surveys[0]))
    assert response.status_code in (302, 403)
    assert not ApiToken.objects.exists()
    # Without the requirement (a development site), no second factor is asked for.
    settings.REQUIRE_MFA = False
    assert client.post(INDEX, form(two_surveys[0])).status_code == 200
    assert ApiToken.objects.count() == 1


def test_the_menu_item_shows_to_staff_who_see_responses(client, two_surveys, analyst):
    client.force_login(analyst)
    assert INDEX in client.get("/admin/").content.decode()
    moderator = staff_member("moderator", "Moderator")
    client.force_login(moderator)
    assert INDEX not in client.get("/admin/").content.decode()
