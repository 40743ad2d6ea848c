"""Protection at the edge for anonymous forms (surveys, feedback): rate limits and bots.

Clients are told apart by their address hashed with a key made of a random value that
lives only in the cache and is replaced every day, and of the secret key, which the
cache never holds. Yesterday's counters cannot be tied to an address even by someone
holding the database, the logs and the secret key (the random value is gone); today's
cannot by someone holding a copy of the cache alone (Redis holds the rate-limit counters
beside the random value, but not the secret key). The address itself is used in memory
only: never written to the database or to the application's logs.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from .counters import increment

HONEYPOT_FIELD = "website"
STARTED_FIELD = "started"
_STARTED_SALT = "confianza.form-started"


def client_address(request: HttpRequest) -> str:
    """The client's address, taking `TRUSTED_PROXY_COUNT` proxies into account."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


# Today's key as this process last read it from the cache: (day, read at, key).
_kept_key: tuple[str, float, bytes] | None = None
KEY_REREAD_SECONDS = 300


_clock = time.monotonic


def _today() -> str:
    return datetime.date.today().isoformat()


def forget_daily_key() -> None:
    """Read the key from the cache at the next use (tests start clean with this)."""
    global _kept_key
    _kept_key = None


def _daily_key() -> bytes:
    """Today's random hashing key; every process sharing the cache shares it. Each
    process reads it again every few minutes (not for every form sent), and at once
    when the day changes."""
    global _kept_key
    today, now = _today(), _clock()
    kept = _kept_key
    if kept and kept[0] == today and now - kept[1] < KEY_REREAD_SECONDS:
        return kept[2]
    name = f"protection:key:{today}"
    cache.add(name, secrets.token_hex(32), timeout=60 * 60 * 26)
    shared = cache.get(name)
    if shared is None:  # the cache is gone: a key for this request only
        return secrets.token_hex(32).encode()
    key = hmac.new(settings.SECRET_KEY.encode(), shared.encode(), hashlib.sha256).digest()
    _kept_key = (today, now, key)
    return key


def client_token(request: HttpRequest) -> str:
    """An opaque, day-scoped token for the client; not reversible once the day is over."""
    address = client_address(request).encode()
    return hmac.new(_daily_key(), address, hashlib.sha256).hexdigest()[:32]


def over_rate_limit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count one attempt for this client in `scope`; True once it exceeds `limit` per
    `window` seconds (a fixed window)."""
    bucket = int(time.time() // window)
    key = f"protection:rl:{scope}:{client_token(request)}:{bucket}"
    return increment(key, initial=0, timeout=window + 5) > limit


def started_token(scope: str, *, seconds_ago: int = 0) -> str:
    """A signed token recording when a form was shown (kept in the form, never stored).
    `seconds_ago` backdates it (a resumed response was begun before)."""
    return signing.Signer(salt=_STARTED_SALT).sign(f"{scope}|{int(time.time()) - seconds_ago}")


def seconds_since_started(token: str | None, scope: str) -> float | None:
    """Seconds since `started_token(scope)` made `token`; None if it is missing or forged."""
    if not token:
        return None
    try:
        value = signing.Signer(salt=_STARTED_SALT).unsign(token)
    except signing.BadSignature:
        return None
    signed_scope, _, shown_at = value.rpartition("|")
    if signed_scope != scope or not shown_at.isdigit():
        return None
    return time.time() - int(shown_at)


def honeypot_filled(data) -> bool:
    """People never see the honeypot field; anything in it was typed by a robot."""
    return bool(data.get(HONEYPOT_FIELD, "").strip())
