"""Settings shared by every environment.

Everything that differs between machines comes from the environment (12-factor):
DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG. `dev.py`, `test.py` and
`production.py` only override what they must.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

# Analysis fits thousands of small least-squares problems (surveys/analysis/impact.py);
# OpenBLAS threads only fight each other and the web workers for the cores over such
# small matrices (an event study took 5.4 s with them, 0.07 s without, on two cores).
# Read when numpy first loads, which is after settings; the environment may override.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "cms",
    "surveys",
    "feedback",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages travel compressed (Django pads them against BREACH-style length attacks).
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so that its responses pass through this one first.
    "cms.middleware.AdminContentSecurityPolicyMiddleware",
    "cms.middleware.PublicRequestLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.PublicLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.middleware.RequireMFAMiddleware",
    "cms.middleware.MailNotSentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
# Form widgets render through TEMPLATES, so templates/ can override Wagtail's widgets.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite under var/ unless DATABASE_URL names another database. SQLite is tuned for
# several writer processes (two gunicorn workers): WAL lets readers run beside the
# writer, IMMEDIATE transactions take the write lock at BEGIN so that a transaction
# never has to upgrade a read lock (the cause of instant "database is locked"), and
# the busy timeout makes a second writer wait instead of failing. synchronous=FULL: a
# commit is on disk before the resident is thanked; with NORMAL, WAL mode may lose the
# last commits if the machine loses power (not if a process dies). secure_delete:
# deleted rows (expired partial answers, contact details) are overwritten with zeros,
# not left in free pages; `manage.py upkeep` empties the write-ahead log (cms/upkeep.py).
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'confianza.sqlite3'}"
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=20000;"
        "PRAGMA secure_delete=ON"
    ),
}


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Kept open too: opening a connection and running its PRAGMAs was an eighth of
        # a request's time. (No health check: there is no server to lose.)
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


if "DATABASE_URL" not in os.environ:
    # Only the site's own user may read the database in it (cms/private_files.py).
    VAR_DIR.mkdir(exist_ok=True, mode=0o700)
    VAR_DIR.chmod(0o700)
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's search index uses PostgreSQL's full-text fields there.
    INSTALLED_APPS.append("django.contrib.postgres")

# --- Background work ---------------------------------------------------------------------
# Exports run through Django's tasks API on the "exports" backend: with no worker they run
# at once, in the request that asks; TASK_QUEUE=database queues them in the database for
# `manage.py db_worker --backend exports` processes (production, `make serve`).
# "default" is Wagtail's own (reference index, renditions): Wagtail 8 enqueues through the
# django-tasks backport, whose immediate backend runs them after the transaction commits.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "exports": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
if os.environ.get("TASK_QUEUE", "").lower() == "database":
    TASKS["exports"] = {"BACKEND": "django_tasks_db.DatabaseBackend"}
# Finished exports live here, outside public media, served only through a checked view.
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", VAR_DIR / "exports"))

# --- Cache, rate limits and sessions ----------------------------------------------------
# Local memory by default: one process (`make run`). With REDIS_URL every process and
# machine shares one cache, so rate limits, the daily hashing key, cached results and
# their version counters hold site-wide. Sessions (staff sign-in, a resident's pages in
# progress) are then read from Redis and written through to the database, so that
# restarting Redis loses nobody's place.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "confianza"),
        }
    }
    SESSION_ENGINE = "cms.sessions.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "cms.sessions.db"
# A session without a signed-in user (a resident's answers in progress) expires this
# long after its last change, rounded up to the hour: no exact time is stored, and an
# abandoned one is gone within hours (`manage.py clearsessions`, run hourly).
RESIDENT_SESSION_SECONDS = int(os.environ.get("RESIDENT_SESSION_SECONDS", 2 * 60 * 60))

# --- Staff accounts: django-allauth with MFA ----------------------------------------------
# Residents never sign in. Staff sign in with their email address, verified, through
# allauth everywhere (the Wagtail admin's own login redirects there), with rate limits.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/admin/"
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Superusers create staff accounts without a password; an emailed link lets each person
# choose their own (cms.accounts.invite).
WAGTAILUSERS_PASSWORD_ENABLED = False
ACCOUNT_ADAPTER = "cms.accounts.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Confianza] "
# Staff hear by email when their password or email addresses change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Confianza"
# Anyone who can see responses, results or feedback must have a second factor.
# On by default whenever DEBUG is off.
REQUIRE_MFA = env_bool("REQUIRE_MFA", not DEBUG)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "confianza@localhost")
# Mail goes to the console unless EMAIL_HOST names an SMTP server.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", 587)),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Passwords and sessions ------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------------------
# Interface languages. Arabic is here to prove right-to-left layouts.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
WAGTAIL_I18N_ENABLED = True
# Surveys and pages can be translated into each; a page missing in a language falls back
# to the default language's.
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Translations are made by people in the admin: no machine translation service is called.
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = None
# "Translate this page" makes a draft, never a live page of untranslated copies: an
# organizer publishes it from the translation editor once it is translated.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Static and media files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Requests --------------------------------------------------------------------------
# A survey answer or feedback is small; a post to a public page that is much larger than
# the biggest honest one is refused before it is read (cms.middleware). The admin keeps
# Django's default.
PUBLIC_MAX_BODY_BYTES = int(os.environ.get("PUBLIC_MAX_BODY_BYTES", 256 * 1024))
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"

# --- Respondent protection at the edge ---------------------------------------------------
# Per client: at most N submissions per window (seconds). Clients are told apart by
# their address hashed with a random key that lives only in the cache and is replaced
# every day; the address itself is never stored. Behind N proxies, the Nth address from
# the right of X-Forwarded-For is the client's.
SUBMISSION_RATE_LIMIT = (int(os.environ.get("SUBMISSION_RATE_LIMIT", 30)), 600)
# Calls a minute per personal API token (surveys/api/requests.py).
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", 120))
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
# allauth's own reading of X-Forwarded-For (its rate limits count through
# cms.accounts.StaffAccountAdapter.get_client_ip, which uses the setting above).
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# A person cannot answer a survey faster than this (seconds); faster posts are asked
# to confirm, and posts that fill the hidden honeypot field are dropped.
MINIMUM_FILL_SECONDS = 3
# Contact details a resident leaves with feedback are deleted after this many days at
# the latest (sooner when the item is closed): `manage.py expire_feedback_contacts`.
FEEDBACK_CONTACT_DAYS = int(os.environ.get("FEEDBACK_CONTACT_DAYS", 60))

# --- Security headers -------------------------------------------------------------------
# No inline script anywhere: scripts come from this site, or carry the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# The Wagtail admin adds inline style attributes and frames its own previews.
ADMIN_CSP = {
    **SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# The CSRF cookie ends with the browser session: it leaves no year-long trace of a visit.
CSRF_COOKIE_AGE = None
# Nothing is sent to other sites. Not "no-referrer": under that policy browsers send
# "Origin: null" with form posts, which Django's CSRF origin check rightly refuses.
SECURE_REFERRER_POLICY = "same-origin"

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Confianza"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The address residents reach the site at, for printed cards and QR codes, unless
# organizers set one in Site settings (cms/public_urls.py).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "txt", "xlsx"]
# No third parties: no oEmbed providers are contacted, no avatars fetched, and the admin
# does not ask releases.wagtail.org for updates.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_FINDERS = []
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Logging ---------------------------------------------------------------------------
# Request logs carry neither client addresses nor user agents, nor the query strings
# and paths where invitation and resume codes travel (cms.access_log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_codes": {"()": "cms.access_log.RedactCodes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_codes"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
