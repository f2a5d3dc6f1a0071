"""Settings for the community governance portal.

Every deployment value comes from the environment (django-environ). With nothing set the
portal runs for development: DEBUG on, an embedded SQLite database in var/, Celery tasks
run eagerly in-process. Production sets DEBUG=0 and must then provide SECRET_KEY,
PORTAL_DATA_KEY and PORTAL_INDEX_KEY, or start-up stops with a message naming the missing one.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
DEBUG = env.bool("DEBUG", default=True)

_DEV_ONLY = "dev-only-insecure-"


def _secret(name: str) -> str:
    """A secret from the environment; outside DEBUG a missing one stops start-up."""
    value = env.str(name, default="")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG off the portal refuses to start without it; "
            f"see README 'Configuration'."
        )
    return _DEV_ONLY + name.lower()


SECRET_KEY = _secret("SECRET_KEY")
# Personal-data encryption (AES-256-GCM; older Fernet values stay readable). Several comma-separated keys allow rotation: the first
# encrypts, all decrypt.
PORTAL_DATA_KEY = _secret("PORTAL_DATA_KEY")
# HMAC key of the blind index used for exact lookup and uniqueness of encrypted values.
PORTAL_INDEX_KEY = _secret("PORTAL_INDEX_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
    "core",
    "reports",
    "governance",
    "volunteers",
    "grids",
    "social_orgs",
    "child_care",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.SessionLimitsMiddleware",
    "core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.portal",
            ],
        },
    },
]
# Django's form renderer with a <select> that writes its options inline (core/forms_renderer.py).
FORM_RENDERER = "core.forms_renderer.PortalFormRenderer"

# --- Database -------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(VAR_DIR / "portal.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and re.fullmatch(r"gw\d+", os.environ.get("PYTEST_XDIST_WORKER", "")):
    # Parallel test workers (pytest-xdist, `make test`) share one Redis server: each takes its own
    # database, or one worker's Celery worker thread would run the other's queued tasks on the wrong
    # test database, and one's cache invalidation would reach the other mid-test.
    REDIS_URL = re.sub(r"(/\d+)?$", f"/{int(os.environ['PYTEST_XDIST_WORKER'][2:]) + 1}", REDIS_URL, count=1)
if not DEBUG and not REDIS_URL:
    # Each gunicorn worker would keep scopes and signed-in users in a cache of its own that no other
    # worker's change ever invalidates (a revoked grant would keep working), and tasks would run
    # inside the web request.
    raise ImproperlyConfigured(
        "REDIS_URL is not set. With DEBUG off the portal refuses to start without it: the cache "
        "invalidation between workers and the Celery broker need Redis; see README 'Configuration'."
    )
# Redis down or frozen must not take pages with it: every cache operation gives up after these
# timeouts and the page reads the database instead (core.cache.RedisCache), and after a failure the
# cache is skipped for CACHE_RETRY_SECONDS (one slow request per worker, not every request).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.25)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
if REDIS_URL:
    # Parallel test workers (pytest-xdist) share one Redis: each gets its own key namespace, or one
    # worker's changes would invalidate what another keeps mid-test.
    CACHES = {"default": {
        "BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=env.str("PYTEST_XDIST_WORKER", default="")),
        "OPTIONS": {"socket_connect_timeout": CACHE_SOCKET_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT,
                    "retry_seconds": CACHE_RETRY_SECONDS},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = f"portal.celery:ResultBackend+{REDIS_URL}" if REDIS_URL else None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The periodic tasks are declared by each app (SCHEDULE in <app>/tasks.py) and written into
# django-celery-beat's tables after every migrate (core.schedule); none are declared here.
CELERY_BEAT_SCHEDULE = {}
# A page that queues a task (a dashboard recompute, an import) waits this long for the broker, then
# says the background tasks are unavailable (portal.celery.PortalTask); results are written and
# subscribed to with the same bound, not redis-py's 120 s default.
PORTAL_TASK_PUBLISH_TIMEOUT = env.float("PORTAL_TASK_PUBLISH_TIMEOUT", default=1.0)
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("CELERY_RESULT_TIMEOUT", default=2.0)
# The result store keeps Celery's own reconnection policy: with no retries, one lost connection left the
# worker's result consumer broken until a restart ("the Celery application must be restarted").

# --- Imports (core.tabular.ImportLimits; volunteers.tasks) -------------------------------------
# One set of limits for every path (page, API, Celery, command).
PORTAL_IMPORT_MAX_UPLOAD_MB = env.float("PORTAL_IMPORT_MAX_UPLOAD_MB", default=200)
PORTAL_IMPORT_MAX_UNPACKED_MB = env.float("PORTAL_IMPORT_MAX_UNPACKED_MB", default=600)
PORTAL_IMPORT_MAX_RATIO = env.int("PORTAL_IMPORT_MAX_RATIO", default=100)
PORTAL_IMPORT_MAX_ROWS = env.int("PORTAL_IMPORT_MAX_ROWS", default=1_100_000)
PORTAL_IMPORT_MAX_SECONDS = env.int("PORTAL_IMPORT_MAX_SECONDS", default=30 * 60)
# A running import whose heartbeat is older than this is taken as dead: the redelivered task (or
# the sweep) takes it over; staging tables older than this are dropped.
PORTAL_IMPORT_STALE_SECONDS = env.int("PORTAL_IMPORT_STALE_SECONDS", default=15 * 60)
# Days an uploaded file is kept after its import finished (0: deleted at once).
PORTAL_IMPORT_RETENTION_DAYS = env.int("PORTAL_IMPORT_RETENTION_DAYS", default=0)

# Exports of read-audited records (children's data) are kept encrypted for their maker this many hours.
PORTAL_PROTECTED_EXPORT_HOURS = env.int("PORTAL_PROTECTED_EXPORT_HOURS", default=24)

# --- Auth and sign-in security (等级保护三级) -------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the signed-in user's row kept per process under the shared access version.
    "core.backends.KeptUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failures lock the pair (username, address) for 30 minutes: a whole street office
# behind one NAT address is not locked out by one person's typos.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The lockout page, or under /api/ the API's JSON error shape (429, code "locked_out").
AXES_LOCKOUT_CALLABLE = "core.api.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
# The proxy count applied as DRF's NUM_PROXIES applies it (axes alone would need django-ipware).
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_address"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The public certificate check answers guesses: lookups per client address (axes' address) per minute.
PORTAL_CERTIFICATE_CHECKS_PER_MINUTE = env.int("PORTAL_CERTIFICATE_CHECKS_PER_MINUTE", default=20)

# Sessions: 30 minutes idle, 12 hours absolute (core.middleware.SessionLimitsMiddleware).
PORTAL_SESSION_IDLE_SECONDS = env.int("PORTAL_SESSION_IDLE_SECONDS", default=30 * 60)
PORTAL_SESSION_ABSOLUTE_SECONDS = env.int("PORTAL_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = PORTAL_SESSION_ABSOLUTE_SECONDS
# API tokens end this long after they were issued (and at once when the user's rights change).
PORTAL_TOKEN_TTL_SECONDS = env.int("PORTAL_TOKEN_TTL_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A second factor (TOTP) for administrators, city-level roles and auditors.
PORTAL_OTP_REQUIRED = env.bool("PORTAL_OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = "蚌埠市民政局社区治理平台"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Off only for `make stack` on plain http://127.0.0.1; production serves HTTPS.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- I18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: the project's own plus front-end packages installed from npm -------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/vendor/ holds the few files copied from node_modules by `make assets`
# (scripts/vendor_assets.sh): Bootstrap, htmx, ECharts.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        # Hashed names, served by WhiteNoise with far-future caching. Not pre-compressed: brotli
        # over the API-docs bundles made every collectstatic take a minute for little gain on
        # an intranet; a compressing proxy in front can do it.
        else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Attachments and photos: at most this many bytes each, of the types core/validators.py allows
# (checked by content). Stored files are never served under MEDIA_URL: only through scoped,
# audited download views (the proxy must not serve MEDIA_ROOT either).
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.ScopedFilterBackend",  # automatic filter sets offer only records within scope
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
    # The client's address for rate limits: the one the last of our proxies saw, as the lockout
    # counts it; never the whole X-Forwarded-For header, which the client writes itself.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
}


def _enum_names() -> dict[str, str]:
    """Name every TextChoices class of the apps' choices.py in the OpenAPI schema after itself
    (Stage → "StageEnum"), so fields called "kind" or "channel" in several apps never collide.
    Read as text: settings cannot import the apps."""
    import re

    names = {}
    for path in sorted(BASE_DIR.glob("*/choices.py")):
        for cls in re.findall(r"^class (\w+)\(models\.(?:Text|Integer)Choices\)", path.read_text(), re.M):
            names[f"{cls}Enum"] = f"{path.parent.name}.choices.{cls}"
    return names


SPECTACULAR_SETTINGS = {
    "TITLE": "Community governance portal API",
    "DESCRIPTION": "蚌埠市民政局社区治理平台 API. Every list is scoped to the caller's areas.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": _enum_names(),
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "core.api.schema.tighten_text_and_decimals"],
}

# --- Logging: one line per event, with the request id -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

ADMINS = [("Portal admin", a) for a in env.list("ADMIN_EMAILS", default=[])]
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
