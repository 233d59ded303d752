"""Clientwise settings: one module, driven by environment variables.

Development needs nothing set (`make run` exports DEBUG=true). Production must set SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL; a missing or malformed value stops start-up rather than running
with a silent default.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if "SECRET_KEY" in env:
    SECRET_KEY = env.str("SECRET_KEY")
elif DEBUG:
    SECRET_KEY = "django-insecure-development-only-never-in-production"
else:
    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local development).")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The operators' admin at /admin/, superusers only (accounts.admin.site).
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "crispy_forms",
    "crispy_bootstrap5",
    # The audit trail's triggers (PostgreSQL) and event models.
    "pgtrigger",
    "pghistory",
    "accounts",
    "portfolio",
    "assessments",
    "reviews",
    "audit",
    "home",
    # Failed logins, and the lockout of an account from one address (see docs/security.md).
    "axes",
]

MIDDLEWARE = [
    # First: a body too large for any page is refused before anything reads it.
    "accounts.upload_limits.UploadSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.QueryNulMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "accounts.middleware.HtmxVaryMiddleware",
    "accounts.middleware.PrivatePagesMiddleware",
    "accounts.tenancy.WorkspaceMiddleware",
    # Turns a login that django-axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so that its answer to a lost race comes first (exceptions go up the list).
    "accounts.middleware.ConflictMiddleware",
]

if not DEBUG:
    # Serves the collected, hashed static files in production; runserver serves them in DEBUG.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.languages",
                "accounts.context_processors.workspaces",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A kept connection is checked before each request reuses it: after a database restart the
# app reconnects by itself instead of failing on a dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process and the task worker write to the same file: WAL lets readers carry on
    # while one writes, and immediate transactions wait for the lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's included columns are for PostgreSQL (reads from the index alone); SQLite builds
# the same index without them, which is what this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# The audit trail (audit/). On PostgreSQL, django-pghistory's triggers record every change, bulk
# writes included, and its middleware tells them who is acting. On SQLite its middleware breaks
# every write (it prefixes statements with PostgreSQL's set_config), so signals record instead,
# told who is acting by our own middleware.
AUDIT_BY_TRIGGERS = DATABASES["default"]["ENGINE"].endswith("postgresql")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "pghistory.middleware.HistoryMiddleware"
    if AUDIT_BY_TRIGGERS
    else "audit.context.AuditContextMiddleware",
)
# The triggers sit on the tracked models (clients, reviews…) of other apps: installed after
# every `migrate` rather than by migrations in those apps, which the audit app does not own.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = AUDIT_BY_TRIGGERS
# The moment of each change itself, not of its transaction's start (NOW()): the changes of one
# request keep their order across the tables of the trail.
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"
# Event rows copy the tracked columns, not their form details: a new choice or label on a client
# needs no migration of the audit app.
PGHISTORY_EXCLUDE_FIELD_KWARGS = {
    models.Field: ["choices", "validators", "help_text", "verbose_name", "default"]
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# django-axes first: it refuses a locked-out login before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The shared cache holds the rate limits, so every web process counts together: Redis in
# production (CACHE_URL or REDIS_URL, e.g. redis://redis:6379/0), this process's memory when
# unset (development: one process).
_cache_url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL (or REDIS_URL) must be a redis:// or rediss:// URL.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "clientwise",
    }
    if _cache_url
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# How many proxies in front of the app append the client's address to X-Forwarded-For.
# 0 (no proxy): the header is ignored, since a client could write anything in it. Behind one
# proxy, 1. Too low and every visitor shares the proxy's address for the limits below; too high
# and a client can pick the address it is counted under.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account from
# one address, that pair is locked for LOGIN_COOLOFF_MINUTES; never an address alone, never an
# account alone (a stranger could lock its owner out). A success resets the count.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the page's "wait N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.ratelimit.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.account.login_locked_out"
# Keep failed attempts only (they expire with the cool-off), not a log of every login.
AXES_DISABLE_ACCESS_LOG = True
# Its admin goes on the operators' site (accounts.admin), not on Django's default one.
AXES_ENABLE_ADMIN = False

# Rate limits (accounts.ratelimit): name -> (uses, window in seconds). The window of each
# subject starts at its first use.
RATE_LIMITS = {
    # Failed logins from one address, whatever the account: checked before any password is
    # hashed, so a flood from one address is cut off cheaply.
    "login_ip": (env.int("LOGIN_IP_FAILURE_LIMIT", default=50), LOGIN_COOLOFF_MINUTES * 60),
    "signup_ip": (10, 60 * 60),
    "password_reset_ip": (20, 60 * 60),
    "password_reset_email": (5, 60 * 60),
    "invitation_workspace": (50, 60 * 60 * 24),
    "invitation_inviter": (20, 60 * 60 * 24),
    # Wrong current passwords typed in a signed-in session (profile email, password change):
    # the same cap as logins, so a session alone is no faster way to guess the password.
    "password_confirm_user": (LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES * 60),
    # Emails a signed-in person can make Clientwise send, to addresses of their choosing or to
    # teammates: a notice to the old address per login-email change, two per hand-over.
    "email_change_user": (5, 60 * 60 * 24),
    "hand_over_member": (30, 60 * 60 * 24),
}

# Languages: the user's preference, then the browser, then the workspace default.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("pt-br", _("Portuguese (Brazil)")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "clientwise_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Uploaded files (the import files waiting for their preview). With several web or worker
# machines this must be shared storage: a volume they all mount, or an object store.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"  # never served: nothing uploaded is shown back as a file
# The largest upload request (all its files together), refused before its body is read
# (accounts.middleware.UploadSizeMiddleware); and what a workspace may keep waiting at once.
IMPORT_UPLOAD_MAX_BYTES = env.int("IMPORT_UPLOAD_MAX_MB", default=50) * 1024 * 1024
IMPORT_WORKSPACE_QUOTA_BYTES = env.int("IMPORT_WORKSPACE_QUOTA_MB", default=200) * 1024 * 1024
# A running import that said nothing for this long has lost its worker: marked failed.
IMPORT_STALLED_MINUTES = env.int("IMPORT_STALLED_MINUTES", default=30)
FILE_UPLOAD_HANDLERS = [
    "accounts.upload_limits.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production only: they need `collectstatic` first.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email (Django 6.1's MAILERS), from one URL: console in development, SMTP in production,
# e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.com:587
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _email_options.items() if v not in (None, "")}
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Clientwise <noreply@clientwise.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# When `manage.py scheduler` runs the nightly pass: a crontab line, in UTC.
NIGHTLY_PASS_CRON = env.str("NIGHTLY_PASS_CRON", default="15 3 * * *")

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env.str("TASK_BACKEND", default="immediate" if DEBUG else "database")
if _task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {_task_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_task_backend]}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. Production sits behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

# Scripts and styles only from our own origin; the few inline scripts carry the nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# How long an invitation link stays valid.
INVITATION_TTL_DAYS = 7

# The address people reach the app at, for links in emails sent outside a request (digests).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
