"""Settings shared by every environment; everything site-specific comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "axes",
    "notifications",
    "ltc",
    "activities",
    "customfields",
    "listviews",
    "roles",
    "company",
    "customers",
    "catalog",
    "leads",
    "opportunities",
    "contracts",
    "orders",
    "billing",
    "feedback",
    "pool",
    "search",
    "kpis",
    "rules",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: the policy header also goes on the 413 and error pages below.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the cookie's language: a signed-in user's saved choice (notifications.middleware).
    "notifications.middleware.ReaderLanguageMiddleware",
    "ltc.middleware.RequestSizeLimitMiddleware",
    "ltc.middleware.DebugOnlyLocallyMiddleware",
    # Field-level audit (ltc.audit): the request's user is who changed a record.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ltc.errors.RefusalMiddleware",
    # Last: turns a lockout found while signing in into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (pages pass data through json_script / data- attributes). Styles allow inline style
# attributes, which cannot carry scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# A request body above this is refused with a 413 page before it is read; each upload form
# has its own, smaller limit with its own message.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=12 * 1024 * 1024)
# Debug pages, when DEBUG is on, only for these addresses (ltc.middleware).
INTERNAL_IPS = ["127.0.0.1", "::1"]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ltc.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between requests (a new PostgreSQL connection costs ~8 ms); the health
# check replaces one the server closed before it is used.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer rather than fail at once: runserver and the celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: on short web queries (row-level permission checks) compiling costs ~0.5 s.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt, right password or not, while a user or an address is
    # locked out after repeated failures (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Brute force (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username, or
# from one address, that username or address is locked for AXES_COOLOFF_TIME. Covers the
# login page, the admin and POST /api/v1/auth/token/. Admins reset with `manage.py axes_reset`
# (or axes_reset_username NAME / axes_reset_ip ADDRESS) or by deleting the access attempts in
# the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)  # proxies in front of the app

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development and tests serve straight from the app's static folders; production collects
# them into STATIC_ROOT (see production.py).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Attachments go through Django's storage API: the file system (MEDIA_ROOT, shared by every
# process on one machine or a shared volume) or, with STORAGE_BACKEND=s3, any S3-compatible
# object store (AWS S3, MinIO, Aliyun OSS, Tencent COS), so web processes are interchangeable.
STORAGE_BACKEND = env("STORAGE_BACKEND", default="file")
if STORAGE_BACKEND == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("STORAGE_BUCKET"),
            "endpoint_url": env("STORAGE_ENDPOINT_URL", default=None) or None,
            "access_key": env("STORAGE_ACCESS_KEY", default=None) or None,
            "secret_key": env("STORAGE_SECRET_KEY", default=None) or None,
            "region_name": env("STORAGE_REGION", default=None) or None,
            "location": env("STORAGE_PREFIX", default=""),
            "addressing_style": env("STORAGE_ADDRESSING_STYLE", default="path"),
            "default_acl": None,  # private objects; downloads go through the app's checks
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND != "file":
    raise ValueError(f"STORAGE_BACKEND must be 'file' or 's3', not {STORAGE_BACKEND!r}")

# `make backup` writes here (ltc/backup.py).
BACKUP_DIR = env("BACKUP_DIR", default=str(BASE_DIR / "backups"))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="LTC CRM <crm@example.com>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "notifications.authentication.ReaderTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ltc.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "ltc.api.query.ListFilterBackend",
        "ltc.api.query.ListSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "ltc.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ltc.api.exceptions.exception_handler",
    # Per signed-in user and per anonymous address; the token endpoint has its own tighter
    # scope. Over the rate: 429 with Retry-After. Counts live in the default cache (Redis
    # when REDIS_URL is set, so every worker shares them).
    "DEFAULT_THROTTLE_CLASSES": [
        "ltc.api.throttles.AnonThrottle",
        "ltc.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        "auth-token": env("API_THROTTLE_AUTH_TOKEN", default="10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LTC CRM API",
    "DESCRIPTION": "Lead-to-cash CRM: leads, accounts, contacts, products, activities.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field name ("status") collides across components get a stable name.
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "contracts.models.ContractStatus",
        "FeedbackStatusEnum": "feedback.models.FeedbackStatus",
        "InvoiceStatusEnum": "billing.models.InvoiceStatus",
        "LeadStatusEnum": "leads.models.LeadStatus",
        "OrderStatusEnum": "orders.models.OrderStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ltc.api.schema.document_error_answers",
    ],
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("REDIS_URL", default=""):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL"),
    }

# Celery. With REDIS_URL: a Redis broker and separate worker/beat processes. Without it, the
# embedded default: a file-system transport that needs no server, a worker with embedded beat
# started by `make run`.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Shared state lives in Redis, not in one process's memory: the cache (and with it DRF's
    # throttling counters) and sessions (cached_db: read from Redis, kept in the database
    # too, so a Redis restart logs nobody out).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "ltc",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = BASE_DIR / ".celery-queue"
    for _folder in ("processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
# Separate queues, so a long import or rollup never delays a reminder. A worker consumes the
# queues given with -Q (scripts/serve.sh and docker-compose.yml: all of them); dedicated
# workers per queue scale each part alone.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_QUEUE_NAMES = ["celery", "notifications", "rollups", "imports"]
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "notifications"},
    "activities.tasks.notify_due_follow_ups": {"queue": "notifications"},
    "billing.tasks.email_invoice": {"queue": "notifications"},
    "kpis.tasks.*": {"queue": "rollups"},
    "*.tasks.import_*": {"queue": "imports"},
    "leads.tasks.run_lead_import": {"queue": "imports"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "follow-ups-due": {"task": "activities.tasks.notify_due_follow_ups", "schedule": 60.0},
    "handoff-timers": {"task": "ltc.tasks.check_handoff_timers", "schedule": 300.0},
    "quotes-expire": {"task": "opportunities.tasks.expire_quotes", "schedule": 3600.0},
    "contracts-renewal-reminders": {"task": "contracts.tasks.remind_renewals", "schedule": 3600.0},
    "billing-daily": {"task": "billing.tasks.billing_daily", "schedule": 3600.0},
    "tickets-sla-escalate": {"task": "feedback.tasks.escalate_sla_breaches", "schedule": 300.0},
    "tickets-auto-close": {"task": "feedback.tasks.close_resolved_tickets", "schedule": 3600.0},
    "pool-return-idle": {"task": "pool.tasks.return_idle_to_pool", "schedule": 86400.0},
    # The outbox sweeper: sends emails, bot messages and webhooks queued while the broker
    # was down, and retries failed ones with backoff (notifications/outbox.py).
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep", "schedule": 60.0},
    # Nightly at 01:30 (TIME_ZONE): recompute the trailing 35 days of KPI snapshots.
    "kpi-rollup-nightly": {
        "task": "kpis.tasks.kpi_rollup_nightly",
        "schedule": crontab(hour=1, minute=30),
    },
    # Monday 09:00 (TIME_ZONE): the weekly KPI digest, once per week.
    "kpi-weekly-digest": {
        "task": "kpis.tasks.kpi_weekly_digest",
        "schedule": crontab(hour=9, minute=0, day_of_week=1),
    },
}

# The version stamp of the business rules (rules/store.py) must be seen by every process: the
# web workers and Celery. With Redis it lives there; without, in files on this machine (the
# single-machine set-up of `make run`, whose worker is another process).
if REDIS_URL:
    CACHES["rules"] = {**CACHES["default"], "KEY_PREFIX": "ltc-rules"}
else:
    CACHES["rules"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / ".cache" / "rules"),
    }

# Business rules a company tunes. Those a manager edits in the browser (rules/specs.py) take
# these as defaults only: the values in force are read through rules.accessors.
LTC = {
    "DEFAULT_CURRENCY": env("DEFAULT_CURRENCY", default="CNY"),
    "CURRENCIES": ["CNY", "USD", "EUR", "HKD", "JPY", "GBP"],
    # Hand-off timers (ltc/timers.py): target hours per hand-off; past the target the owner
    # is reminded, past target × factor the team lead (or the managers) are notified.
    "HANDOFF_TARGET_HOURS": {
        "lead_assignment": env.float("HANDOFF_LEAD_ASSIGNMENT_HOURS", default=4),
        "lead_first_touch": env.float("LEAD_FIRST_TOUCH_HOURS", default=24),
        "opportunity_quote": env.float("HANDOFF_OPPORTUNITY_QUOTE_HOURS", default=72),
        "quote_sign_off": env.float("HANDOFF_QUOTE_SIGN_OFF_HOURS", default=24),
        "ticket_first_response": env.float("TICKET_FIRST_RESPONSE_HOURS", default=4),
    },
    "HANDOFF_ESCALATE_FACTOR": env.float("HANDOFF_ESCALATE_FACTOR", default=2),
    # Per hand-off factor (hand-off name -> factor); a hand-off not named uses the one above.
    "HANDOFF_ESCALATE_FACTORS": {},
    # The base of absolute links (emails, bot messages, survey links and QR codes). Unset:
    # pages use the address they were requested at, background messages
    # http://127.0.0.1:8000; scripts/serve.sh sets it from the address it serves on.
    "SITE_URL": env("SITE_URL", default=""),
    # Let bot/webhook URLs point at private or loopback addresses (on-premise chat servers).
    "WEBHOOK_ALLOW_PRIVATE": env.bool("WEBHOOK_ALLOW_PRIVATE", default=False),
    # Quote discount policy (%): above the first a manager signs off, above the second
    # finance too; at or below the first, submit approves the quote at once.
    "QUOTE_DISCOUNT_MANAGER_PCT": env.int("QUOTE_DISCOUNT_MANAGER_PCT", default=10),
    "QUOTE_DISCOUNT_FINANCE_PCT": env.int("QUOTE_DISCOUNT_FINANCE_PCT", default=20),
    # The roles that sign above each of the two gates (above the second: both lists).
    "QUOTE_DISCOUNT_MANAGER_SIGNERS": ["manager"],
    "QUOTE_DISCOUNT_FINANCE_SIGNERS": ["finance"],
    # A new quote is valid for this many days.
    "QUOTE_VALIDITY_DAYS": env.int("QUOTE_VALIDITY_DAYS", default=30),
    # Tax rates (%) offered for products and lines, and the one a new product starts with.
    "TAX_RATES": ["13", "9", "6", "3", "0"],
    "DEFAULT_TAX_RATE": env("DEFAULT_TAX_RATE", default="13"),
    # Where leads come from: key, English and Chinese name; "active": False retires one (no
    # longer offered, still shown on the records that have it).
    "LEAD_SOURCES": [
        {"value": "web", "en": "Web form", "zh": "网页表单"},
        {"value": "referral", "en": "Referral", "zh": "转介绍"},
        {"value": "event", "en": "Event", "zh": "活动/展会"},
        {"value": "campaign", "en": "Campaign", "zh": "营销活动"},
        {"value": "cold_call", "en": "Cold call", "zh": "陌生拜访"},
        {"value": "partner", "en": "Partner", "zh": "合作伙伴"},
        {"value": "import", "en": "Import", "zh": "导入"},
        {"value": "api", "en": "API", "zh": "API"},
        {"value": "other", "en": "Other", "zh": "其他"},
    ],
    # Default probability (%) of an opportunity entering each open stage; won is 100, lost 0.
    "STAGE_PROBABILITY": {
        "qualification": 10,
        "needs_analysis": 20,
        "proposal": 50,
        "negotiation": 75,
    },
    # Contracts above this total (in the default currency) need finance and manager sign-off.
    "CONTRACT_VALUE_THRESHOLD": env.int("CONTRACT_VALUE_THRESHOLD", default=1000000),
    # Days before a contract's end date at which the owner is reminded to renew (once each).
    "RENEWAL_REMINDER_DAYS": env.list("RENEWAL_REMINDER_DAYS", cast=int, default=[60, 30]),
    # Hours a confirmed order may wait for fulfilment before the operations manager is told.
    "ORDER_FULFILMENT_START_HOURS": env.int("ORDER_FULFILMENT_START_HOURS", default=24),
    # Days past due at which the customer is reminded of an invoice (once each).
    "DUNNING_DAYS": env.list("DUNNING_DAYS", cast=int, default=[3, 10, 30]),
    "INVOICE_NUMBER_PREFIX": "INV",
    # Customer service (feedback/): SLA targets per ticket priority, in business hours.
    "SLA": {
        "urgent": {"first_response_hours": 1, "resolution_hours": 8},
        "high": {"first_response_hours": 2, "resolution_hours": 16},
        "normal": {"first_response_hours": 4, "resolution_hours": 36},
        "low": {"first_response_hours": 8, "resolution_hours": 72},
    },
    # When the SLA clock runs (TIME_ZONE): hours of the working weekdays (0 = Monday),
    # holidays (ISO dates) on which it stops and working weekend days (调休) on which it runs.
    # The calendar of each year is data (rules app, seeded with 2026 and 2027, edited in the
    # browser); HOLIDAYS and WORKDAYS here only serve a year that has no stored calendar.
    "BUSINESS_HOURS": {
        "start": env("BUSINESS_HOURS_START", default="09:00"),
        "end": env("BUSINESS_HOURS_END", default="18:00"),
        "weekdays": env.list("BUSINESS_WEEKDAYS", cast=int, default=[0, 1, 2, 3, 4]),
    },
    "HOLIDAYS": env.list("HOLIDAYS", default=[]),
    "WORKDAYS": env.list("WORKDAYS", default=[]),
    # Resolved tickets close by themselves after this many days.
    "TICKET_AUTO_CLOSE_DAYS": env.int("TICKET_AUTO_CLOSE_DAYS", default=7),
    # Survey links (signed, single use) stop working after this many days.
    "SURVEY_LINK_MAX_AGE_DAYS": env.int("SURVEY_LINK_MAX_AGE_DAYS", default=30),
    # Public pool (pool/): leads and accounts idle this many days lose their owner; each
    # salesperson claims at most this many a day.
    "POOL_RETURN_DAYS": env.int("POOL_RETURN_DAYS", default=30),
    "POOL_DAILY_CLAIM_LIMIT": env.int("POOL_DAILY_CLAIM_LIMIT", default=5),
    # Uploads (ltc/uploads.py): the largest file accepted, and for XLSX (a zip) the most its
    # parts may expand to, overall and per part; importers read at most this many lines
    # (blank ones included) and cells of at most this many characters.
    "UPLOAD_MAX_BYTES": env.int("UPLOAD_MAX_MB", default=10) * 1024 * 1024,
    "UPLOAD_MAX_EXPANDED_BYTES": env.int("UPLOAD_MAX_EXPANDED_MB", default=64) * 1024 * 1024,
    "UPLOAD_MAX_ZIP_RATIO": env.int("UPLOAD_MAX_ZIP_RATIO", default=100),
    "UPLOAD_MAX_ZIP_ENTRIES": 1000,
    "IMPORT_MAX_SCANNED_ROWS": env.int("IMPORT_MAX_SCANNED_ROWS", default=100_000),
    "IMPORT_MAX_CELL_CHARS": env.int("IMPORT_MAX_CELL_CHARS", default=32_767),
    # API tokens stop working this many days after they were issued (0: never).
    "API_TOKEN_TTL_DAYS": env.int("API_TOKEN_TTL_DAYS", default=0),
    # The customer's acceptance document (验收单) uploaded with an order's acceptance.
    "ACCEPTANCE_DOCUMENT_MAX_MB": env.int("ACCEPTANCE_DOCUMENT_MAX_MB", default=10),
}

# Request bodies other than files (forms, JSON) are refused above 5 MB; uploaded files above
# 2.5 MB go to a temporary file instead of memory, and are then refused above
# LTC["UPLOAD_MAX_BYTES"] by the form or serializer that takes them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# Searches read from PostgreSQL's statistics which trigrams most rows of a search column hold,
# and leave them out of the index scan (ltc/searchtext.py, search_q).
SEARCH_TRIGRAM_STATISTICS = env.bool("SEARCH_TRIGRAM_STATISTICS", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
