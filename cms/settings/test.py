"""The test suite: fast password hashing, in-memory cache, immediate tasks (from base)."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Wagtail's own tasks (search index, reference index) run immediately and log each run.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django.tasks": {"level": "WARNING"}}}  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as in production, not Django's shared in-memory database: the browser tests'
    # live server answers requests on several threads, and on an in-memory database they
    # would all share one connection, so one request's error or rollback could undo
    # another's writes (a signed-in session lost mid-test). Each thread connects on its own.
    # TEST_SQLITE_NAME lets two runs share a checkout (each needs a file of its own).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_SQLITE_NAME") or str(VAR_DIR / "test.sqlite3")  # noqa: F405
    }
