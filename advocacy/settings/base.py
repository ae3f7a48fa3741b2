"""Settings shared by every environment. Each value comes from the environment.

The embedded default (no variables set) is a SQLite file and a Celery transport on the
local filesystem, so `make run` works on a machine with nothing running. Set
DATABASE_URL and REDIS_URL to run the same code on PostgreSQL and Redis.
"""

import hashlib
from pathlib import Path

import environ

from .schedule import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# ------------------------------------------------------------------------------
# General
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
# The languages the site speaks. Pages keep the same URLs in both: the language comes from the
# profile, else the switcher's cookie, else Accept-Language (accounts.middleware.ProfileLanguageMiddleware).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_TZ = True
# One date format per language everywhere (advocacy/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["advocacy.formats"]
SITE_ID = 1
SITE_NAME = env("SITE_NAME", default="Call Your Officials")
ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Databases: https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
# ------------------------------------------------------------------------------
POSTGRESQL_ENGINE = "advocacy.postgresql"


def database_settings(database: dict) -> dict:
    """DATABASE_URL's settings as this project runs them (also used by the production settings)."""
    database["ATOMIC_REQUESTS"] = False
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web process read while the Celery worker writes.
        database["OPTIONS"] = {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
        return database
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = POSTGRESQL_ENGINE  # Django's, with a health check that sends nothing
    database["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    # A persistent connection that a PostgreSQL restart ended is replaced before the request's
    # first query, instead of failing it. The check asks the kernel, not the server
    # (advocacy/postgresql/base.py), so it costs nothing measurable.
    database["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)
    # A database that does not answer fails the request quickly (a 503) instead of hanging it.
    database.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DJANGO_DB_CONNECT_TIMEOUT", default=2)
    return database


DATABASES = {"default": database_settings(env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}

# ------------------------------------------------------------------------------
# Redis: cache (allauth rate limits need a shared one) and Celery broker
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def cache_key_prefix(database: dict) -> str:
    """Every cache key starts with this, so two deployments sharing one Redis database never read
    each other's entries (cached office ids, token entries, generations, rate counters).
    CACHE_KEY_PREFIX when set; else made from the database's host, port and name (a deployment is
    its database)."""
    where = f"{database.get('HOST', '')}:{database.get('PORT', '')}/{database['NAME']}"
    return env("CACHE_KEY_PREFIX", default="") or "d" + hashlib.sha256(where.encode()).hexdigest()[:12]


CACHE_KEY_PREFIX = cache_key_prefix(DATABASES["default"])
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "advocacy.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Short timeouts: a Redis outage must never stall a request (calls are still logged).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# ------------------------------------------------------------------------------
# Apps
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]
LOCAL_APPS = ["accounts", "officials", "targetlists", "campaigns", "tallies", "reminders", "rally", "advocacy"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: every request (the call endpoint's fast path included) gets its id and is timed.
    "advocacy.request_ids.RequestObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The security headers before the call fast path, so its answers carry them as every other does.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "advocacy.csp.CSPMiddleware",  # django-csp's, with the site's policy built once
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # An unknown API URL answers JSON, with DEBUG on too.
    "advocacy.middleware.ApiNotFoundMiddleware",
    # Before anything reads the body: a 413 in the API error shape for a big API body.
    "advocacy.middleware.ApiBodyLimitMiddleware",
    # POST /api/v1/calls/ with a token is answered here, without the pages' middleware and DRF
    # (tallies/api/fast_path.py); every other request goes on down the list.
    "tallies.api.fast_path.CallFastPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in volunteer's profile language beats the cookie and the browser.
    "accounts.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffMFARequiredMiddleware",
    # Domain errors (advocacy.errors) raised by a page: 404, 400, 409, 422 or 429.
    "advocacy.middleware.DomainErrorMiddleware",
]

# ------------------------------------------------------------------------------
# Templates and static files (whitenoise; nothing comes from a CDN)
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "advocacy.context_processors.site",
            ],
        },
    }
]
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# ------------------------------------------------------------------------------
# Authentication: https://docs.allauth.org/en/latest/account/configuration.html
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Signup with a taken address sends that address a notice instead of saying so on the page.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# Fernet keys (comma-separated, newest first) that encrypt TOTP secrets in the database. Unset:
# one derived from SECRET_KEY (then changing SECRET_KEY voids every staff member's TOTP app).
MFA_ENCRYPTION_KEY = env.list("MFA_ENCRYPTION_KEY", default=[])

