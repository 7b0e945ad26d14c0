"""Settings for Safe Harbor, read from environment variables with safe defaults.

SQLite in $SAFEHARBOR_HOME by default; DATABASE_URL=postgres://... switches to PostgreSQL.
"""

from pathlib import Path

import dj_database_url

from safeharbor.lib.home import (
    env_bool,
    env_int,
    env_list,
    env_str,
    home_dir,
    new_secret_key,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent
HOME = home_dir()

SECRET_KEY = persistent_secret("SECRET_KEY", "secret_key", new_secret_key)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "平安港湾")
DEMO_MODE = env_bool("SAFEHARBOR_DEMO", False)

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "safeharbor.core",
    "safeharbor.matters",
    "safeharbor.intake",
    "safeharbor.open311",
    "safeharbor.routing",
    "safeharbor.notifications",
    "safeharbor.mediation",
    "safeharbor.services",
    "safeharbor.campus",
    "safeharbor.campaigns",
    "safeharbor.publicity",
    "safeharbor.surveys",
    "safeharbor.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "safeharbor.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeharbor.core.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "safeharbor.core.middleware.LoginRequiredMiddleware",
    "safeharbor.core.middleware.TwoFactorRequiredMiddleware",
    # Last, as django-axes asks: it turns lockouts into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeharbor.urls"
WSGI_APPLICATION = "safeharbor.wsgi.application"

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
                "safeharbor.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "safeharbor.core.sqlite",  # django.db.backends.sqlite3 + a writers queue
            "NAME": HOME / "safeharbor.sqlite3",
            # Kept open between requests, as on PostgreSQL: opening one and running the
            # PRAGMAs below costs more than a resident's whole report otherwise.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE: a writing transaction takes the lock at BEGIN, so two writers
                # queue instead of failing with "database is locked" half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # wal_autocheckpoint: a safety net only (40 MB of log); checkpoints are made
                # outside the writers' lock by safeharbor.core.sqlite.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;"
                ),
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_NAME") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0) or None

# Two-factor log-in (TOTP): these roles may turn it on; with TWO_FACTOR_REQUIRED they must.
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["admin", "leader"])
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = env_str("SITE_NAME", "平安港湾")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # checked over plain HTTP from inside
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    # Behind TLS the cookies go over HTTPS only, whatever SECURE_COOKIES says.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# A district platform usually lives on a subdomain of a government domain whose other hosts it
# does not control: HSTS for subdomains and preloading are the operator's decision
# (HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD), so `check --deploy` does not warn about them.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from our own static files — no inline
# scripts, no event-handler attributes, no eval; behaviours are declared with data-attributes
# (static/js/site.js). Inline style attributes stay allowed (layout tweaks in templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Personal data encryption ------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FIRST_DAY_OF_WEEK = 1

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class, so that
    # unauthenticated requests answer 401 (SessionAuthentication alone would give 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "safeharbor.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safe Harbor API (平安港湾)",
    "DESCRIPTION": "Grassroots social-governance platform. Session auth for the browser, "
    "`Authorization: Token <token>` for programs (POST /api/auth/token/).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One stable name per choice set where field names collide across the modules (else the
    # schema gets hashed names like "Kind9f7Enum" that change when a choice is added).
    "ENUM_NAME_OVERRIDES": {
        "MatterStatusEnum": "safeharbor.matters.models.Matter.Status",
        "MatterSourceEnum": "safeharbor.matters.models.Matter.Source",
        "SurveyStatusEnum": "safeharbor.surveys.models.Survey.Status",
        "DisputeKindEnum": "safeharbor.mediation.models.Case.Kind",
        "CaseSourceEnum": "safeharbor.mediation.models.Case.Source",
        "RiskLevelEnum": "safeharbor.mediation.models.Case.Risk",
        "PartyKindEnum": "safeharbor.mediation.models.Party.Kind",
        "JudicialConfirmationEnum": "safeharbor.mediation.models.Case.Confirmation",
        "PerformanceEnum": "safeharbor.mediation.models.Case.Performance",
        "HazardKindEnum": "safeharbor.campus.models.Hazard.Kind",
        "IncidentKindEnum": "safeharbor.campus.models.Incident.Kind",
        "PsychRiskEnum": "safeharbor.campus.models.PsychCase.Risk",
    },
}

# --- Cache (rate limits of the public pages) ---------------------------------------------
# A cache shared by all web processes: files in the data directory by default, Redis in
# production (CACHE_URL=redis://127.0.0.1:6379/1).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HOME / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)  # the public views apply the limits themselves
# Resident submissions per client (IP): a family reporting several things is fine, a script is not.
REPORT_RATE = env_str("REPORT_RATE", "10/m")
TRACK_RATE = env_str("TRACK_RATE", "30/m")
ME_TOO_RATE = env_str("ME_TOO_RATE", "20/m")
SURVEY_RATE = env_str("SURVEY_RATE", "20/h")  # answers per client and questionnaire (open links)
OPEN311_POST_RATE = env_str("OPEN311_POST_RATE", "60/m")  # per API key

# --- Tasks ------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Matter deadlines and the sweep ------------------------------------------------------
SWEEP_WARN_HOURS = env_int("SWEEP_WARN_HOURS", 24)  # warn at most this long before a deadline
SWEEP_SUPERVISE_AFTER_HOURS = env_int("SWEEP_SUPERVISE_AFTER_HOURS", 0)  # overdue → 督办
SWEEP_ESCALATE_AFTER_HOURS = env_int("SWEEP_ESCALATE_AFTER_HOURS", 24)  # overdue → parent area
SWEEP_INTERVAL_SECONDS = env_int("SWEEP_INTERVAL_SECONDS", 60)
SUPERVISION_REPLY_WORKDAYS = env_int("SUPERVISION_REPLY_WORKDAYS", 2)
METRICS_TOKEN = env_str("METRICS_TOKEN", "")  # /metrics from other hosts needs this bearer token
ROUTING_RETRAIN_HOURS = env_int("ROUTING_RETRAIN_HOURS", 24)  # the worker retrains the classifier

# --- Notifications: staff email, resident SMS (safeharbor/notifications) -------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "safeharbor@localhost")
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")  # links in messages
SMS_GATEWAY = env_str("SMS_GATEWAY", "outbox")  # outbox | file | email | http | dotted.path.Class
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET")  # signs outgoing posts and checks inbound replies
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(HOME / "sms.jsonl"))
SMS_EMAIL_ADDRESS = env_str("SMS_EMAIL_ADDRESS", "{phone}@sms.invalid")
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【平安港湾】")
SMS_QUIET_START = env_int("SMS_QUIET_START", 22)  # no SMS from this hour (Asia/Shanghai)...
SMS_QUIET_END = env_int("SMS_QUIET_END", 8)  # ...until this hour, except urgent matters
SMS_DAILY_LIMIT = env_int("SMS_DAILY_LIMIT", 5)  # per phone number per day; the rest wait a day
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5)
SMS_RETRY_SECONDS = env_int("SMS_RETRY_SECONDS", 60)  # first retry; doubles each time
NOTIFY_SEND_INTERVAL_SECONDS = env_int("NOTIFY_SEND_INTERVAL_SECONDS", 30)
NOTIFY_DIGEST_HOUR = env_int("NOTIFY_DIGEST_HOUR", 8)  # daily digest email from this hour on
