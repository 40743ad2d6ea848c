"""Settings for several processes: Redis when REDIS_URL is set, HTTPS switches from env."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], "
    "'location': s.CACHES['default'].get('LOCATION'), 'sessions': s.SESSION_ENGINE, "
    "'redirect': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE, "
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS}))"
)


def settings_with(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    base.update(DJANGO_SETTINGS_MODULE="cms.settings.production", SECRET_KEY="x" * 50, **env)
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_redis_url_shares_cache_rate_limits_and_sessions():
    found = settings_with(REDIS_URL="redis://127.0.0.1:6379/3")
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://127.0.0.1:6379/3"
    # Read from Redis, written through to the database: a Redis restart loses no session.
    assert found["sessions"] == "cms.sessions.cached_db"


def test_without_redis_one_process_keeps_its_own_memory():
    found = settings_with()
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["sessions"] == "cms.sessions.db"


def test_production_requires_https_unless_told_otherwise():
    secure = settings_with()
    assert secure["redirect"] and secure["session_secure"] and secure["csrf_secure"]
    assert secure["hsts"] == 60 * 60 * 24 * 365
    local = settings_with(
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
    )
    assert not (local["redirect"] or local["session_secure"] or local["csrf_secure"])
    assert local["hsts"] == 0
