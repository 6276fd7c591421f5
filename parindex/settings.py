"""One settings module, driven by environment variables (see docs/operations.md).

Anything that comes from the legal text lives in the rulebook data, not here.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from parindex.env import env_bool, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
DEMO = env_bool("DEMO", default=False)  # refused on an HTTPS deployment: see "production server" below
# `make loadtest` only: two bare views (/_bare/anon, /_bare/auth) that the load test measures the real pages
# against (parindex/core/loadtest_views.py, docs/performance.md). Off everywhere else.
LOADTEST_VIEWS = env_bool("LOADTEST_VIEWS", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-with-DEBUG"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "parindex.core",
    "parindex.audit",
    "parindex.criteria",
    "parindex.periods",
    "parindex.units",
    "parindex.accounts",
    "parindex.board",
    "parindex.assessments",
    "parindex.appraisal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parindex.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parindex.core.context.navigation",
                "parindex.core.context.site",
            ],
        },
    },
    {  # the few fragments rendered in bulk (the score sheet's items): parindex/core/jinja2.py
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "parindex.core.jinja2.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),  # persistent connections (docs/operations.md)
        conn_health_checks=True,  # a connection the database dropped is replaced, not used to fail a request
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads hashes made before Argon2
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions expire when the browser closes and after SESSION_HOURS of inactivity. The expiry slides
# without writing the session on every request: parindex.core.sessions re-saves it only when less
# than half of SESSION_COOKIE_AGE is left (docs/decisions.md, "Sliding sessions").
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: lock a username+IP pair after AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Mail: the console in development (password-reset links are printed), SMTP otherwise.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "parindex <no-reply@localhost>")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parindex" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Evidence files: through Django's storage API, so a deployment can use S3-compatible storage by
# configuration alone (STORAGES below; e.g. django-storages' S3 backend).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"  # evidence is served only through the permission-checked view
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": env_str("FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
                "OPTIONS": env_json("FILE_STORAGE_OPTIONS", {})},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# -- the province (header of every page, documents) ---------------------------------------------
PROVINCE_NAME = env_str("PROVINCE_NAME", "Bắc Kạn")

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")  # `manage.py collectstatic` fills it

# -- security (production values unless DEBUG; `manage.py check --deploy` passes) ---------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"},  # chatty at INFO
                "django_tasks": {"level": "WARNING"},  # one line per task; `db_worker` sets its own level (-v)
                "fontTools": {"level": "WARNING"}},
}

# -- security hardening (issue 8 §3; docs/security.md) ------------------------------------------
# Login lockout behind a reverse proxy: BEHIND_PROXY=1 and PROXY_COUNT (the number of proxies
# that each append to X-Forwarded-For). Then django-axes reads the client's address from that
# header only (the PROXY_COUNT-th entry from the right); otherwise from REMOTE_ADDR only.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
PROXY_COUNT = env_int("PROXY_COUNT", 1)
if PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT must be at least 1")
AXES_CLIENT_IP_CALLABLE = "parindex.accounts.client_ip.client_ip"

# Content-Security-Policy (django-csp 4): no inline script at all; inline <style> only with the
# request's nonce (the documents' styles, shared with their PDF); no framing; forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],  # 'nonce-…' when the page used request.csp_nonce, else dropped
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Powerful browser features this site never uses are switched off for it and anything it embeds.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")}
# Outermost after SecurityMiddleware: the CSP header is written after LanguageMiddleware has
# rendered the page (so the page's nonce is known).
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "parindex.core.headers.PermissionsPolicyMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")

# A save that collides with another at the database (lock timeout, serialization failure) → 409.
MIDDLEWARE.insert(MIDDLEWARE.index("parindex.core.middleware.DomainErrorMiddleware") + 1,
                  "parindex.core.concurrency.DatabaseConflictMiddleware")

# Row locks (parindex/core/locks.py; docs/decisions.md "Locks"): on PostgreSQL a step waits at most
# this long for a row another change holds, then answers 409 "try again" with nothing saved.
LOCK_TIMEOUT_SECONDS = env_int("LOCK_TIMEOUT_SECONDS", 10)

# SQLite with several people saving at once: writers queue for the lock (BEGIN IMMEDIATE, wait up
# to 20 s) instead of failing with "database is locked"; WAL lets readers go on during a write.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT_SECONDS", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })

# -- publication and documents ---------------------------------------------------------------------
# Publication is its own app (parindex/publication); parindex/documents holds the PDF/xlsx responses and
# the one print layout. PROVINCE_NAME is printed on every document ("UBND TỈNH …", "…, ngày … tháng …").
INSTALLED_APPS += ["parindex.publication", "parindex.documents", "parindex.survey"]
# The open API (parindex/api, docs/api.md). "ninja" as an app: its docs page then serves Swagger UI from its own
# static files (ninja/static/ninja/) instead of a CDN, so the page works under the CSP above unchanged.
INSTALLED_APPS += ["ninja"]

# -- production server (issue 9 §1; docs/operations.md) ------------------------------------------------
# gunicorn (deploy/gunicorn.conf.py) serves the application, `make run` included. Static files are
# served by WhiteNoise from STATIC_ROOT (`manage.py collectstatic`), with hashed names cached for a
# year and pre-compressed copies; directly after SecurityMiddleware, as WhiteNoise asks.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
# Sliding session expiry without a write per request (see SESSION_COOKIE_AGE above); inside the
# session middleware, so that its change is saved by it.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
                  "parindex.core.sessions.SlidingSessionMiddleware")
# Templates: with no "loaders" option (APP_DIRS only), Django 5.2 wraps the loaders in its cached
# loader, so each template is compiled once per process; tests/deploy/test_production_settings.py
# checks it. /healthz answers over plain HTTP too: the proxy and monitoring probe the app directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Demo mode (`make run`: accounts with a printed shared password) runs only on plain-HTTP settings,
# i.e. never on a deployment configured for its users (HTTPS redirect, secure cookies: check --deploy).
if DEMO and not DEBUG and (SECURE_SSL_REDIRECT or SESSION_COOKIE_SECURE or CSRF_COOKIE_SECURE):
    raise ImproperlyConfigured("DEMO=1 (demo accounts with a shared password) is refused on an HTTPS deployment "
                               "(SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE or CSRF_COOKIE_SECURE on)")

# -- background jobs (issue 9 §5; parindex/jobs; docs/operations.md "Background jobs") ---------------------
# Long work (large imports, PDF reports, invitations) runs as a job: django-tasks with its database backend
# (django-tasks-db). The web process only queues the task; `manage.py db_worker` (next to gunicorn: `make run`,
# deploy/parindex-worker.service) runs it. TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs
# every job inside the request instead (no worker; the tests do so).
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "parindex.jobs"]
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    },
}