# ------------------------------------------------------------------------------
# Email
# ------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Call Your Officials <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ------------------------------------------------------------------------------
# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # A broker that needs no server: messages are files under var/celery.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING above, so their lines carry the request id of the request that started the task.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Keep reconnecting through a Redis outage of any length instead of exiting after ~100 tries.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The schedule is reviewed code, kept in its own module (advocacy/settings/schedule.py).
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# ------------------------------------------------------------------------------
# REST API: https://www.django-rest-framework.org/api-guide/settings/
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.HashedTokenAuthentication",
        "accounts.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # A JSON API: form and multipart bodies are a 415, and the schema declares only application/json
    # bodies, so generated clients send JSON, limited in size and depth (advocacy/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["advocacy.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "advocacy.api.negotiation.JSONFallbackContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "advocacy.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "advocacy.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "advocacy.api.throttling.AnonRateThrottle",
        "advocacy.api.throttling.UserRateThrottle",
        "advocacy.api.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="120/min"),
        "user": env("API_THROTTLE_USER", default="6000/min"),
        "calls": env("API_THROTTLE_CALLS", default="600/min"),
    },
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=None),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Call Your Officials API",
    "DESCRIPTION": (
        "Find your officials, read the campaign scripts, log your calls and read the tallies. "
        "Authenticate with `Authorization: Bearer <key>` (`tokenAuth`; `Authorization: Token <key>` is taken "
        "too), with a key from the API tokens page. Bodies are JSON. Every error is "
        '`{"error": {"code", "message", "fields"}}`. Guide: docs/api.md in the repository.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    # 3.1: nullability is a JSON Schema type ("null"), which strict validators and generators read alike.
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "ActionKindEnum": "campaigns.models.Action.Kind",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "ContactPointKindEnum": "officials.models.ContactPoint.Kind",
        "DivisionKindEnum": "officials.models.Division.Kind",
        "MembershipRoleEnum": "accounts.models.Membership.Role",
        "OfficeRoleEnum": "officials.models.OfficeRole",
        "OutcomeEnum": "tallies.models.Outcome",
        "ReminderFrequencyEnum": "accounts.models.User.ReminderFrequency",
        "SourceEnum": "tallies.models.Source",
        "TimeZoneEnum": "accounts.models.TIME_ZONE_CHOICES",
        "WrongNumberReportStatusEnum": "officials.models.WrongNumberReport.Status",
    },
    # Every operation documents every error it can answer with (advocacy/api/schemas.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "advocacy.api.schemas.document_errors",
        "advocacy.api.schemas.exact_inputs",
    ],
}

# ------------------------------------------------------------------------------
# Content-Security-Policy (django-csp) and Permissions-Policy (django-permissions-policy)
# ------------------------------------------------------------------------------
# Every environment sends the production headers, so a violation shows up while developing and in
# the browser tests. Scripts and styles come only from our own static files: no inline script, no
# eval, no <style> element or style attribute in markup (progress bars are <progress> elements,
# htmx's indicator rules and the API docs' page rules are in stylesheets). Scripts may still set
# element.style, which the CSP does not govern (Chart.js sizes its canvas that way).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Officials' photos are hot-linked from public sources; the TOTP QR code and Swagger's icons are data: URIs.
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # Nothing frames the site, except the tally widget (its view replaces this rule).
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    # The "Copy" buttons on scripts, join links and API keys.
    "clipboard-write": ["self"],
}


