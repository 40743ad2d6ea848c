import os
import socket

import pytest

from tests.factories import (
    every_type_body,
    make_home,
    make_neighborhoods,
    make_staff,
    make_survey,
)


@pytest.fixture
def home(db):
    return make_home()


@pytest.fixture
def neighborhoods(db):
    return make_neighborhoods(3)


@pytest.fixture
def survey(home, neighborhoods):
    """A published, open survey with one question of every type."""
    return make_survey(home, every_type_body())


@pytest.fixture
def staff(db):
    """A superuser with a verified email and an authenticator app (sees every survey)."""
    return make_staff("staff", superuser=True)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached values (routes too) never leak from one test into
    another."""
    from django.core.cache import cache

    from cms import protection, routes
    from surveys import revision_pinning

    cache.clear()
    routes.forget_all()
    protection.forget_daily_key()
    revision_pinning.forget_pinned()
    yield
    cache.clear()
    routes.forget_all()
    protection.forget_daily_key()
    revision_pinning.forget_pinned()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """The interface translations, compiled as `make run` and `make test` do."""
    from django.core.management import call_command

    call_command("compile_catalogues", verbosity=0)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (a request activates its own and keeps it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def redis_url() -> str | None:
    """A Redis database of the tests' own, if a Redis answers (REDIS_URL or the local one)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1).close()
    except OSError:
        return None
    return url.rsplit("/", 1)[0] + "/13"


@pytest.fixture
def on_redis():
    """The default cache on a real Redis, under a key prefix of this test run's own
    (other runs may share the database), whose keys are deleted before and after."""
    from django.core.cache import caches
    from django.test import override_settings

    url = redis_url()
    if url is None:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (or REDIS_URL); CI needs it.")
        pytest.skip("No Redis on 127.0.0.1:6379 (or REDIS_URL): start redis-server to run this.")
    prefix = f"test-{os.getpid()}"
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": prefix,
    }

    def forget(cache) -> None:
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)

    with override_settings(CACHES={"default": backend}):
        cache = caches["default"]
        forget(cache)
        yield cache
        forget(cache)
