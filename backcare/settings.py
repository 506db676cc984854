"""Backcare's one settings file, read from the environment (fails loudly on bad values)."""

import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from backcare.policy import MAX_BODY_BYTES, MAX_FORM_FIELDS

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "1")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

# Where the site is, for the links a printed card or a calendar file carries away from it:
# configured, never read from a request's Host header (which any client may set).
SITE_ORIGIN = os.environ.get("BACKCARE_ORIGIN", "http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/?#@\s]+", SITE_ORIGIN):
    raise ImproperlyConfigured(
        f"BACKCARE_ORIGIN must be a scheme and a host, like https://backcare.example, "
        f"not {SITE_ORIGIN!r}"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "backcare.catalogue",
    "backcare.planner",
    "backcare.player",
    "backcare.plans",
]

# The header middlewares come first, so every response gets their headers: static files,
# refusals by the guards below, and the errors Django draws when a middleware raises (a wrong
# Host, say). Then the guards, before anything reads the body or trusts a forwarded header.
MIDDLEWARE = [
    "backcare.web.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "backcare.web.ProxyMiddleware",
    "backcare.web.RequestLimitsMiddleware",
    "backcare.web.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "backcare.catalogue.version.CatalogueVersionMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, comma
# separated): the same list for gunicorn (backcare.server) and Django (web.ProxyMiddleware).
TRUSTED_PROXIES = envlist("BACKCARE_TRUSTED_PROXIES")
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Admin logins: after 5 failures from one client address, whatever usernames it tried, a
# one-hour lock-out, with the same answer whether or not the account exists (no user
# enumeration). Once locked, a sign-in is refused before any password is hashed. Not by
# username alone: anyone who learnt an editor's name could then lock them out from anywhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("BACKCARE_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "backcare.web.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "backcare.signin.locked_out"  # 403_locked.html, with a Retry-After
AXES_VERBOSE = False
# Beyond one address (backcare.signin): failures per username an hour, and for the whole site a
# minute. A browser that signed in as that editor before is exempt from both.
SIGN_IN_FAILURES_PER_USERNAME = envint("BACKCARE_SIGN_IN_FAILURES_PER_USERNAME", "10")
SIGN_IN_FAILURES_PER_MINUTE = envint("BACKCARE_SIGN_IN_FAILURES_PER_MINUTE", "20")
# Sign-in logs (axes' records of who signed in, and failed) are kept this long (manage.py prune).
SIGN_IN_LOG_DAYS = envint("BACKCARE_SIGN_IN_LOG_DAYS", "90")

# New sessions one client may save (by address; IPv6 by /64): a person saves a few a day.
SESSIONS_PER_MINUTE = envint("BACKCARE_SESSIONS_PER_MINUTE", "10")
SESSIONS_PER_DAY = envint("BACKCARE_SESSIONS_PER_DAY", "100")
# Sessions never started nor rated are removed after this many days (manage.py prune).
UNOPENED_SESSION_DAYS = envint("BACKCARE_UNOPENED_SESSION_DAYS", "30")

ROOT_URLCONF = "backcare.urls"
WSGI_APPLICATION = "backcare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["backcare.catalogue.templatetags.backcare"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_CONN_MAX_AGE", "0"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and a writer work at once; IMMEDIATE transactions take the write lock
    # up front, so concurrent writers wait (busy timeout) instead of failing "database is
    # locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PostgreSQL: each gunicorn worker (a gevent loop serving up to 1,000 connections) borrows
# from its own pool of at most BACKCARE_DB_CONNECTIONS / workers connections (2 at least),
# so this host never opens more than BACKCARE_DB_CONNECTIONS however many requests are in
# flight; a request waits BACKCARE_DB_WAIT_SECONDS for one, then gets a designed 503 with
# Retry-After (web.DatabaseBusyMiddleware). backcare.server tells each worker how many there are.
DB_CONNECTIONS = envint("BACKCARE_DB_CONNECTIONS", "40")
DB_WAIT_SECONDS = envint("BACKCARE_DB_WAIT_SECONDS", "20")
WORKERS = envint("BACKCARE_WORKERS", os.environ.get("WEB_CONCURRENCY", "1"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them (Django refuses both)
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": max(2, DB_CONNECTIONS // max(1, WORKERS)),
            "timeout": DB_WAIT_SECONDS,
        }
    }
# What is built from the catalogue (backcare.catalogue.cache), keyed by the catalogue's version
# and prefixed with this release, so a deploy never serves a page its old code drew. Each
# process keeps its own (Django's LocMemCache, least recently used out first); with REDIS_URL,
# every process and host shares one build per edit (the way to run more than one host).
# How long a process trusts the catalogue version it last read (backcare.catalogue.version): a
# kept page costs no query; an edit shows in other processes and hosts within this many seconds.
CATALOGUE_RECHECK_SECONDS = envint("BACKCARE_CATALOGUE_RECHECK_SECONDS", "2")


def _release() -> str:
    """BACKCARE_RELEASE, or a digest of the code and templates this process serves."""
    if found := os.environ.get("BACKCARE_RELEASE"):
        return found
    digest = hashlib.blake2b(digest_size=6)
    for path in sorted((*BASE_DIR.glob("backcare/**/*.py"), *BASE_DIR.glob("templates/**/*"))):
        if path.is_file():
            digest.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()


RELEASE = _release()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "catalogue": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"backcare-{RELEASE}",
            "TIMEOUT": 24 * 60 * 60,
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "backcare-catalogue",
            "KEY_PREFIX": f"backcare-{RELEASE}",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": envint("BACKCARE_CATALOGUE_CACHE_ENTRIES", "500")},
        }
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Django's own hashers, the first with its slow work off the gevent loop (backcare.signin).
PASSWORD_HASHERS = [
    "backcare.signin.PBKDF2InThreadHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Strict Content-Security-Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CSRF_FAILURE_VIEW = "backcare.web.csrf_failure"
# Messages ("Forgotten: …") travel in a cookie sent only under the part of the site that set it.
MESSAGE_STORAGE = "backcare.messages.ScopedStorage"

# Request bodies: web.RequestLimitsMiddleware refuses anything bigger and any body of unknown
# length before reading it. No form takes a file: with no upload handlers, a file sent anyway
# is read past and dropped, never kept in memory or spooled to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = MAX_FORM_FIELDS
FILE_UPLOAD_HANDLERS: list[str] = []

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "1")
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", "1")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", "1")

# Structured logs: one JSON object a line on stdout, gunicorn's lines too (backcare.server).
# Request bodies and query strings are never logged; session codes are shortened.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "backcare.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO", "propagate": True}},
}