# ------------------------------------------------------------------------------
# Project data
# ------------------------------------------------------------------------------
# Public-domain officials data (see ../shared/data/README.md); the demo falls back to a
# small built-in set when it is absent.
OFFICIALS_DATA_DIR = Path(env("OFFICIALS_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data")))
# Where the weekly `refresh_officials` reads each source (defaults in officials/refresh.py): set
# OFFICIALS_REFRESH_ZIP_DISTRICTS_URL etc. to point one elsewhere, e.g. a newer Census file.
OFFICIALS_REFRESH_SOURCES = {
    name: env(f"OFFICIALS_REFRESH_{name.upper()}_URL")
    for name in ("divisions", "congress", "zip_districts", "executives", "executive_updates")
    if env(f"OFFICIALS_REFRESH_{name.upper()}_URL", default="")
}
# A refresh that would change more than this share of one source's rows at once (a truncated or
# broken upstream file) applies none of them and holds the whole source for review.
OFFICIALS_REFRESH_MAX_CHANGE_SHARE = env.float("OFFICIALS_REFRESH_MAX_CHANGE_SHARE", default=0.10)
CHAPTER_JOIN_LINK_MAX_AGE = env.int("CHAPTER_JOIN_LINK_MAX_AGE", default=7 * 24 * 3600)
# Invitations in any 24 hours: per chapter (staff raise one chapter's in the admin) and per lead.
INVITATIONS_PER_CHAPTER_PER_DAY = env.int("INVITATIONS_PER_CHAPTER_PER_DAY", default=1000)
INVITATIONS_PER_LEAD_PER_DAY = env.int("INVITATIONS_PER_LEAD_PER_DAY", default=500)
# A caller may move to another state (a ZIP there) once in this many days; staff can override.
STATE_MOVE_INTERVAL_DAYS = env.int("STATE_MOVE_INTERVAL_DAYS", default=30)
# A chapter's own target lists (targetlists/): rows a list, lists a chapter, bytes a CSV file.
TARGET_LIST_MAX_ROWS = env.int("TARGET_LIST_MAX_ROWS", default=2000)
TARGET_LISTS_PER_CHAPTER = env.int("TARGET_LISTS_PER_CHAPTER", default=20)
TARGET_LIST_MAX_BYTES = env.int("TARGET_LIST_MAX_BYTES", default=1024 * 1024)
# Absolute links in reminder emails, e.g. https://calls.example.org (else the Site's domain).
REMINDERS_BASE_URL = env("REMINDERS_BASE_URL", default="")
# The weekly digest is split into this many tasks, so workers send in parallel.
REMINDERS_DIGEST_PARTS = env.int("REMINDERS_DIGEST_PARTS", default=4)

# Calls one caller may log to one office for one action in any 24 hours; the next is a 429.
CALLS_PER_OFFICE_PER_DAY = env.int("CALLS_PER_OFFICE_PER_DAY", default=3)
# The largest API request body (a batch of 1,000 calls is about 250 kB); larger is a 413.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)

# The servers copy their environment (DATABASE_URL...) into request.META: reports leave it out.
DEFAULT_EXCEPTION_REPORTER_FILTER = "advocacy.error_reports.RequestOnlyExceptionReporterFilter"
# ------------------------------------------------------------------------------
# Observability: request ids, logs, /metrics, /readyz, Sentry (docs/operations.md)
# ------------------------------------------------------------------------------
# Addresses whose X-Request-ID is kept (the load balancer in front); from anyone else a new id is made.
REQUEST_ID_TRUSTED_PROXIES = env.list("REQUEST_ID_TRUSTED_PROXIES", default=[])
# /metrics answers these addresses, or a request with `Authorization: Bearer <METRICS_BEARER_TOKEN>`.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_BEARER_TOKEN = env("METRICS_BEARER_TOKEN", default="")
# /readyz answers 503 when the last rollup is older than this (the beat runs it every few seconds).
READYZ_MAX_ROLLUP_AGE_SECONDS = env.int("READYZ_MAX_ROLLUP_AGE_SECONDS", default=300)
# A dashboard's figures are gathered at most once per this many seconds in each web process and
# shown with the time they were gathered (tallies/views/snapshots.py); 0 gathers them every time.
DASHBOARD_FIGURES_MAX_AGE = env.int("DASHBOARD_FIGURES_MAX_AGE", default=2)
# "json": one JSON object per log line (for a log pipeline); anything else: plain text.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "advocacy.request_ids.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
}
# Errors go to Sentry when set, with the request id and no personal data (advocacy/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
if SENTRY_DSN:
    from advocacy.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)
