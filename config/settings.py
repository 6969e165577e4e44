"""PyWebRank settings: one module, configured by the environment.

Production differs from development by values, not by another settings tree:
set DJANGO_ENV=production, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and the mail
server (EMAIL_HOST, or an explicit EMAIL_BACKEND).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-not-for-production")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "django_ratelimit",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "axes",
    "catalog",
    "reviews",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    # Anonymous pages from the shared cache: a hit answers before everything below.
    "config.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "config.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it can replace the login page's answer by the lock-out page.
    "axes.middleware.AxesMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600 if PRODUCTION else 0)
# A persistent connection is checked before a request reuses it, so a restarted database
# costs one reconnect instead of an error page; on PostgreSQL without a round trip while the
# connection is well (config/postgresql/base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "config.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work side by side; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
SESSION_ENGINE = "django.contrib.sessions.backends.db"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pywebrank",
        }
    }
    # Each logged-in request reads its session from Redis instead of a query (from this
    # process's watched copy: config/sessions.py); the database keeps every session too, so
    # flushing or restarting Redis logs nobody out.
    SESSION_ENGINE = "config.sessions"
elif PRODUCTION:
    # Every gunicorn worker must see the same counts (API throttling): without Redis, the
    # database's cache table, made by `manage.py createcachetable` (which `make migrate` runs).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pywebrank_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Abuse limits (config/limits.py) count in their own cache, shared by every worker and every app
# server: Redis when REDIS_URL is set, else a table in the database (`manage.py createcachetable`).
CACHES["ratelimit"] = (
    {
        "BACKEND": "config.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pywebrank",
    }
    if REDIS_URL
    else {"BACKEND": "config.cache.DatabaseCache", "LOCATION": "ratelimit_cache"}
)
RATELIMIT_USE_CACHE = "ratelimit"
# The address a limit counts by: by default the same as the login lock-outs' (REMOTE_ADDR, or
# the X-Forwarded-For entry our own proxy added: TRUSTED_PROXY_COUNT), or another META key (for
# example HTTP_X_REAL_IP). django-ratelimit's own check does not know our atomic database cache.
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="config.middleware.client_ip")
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# How often one account and, separately, one address may act: "count/period" (s, m, h, d), "0" for
# no limit. Sign-up counts by address only.
RATE_SIGNUP = env.str("RATE_SIGNUP", default="5/h")
RATE_VOTE = env.str("RATE_VOTE", default="120/h")
RATE_REVIEW = env.str("RATE_REVIEW", default="20/h")
RATE_HELPFUL = env.str("RATE_HELPFUL", default="120/h")
RATE_REPORT = env.str("RATE_REPORT", default="20/h")
RATE_PASSWORD_RESET = env.str("RATE_PASSWORD_RESET", default="5/h")
# The sign-up form refuses a post sooner than this after it was shown (0: no check).
SIGNUP_MIN_SECONDS = env.int("SIGNUP_MIN_SECONDS", default=3)
# A new account's votes are held out of the counts for this many days, or until it publishes a
# review that curators leave visible.
VOTE_HOLD_DAYS = env.int("VOTE_HOLD_DAYS", default=3)
# On PostgreSQL, commit votes without waiting for the write-ahead log to reach the disk: a crash of
# the database server may then lose the votes of its last moment (never half of one: a vote and
# its counters commit together). Off: every vote is durable before its answer.
VOTE_ASYNC_COMMIT = env.bool("VOTE_ASYNC_COMMIT", default=False)

# Whole anonymous pages kept in the cache (config/pagecache.py), versioned so that every vote,
# review, moderation or catalog edit shows on the next request; 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# A framework page's places in the rankings by use case are worked out from every framework at
# most once per this many seconds (catalog/guide.py); 0: on every page.
LEADERS_SECONDS = env.int("LEADERS_SECONDS", default=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out account or address before any password is hashed. Then
# Django's own, with the logged-in user read from the cache (config/auth.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.auth.CachedModelBackend",
]
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "catalog:ranking"
LOGOUT_REDIRECT_URL = "catalog:ranking"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Production refuses to start without a mail server rather than lose password-reset mail:
# set EMAIL_HOST (SMTP), or name a backend explicitly with EMAIL_BACKEND.
if PRODUCTION and not (env.str("EMAIL_HOST", default="") or env.str("EMAIL_BACKEND", default="")):
    raise ImproperlyConfigured(
        "Mail is not configured: set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, "
        "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS) for SMTP, or EMAIL_BACKEND, when "
        "DJANGO_ENV=production; otherwise password-reset mail would be lost."
    )
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PyWebRank <noreply@localhost>")

TAGGIT_CASE_INSENSITIVE = True

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the site never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "usb=(), xr-spatial-tracking=()"
)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # A load balancer probes the health check over plain HTTP; everything else goes to HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp): our own files only, no inline script or style, not
# framed, forms post only here. CSP_REPORT_ONLY=true sends the same policy as report-only, for
# an operator trying a change; either way browsers report violations to /csp-report/ (logged).
_CSP_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "report-uri": ["/csp-report/"],
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP_POLICY
else:
    CONTENT_SECURITY_POLICY = _CSP_POLICY

# Login lock-out (django-axes): AXES_FAILURE_LIMIT wrong passwords for one account, or from one
# address, lock logins out for AXES_COOLOFF_MINUTES; a curator can clear it sooner in the admin
# (Axes → Access attempts → delete). Attempts are kept in the database, shared by every server.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_VERBOSE = False
# How many proxies of ours stand in front of gunicorn (each appends to X-Forwarded-For); 0 means
# clients connect directly and REMOTE_ADDR is their address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Logs go to stderr: in production one JSON object per line (time, level, logger, message,
# request_id, and for each request path, method, status, duration_ms); plain text otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Each request is logged once by config.middleware; Django's own line would repeat it.
    "loggers": {"django.server": {"level": "WARNING"}},
}

# Page sizes, one home for every list. The ranking's (and the tag pages') is small enough for
# phones, large enough to see the leaders at a glance.
RANKING_PAGE_SIZE = env.int("RANKING_PAGE_SIZE", default=20)
REVIEWS_PAGE_SIZE = 10  # a framework's reviews
PROFILE_REVIEWS_PAGE_SIZE = 20  # a person's reviews, on their profile
PROFILE_VOTES_PAGE_SIZE = 30  # a person's votes, on their profile
MODERATION_PAGE_SIZE = 50  # the public moderation log
API_PAGE_SIZE = 20  # API lists, unless `page_size` asks otherwise
API_MAX_PAGE_SIZE = 100  # the most `page_size` may ask for

# Aspect ratings (documentation, performance …): how many reviews must rate an aspect before its
# average is shown, so that one review does not paint a bar.
ASPECT_MIN_REVIEWS = env.int("ASPECT_MIN_REVIEWS", default=3)

# The read-only API (catalog/api.py): JSON for programs; the browsable pages only while developing.
# Session authentication only, so a logged-in browser gets the user rate; no password logins here.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",  # anonymous clients, by address
        "catalog.throttling.LoggedInRateThrottle",  # logged-in clients only, by account
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="60/min"),
        "user": env.str("API_USER_RATE", default="240/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PyWebRank API",
    "DESCRIPTION": (
        "Read-only: the community ranking of Python web frameworks, one framework with its "
        "counts, score and rating summary, and the tags. Anonymous clients are throttled."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catalog.api_schema.document_errors",
    ],
}
