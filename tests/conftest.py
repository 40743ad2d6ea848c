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

    cache.clear()
    routes.forget_all()
    protection.forget_daily_key()
    yield
    cache.clear()
    routes.forget_all()
    protection.forget_daily_key()


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
