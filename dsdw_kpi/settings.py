"""Settings for DSDW KPI, read from the environment (see .env.example).

With nothing set the app runs on SQLite with Celery tasks executed eagerly (the quick start);
DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import fontpkg_sarabun
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dsdw_kpi.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "simple_history",
    "nested_admin",
    "indicators",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dsdw_kpi.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "dsdw_kpi.urls"
WSGI_APPLICATION = "dsdw_kpi.wsgi.application"
ASGI_APPLICATION = "dsdw_kpi.asgi.application"

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
                "indicators.context_processors.roles",
            ],
        },
    },
]

_database_url = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Thai first, English through Django's i18n.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("ไทย")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Sarabun (fontpkg-sarabun) is served for the pages; the PDFs embed the same files.
SARABUN_DIR = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
STATICFILES_DIRS = [BASE_DIR / "static", ("fonts/sarabun", SARABUN_DIR)]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence files: never under a public URL; the evidence view checks who may see each file.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "media" / "private")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "COERCE_DECIMAL_TO_STRING": True,
}

# Celery: a real broker when REDIS_URL is set, otherwise tasks run eagerly in-process (quick start only).
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TIMEZONE = TIME_ZONE
# With Redis, the unacknowledged message of a killed worker comes back only after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
    # A page that queues a task must not hang on a broker that is down: fail fast, the outbox rows stay queued
    # and the sweep hands them over when the broker is back.
    "socket_connect_timeout": env_int("CELERY_BROKER_CONNECT_TIMEOUT", 1),
    "max_retries": 0,  # publishing: one connection attempt (the worker's own consumer reconnects by itself)
    "socket_timeout": env_int("CELERY_BROKER_SOCKET_TIMEOUT", 5),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECT_TIMEOUT", 1)
# Report batches (reporting/batches/): the worker rendering a shard of a run holds a lease, renewed after every
# document; a shard whose lease expired (its worker died) is re-queued when a worker starts and by the beat task
# below. The lease must outlast the slowest single document.
REPORT_RUN_LEASE_SECONDS = env_int("REPORT_RUN_LEASE_SECONDS", 180)
REPORT_RUN_QUEUE = env_str("REPORT_RUN_QUEUE", "celery")
# A batch is split into this many messages (each with its own lease), so as many workers can render it at once.
REPORT_RUN_SHARDS = env_int("REPORT_RUN_SHARDS", 4)
# Tests only: pause after each document so a test can kill the worker mid-batch (0 in production).
REPORT_RUN_ITEM_DELAY_MS = env_int("REPORT_RUN_ITEM_DELAY_MS", 0)
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "indicators.tasks.send_deadline_reminders",
        "schedule": env_int("REMINDER_INTERVAL_SECONDS", 24 * 60 * 60),
    },
    "sweep-score-jobs": {
        "task": "reporting.tasks.sweep_score_jobs",
        "schedule": env_int("SCORE_SWEEP_SECONDS", 60),
    },
    "recover-report-runs": {
        "task": "reporting.tasks.recover_report_runs",
        "schedule": env_int("REPORT_RUN_RECOVERY_SECONDS", 60),
        "options": {"queue": REPORT_RUN_QUEUE},
    },
}
# Reminders go out this many days before a round's entry deadline (each once per person, unit and round).
REMINDER_DAYS_BEFORE = tuple(int(d) for d in env_list("REMINDER_DAYS_BEFORE", ["7", "3", "1"]))
# The address in e-mail links; scripts/run.sh exports the one the server was started on when this is unset.
SITE_URL = env_url("SITE_URL", ("http", "https")) or "http://127.0.0.1:8000"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dsdw-kpi@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools log every rendering step at INFO; keep their warnings only.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Where the source documents' structured data lives (a sibling checkout of shared/).
DSDW_SHARED_DIR = Path(env_str("DSDW_SHARED_DIR", str(BASE_DIR.parent / "shared")))
