"""Edge protection for anonymous forms: rate limits, honeypot, fill time."""

import hashlib
import hmac
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings

from cms import protection
from surveys.models import Response
from tests.factories import every_type_body, make_survey, post_data, valid_answers

pytestmark = pytest.mark.django_db


def answer(client, survey, **kwargs):
    return client.post(survey.url, {**post_data(valid_answers(), survey=survey), **kwargs})


@override_settings(SUBMISSION_RATE_LIMIT=(3, 600))
def test_a_client_over_the_limit_gets_a_plain_429_and_nothing_is_stored(survey):
    resident = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(3):
        assert answer(resident, survey).status_code == 302
    refused = answer(resident, survey)
    assert refused.status_code == 429
    assert "Too many requests from this connection" in refused.content.decode()
    assert Response.objects.count() == 3
    # Another connection is not affected.
    assert answer(Client(REMOTE_ADDR="203.0.113.6"), survey).status_code == 302


@override_settings(SUBMISSION_RATE_LIMIT=(2, 600), TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_the_client(survey):
    for forwarded in ("198.51.100.1", "198.51.100.1", "198.51.100.2"):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        assert answer(client, survey).status_code == 302
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert answer(client, survey).status_code == 429


def test_addresses_are_kept_only_hashed_with_a_daily_random_key(rf, monkeypatch):
    request = rf.post("/", REMOTE_ADDR="203.0.113.99")
    logged = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = lambda record: logged.append(record.getMessage())
    root = logging.getLogger()
    root.addHandler(handler)
    previous_level, root.level = root.level, logging.DEBUG
    try:
        protection.over_rate_limit(request, "test", limit=5, window=60)
        token = protection.client_token(request)
    finally:
        root.removeHandler(handler)
        root.level = previous_level
    keys = list(cache._cache.keys())
    assert keys and not any("203.0.113.99" in key for key in keys)
    assert not any("203.0.113.99" in message for message in logged)
    assert len(token) == 32 and "203.0.113.99" not in token
    assert protection.client_token(request) == token  # all day long
    monkeypatch.setattr(protection, "_today", lambda: "2999-01-01")
    # A new day's key, at once: the same address gets an unrelated token.
    assert protection.client_token(request) != token


def test_every_process_uses_the_key_in_the_cache(rf, monkeypatch):
    """A process reads the day's key again after a few minutes, so all processes agree
    again soon after the cache lost it (a Redis restart)."""
    request = rf.post("/", REMOTE_ADDR="203.0.113.99")
    token = protection.client_token(request)
    cache.clear()
    assert protection.client_token(request) == token  # kept by this process
    later = protection._clock() + protection.KEY_REREAD_SECONDS + 1
    monkeypatch.setattr(protection, "_clock", lambda: later)
    assert protection.client_token(request) != token  # the cache's new key
    name = f"protection:key:{protection._today()}"
    assert protection._daily_key() == mixed_with_the_secret(cache.get(name))


def mixed_with_the_secret(shared: str) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), shared.encode(), hashlib.sha256).digest()


def test_a_copy_of_the_cache_alone_cannot_test_an_address(rf, settings):
    """Redis holds the day's random value beside the counters; without the secret key it
    cannot tell whose counter is whose."""
    request = rf.post("/", REMOTE_ADDR="203.0.113.99")
    token = protection.client_token(request)
    shared = cache.get(f"protection:key:{protection._today()}")
    from_the_cache_alone = hmac.new(shared.encode(), b"203.0.113.99", hashlib.sha256)
    assert from_the_cache_alone.hexdigest()[:32] != token
    with_the_secret = hmac.new(mixed_with_the_secret(shared), b"203.0.113.99", hashlib.sha256)
    assert with_the_secret.hexdigest()[:32] == token
    settings.SECRET_KEY = "another-secret"
    protection.forget_daily_key()
    assert protection.client_token(request) != token


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(client, survey):
    result = answer(client, survey, website="http://spam.example")
    assert result.status_code == 302 and result["Location"].endswith("/thanks/")
    assert Response.objects.count() == 0


def test_a_form_sent_faster_than_a_person_reads_is_asked_to_confirm(client, survey):
    data = post_data(valid_answers(), survey=survey, shown_seconds_ago=1)
    result = client.post(survey.url, data)
    assert result.status_code == 200
    # Said plainly: what happened and what to do.
    assert "not saved yet. Check they are right, then press" in result.content.decode()
    assert Response.objects.count() == 0
    # The page carries a fresh token; sent again after a while, it is taken.
    again = post_data(valid_answers(), survey=survey, shown_seconds_ago=30)
    assert client.post(survey.url, again).status_code == 302


@pytest.mark.parametrize("token", ["", "forged", "survey:1|0:badsignature"])
def test_a_missing_or_forged_timing_token_stores_nothing(client, survey, token):
    data = {**post_data(valid_answers(), survey=survey), "started": token}
    result = client.post(survey.url, data)
    assert result.status_code == 200 and Response.objects.count() == 0


def test_a_token_from_another_survey_is_not_accepted(client, survey, home):
    other = make_survey(home, every_type_body(), slug="other")
    data = {**post_data(valid_answers(), survey=survey)}
    data["started"] = post_data({}, survey=other)["started"]
    assert client.post(survey.url, data).status_code == 200
    assert Response.objects.count() == 0


def test_the_honeypot_is_hidden_from_people(client, survey):
    html = client.get(survey.url).content.decode()
    assert '<div class="trap" aria-hidden="true">' in html
    assert 'name="website" id="id_website" value="" tabindex="-1"' in html
