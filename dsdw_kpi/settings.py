"""Settings for DSDW KPI, read from the environment (see .env.example).

With nothing set the app runs on SQLite with Celery tasks executed eagerly (the quick start);
DATABASE_URL and REDIS_URL switch to PostgreSQL and a real broker.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import fontpkg_sarabun
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

from dsdw_kpi.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_secret_key,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# --- Security from the environment (.env.production.example lists every variable) ---
# DEBUG=0 (the default) gives the safe production values, DEBUG=1 the convenient ones for a laptop; each can be
# overridden by its variable. A missing, short, repetitive or placeholder SECRET_KEY stops the start when DEBUG=0.
_PRODUCTION = not DEBUG
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG, dev_default="dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # the local health probe speaks plain HTTP to gunicorn
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _PRODUCTION)
# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto itself: "HTTP_X_FORWARDED_PROTO,https".
# Unset by default: trusting the header without such a proxy lets a client claim HTTPS.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A working day in production (the idle timeout below ends idle sessions sooner), two weeks on a laptop.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60 if _PRODUCTION else 14 * 24 * 60 * 60)
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

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
    "axes",  # lockout of failed logins per account and per address
    "django_otp",  # optional TOTP second step
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dsdw_kpi.accounts",  # password change/reset, TOTP pages, idle sessions (no models)
    "ops",
    "outbox",  # tasks and e-mails recorded with the change, handed to Celery after commit
    "audit",  # append-only audit log of sign-ins, rights, unit assignments and downloads
    "indicators",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files with DEBUG=0 (see the static files block)
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (block at the end of this file)
    "dsdw_kpi.uploads.RequestSizeLimitMiddleware",  # refuse a body over UPLOAD_MAX_REQUEST_BYTES unread
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dsdw_kpi.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditRequestMiddleware",  # actor, address and user agent of audit rows
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "django.contrib.messages.middleware.MessageMiddleware",
    "dsdw_kpi.accounts.middleware.IdleSessionTimeoutMiddleware",  # SESSION_IDLE_TIMEOUT
    "dsdw_kpi.accounts.middleware.OTPPolicyMiddleware",  # the code step and OTP_REQUIRED
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused (locked-out) login into the Thai lockout page
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

# --- Databases ---
# PostgreSQL: connections live DB_CONN_MAX_AGE seconds and are health-checked (SELECT 1) before their first use in
# each request, and, through Celery's Django fix-up (which calls close_if_unusable_or_obsolete before every task),
# in each task: after a PostgreSQL restart the stale connection is replaced instead of failing the request or task.
# SQLite (quick start): WAL so readers never wait for a writer, IMMEDIATE transactions so two saves queue on the
# write lock (a DEFERRED read-then-write transaction fails at once with "database is locked"), and a busy timeout.
_database_url = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
    }
else:
    # A database host that does not answer fails the request (and /healthz/) after this many seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in (lockout, passwords, idle sessions, optional TOTP; docs/deployment.md "Sign-in") ---
AUTHENTICATION_BACKENDS = [
    # First: a login refused by the lockout stops here, before any password is hashed (django-axes' check).
    "dsdw_kpi.accounts.backends.LockoutBackend",
    # Django's ModelBackend, reading the user's person in the same query (replaced the plain ModelBackend in
    # the upgrade of 2026-12: sessions signed in before it ask their users to sign in once more)
    "dsdw_kpi.accounts.backends.ModelBackendWithPerson",
]
# Failed logins counted per username AND per client address: either reaching the limit locks (the right password
# included) for AXES_COOLOFF_MINUTES (0 = until an administrator unlocks: admin "Access attempts" or
# `python manage.py axes_reset_username <username>` / `axes_reset_ip <address>`). A success clears the counters.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
_axes_cooloff_minutes = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cooloff_minutes) if _axes_cooloff_minutes > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused before any password is hashed and do not extend the cool-off (it runs from
# the lockout); the audit log keeps one "failed login" row per refused attempt (marked locked_out) as evidence.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "dsdw_kpi.accounts.lockout.lockout_response"
# Password reset e-mails to one address within an hour (more requests answer the same page, send nothing); 0 = no
# limit.
PASSWORD_RESET_EMAILS_PER_HOUR = env_int("PASSWORD_RESET_EMAILS_PER_HOUR", 3)
AXES_CLIENT_IP_CALLABLE = "dsdw_kpi.accounts.client_ip.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log (audit app), not twice
# Number of reverse proxies in front of Django that append to X-Forwarded-For (nginx: proxy_add_x_forwarded_for).
# 0 (default): the header is ignored and REMOTE_ADDR is the client, so nobody can forge an address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "dsdw_kpi.accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "dsdw_kpi.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "dsdw_kpi.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "dsdw_kpi.accounts.passwords.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)  # the e-mailed link works for one hour
# Idle sessions end after SESSION_IDLE_TIMEOUT seconds without a request (0 = off); the last-request time is written
# to the session at most once per SESSION_IDLE_TOUCH_SECONDS, never on every request.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_IDLE_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_SAVE_EVERY_REQUEST = False
# OTP_REQUIRED=none: TOTP is optional for everyone; superusers / staff: those users must enrol and give a code
# before any page of the app or the admin. Anyone who enrolled gives a code after the password.
OTP_REQUIRED = env_choice("OTP_REQUIRED", "none", ("none", "superusers", "staff"))
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "DSDW KPI")
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
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# --- Static files ---
# whitenoise serves them from gunicorn. STATIC_MANIFEST=1 (default when DEBUG=0): `collectstatic` writes compressed
# (gzip) copies under hashed names to STATIC_ROOT and the pages link those, cached for a year. It needs
# `collectstatic` before the start (scripts/serve.sh runs it). STATIC_MANIFEST=0 (DEBUG=1, and the tests, which never
# run collectstatic): plain names served straight from the source folders through the finders, looked up per request.
# The PDF renderer reads the source files through the finders either way (reporting/pdf/render.py).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", _PRODUCTION)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence files: never under a public URL; the evidence view checks who may see each file.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "media" / "private")))
# --- Uploads, evidence quotas and private file modes (docs/input-limits.md, "Files") ---
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# A request body over this is answered 413 before Django reads a byte of it (dsdw_kpi/uploads.py); the web server in
# front refuses the same size first (docs/deployment.md: client_max_body_size).
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", EVIDENCE_MAX_BYTES + 1024 * 1024)
EVIDENCE_RESULT_QUOTA_BYTES = env_int("EVIDENCE_RESULT_QUOTA_BYTES", 50 * 1024 * 1024)
EVIDENCE_RESULT_MAX_FILES = env_int("EVIDENCE_RESULT_MAX_FILES", 20)
EVIDENCE_UNIT_QUOTA_BYTES = env_int("EVIDENCE_UNIT_QUOTA_BYTES", 1024 * 1024 * 1024)  # per unit and fiscal year
EVIDENCE_IMAGE_MAX_PIXELS = env_int("EVIDENCE_IMAGE_MAX_PIXELS", 50_000_000)
EVIDENCE_ZIP_MAX_ENTRIES = env_int("EVIDENCE_ZIP_MAX_ENTRIES", 1000)
EVIDENCE_ZIP_MAX_EXPANDED_BYTES = env_int("EVIDENCE_ZIP_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
EVIDENCE_ZIP_MAX_RATIO = env_int("EVIDENCE_ZIP_MAX_RATIO", 100)
# Files above this go to a temporary file (mode 0600) instead of memory; form data (files excluded) is capped lower
# than a file, since the longest entry form is well under 1 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

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
# ---- Celery queues and routing (part "prod-start"; docs/deployment.md has one worker per queue) ----------------
# scores: score recomputes; documents: report batches and any document task; email: notifications, reminders and
# the outbox's e-mails; celery (the default): everything else (outbox dispatcher, worker heartbeat, copy-forward).
# A worker started without -Q consumes all of them (CELERY_TASK_QUEUES); REPORT_RUN_QUEUE may name another one.
REPORT_RUN_QUEUE = env_str("REPORT_RUN_QUEUE", "documents")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name)
    for name in dict.fromkeys(["celery", "scores", "documents", "email", REPORT_RUN_QUEUE])
]
CELERY_TASK_ROUTES = {
    "reporting.tasks.drain_score_jobs": {"queue": "scores"},
    "reporting.tasks.sweep_score_jobs": {"queue": "scores"},
    "reporting.tasks.render_report_run": {"queue": REPORT_RUN_QUEUE},
    "reporting.tasks.recover_report_runs": {"queue": REPORT_RUN_QUEUE},
    "reporting.tasks.render_*": {"queue": "documents"},
    "indicators.tasks.notify_*": {"queue": "email"},
    "indicators.tasks.send_deadline_reminders": {"queue": "email"},
    "outbox.tasks.send_email": {"queue": "email"},
}
# ---- end of part "prod-start" ---------------------------------------------------------------------------------
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
    "dispatch-outbox": {  # hand pending outbox rows to the broker, prune old done rows
        "task": "outbox.tasks.dispatch_outbox",
        "schedule": env_int("OUTBOX_DISPATCH_SECONDS", 10),
    },
    "recover-report-runs": {
        "task": "reporting.tasks.recover_report_runs",
        "schedule": env_int("REPORT_RUN_RECOVERY_SECONDS", 60),
        "options": {"queue": REPORT_RUN_QUEUE},
    },
}
# --- Outbox: tasks and e-mails are rows of outbox.OutboxMessage, handed to Celery after commit ---
# A pending row the broker did not take is retried after 5 s, 10 s, 20 s … at most OUTBOX_BACKOFF_MAX_SECONDS;
# the dispatcher (beat, every OUTBOX_DISPATCH_SECONDS, and when a worker starts) hands over up to
# OUTBOX_DISPATCH_BATCH rows a run. A row the broker took that no worker finished within OUTBOX_REDELIVER_SECONDS is
# handed over again (a duplicate is skipped). An e-mail is tried OUTBOX_EMAIL_MAX_RETRIES times more after an SMTP
# error, then marked failed (the admin can send it again). Done rows are deleted after OUTBOX_RETENTION_DAYS.
OUTBOX_BACKOFF_MAX_SECONDS = env_int("OUTBOX_BACKOFF_MAX_SECONDS", 60)
OUTBOX_DISPATCH_BATCH = env_int("OUTBOX_DISPATCH_BATCH", 200)
OUTBOX_REDELIVER_SECONDS = env_int("OUTBOX_REDELIVER_SECONDS", 2 * 60 * 60)
OUTBOX_EMAIL_MAX_RETRIES = env_int("OUTBOX_EMAIL_MAX_RETRIES", 8)
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 30)
# --- end of outbox ---
# Reminders go out this many days before a round's entry deadline (each once per person, unit and round).
REMINDER_DAYS_BEFORE = tuple(int(d) for d in env_list("REMINDER_DAYS_BEFORE", ["7", "3", "1"]))
# The address in e-mail links; scripts/run.sh exports the one the server was started on when this is unset.
SITE_URL = env_url("SITE_URL", ("http", "https")) or "http://127.0.0.1:8000"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder the messages are written to (part
# outbox: the broker-outage test reads what a worker process sent there).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "tmp" / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dsdw-kpi@localhost")
# The department's SMTP relay (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds; a hung relay fails the task, which the outbox retries
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging for operators ---
# One line per event with time, level, logger and process on stderr (journald keeps it under systemd);
# LOG_FORMAT=json writes one JSON object per line instead; LOG_FILE also appends to that file (reopened when
# logrotate moves it). Request errors (django.request: 5xx with traceback, 4xx as warnings) and security events
# (django.security: bad Host headers, CSRF failures) reach the same handlers.
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ("text", "json"))
LOG_FILE = env_str("LOG_FILE")
_log_handlers: dict[str, dict[str, str]] = {
    "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
}
if LOG_FILE:
    _log_handlers["file"] = {"class": "logging.handlers.WatchedFileHandler", "filename": LOG_FILE, "formatter": LOG_FORMAT}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
        "json": {"()": "ops.logformat.JsonFormatter"},
    },
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": LOG_LEVEL},
    "loggers": {
        # Django's own "django" logger prints only when DEBUG=1; these propagate to the handlers above.
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "WARNING"},
        # WeasyPrint and fontTools log every rendering step at INFO; keep their warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Where the source documents' structured data lives (a sibling checkout of shared/).
DSDW_SHARED_DIR = Path(env_str("DSDW_SHARED_DIR", str(BASE_DIR.parent / "shared")))

# --- Content-Security-Policy (issue 9): django-csp 4.x. The pages carry no inline script, style,
# style="" or on*="" handler; everything comes from /static/ (JSON for scripts through json_script). Images may be
# data: URIs (the favicon, QR codes). CSP_REPORT_URI: where browsers report violations ("" = no reports);
# the default is the app's own endpoint, which logs them (dsdw_kpi/csp_report.py, logger "dsdw_kpi.csp").
CSP_REPORT_URI = env_str("CSP_REPORT_URI", "/csp-report/")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [CSP_REPORT_URI]} if CSP_REPORT_URI else {}),
    },
}

# --- Health check (/healthz/, ops app) ---
# Celery beat runs ops.tasks.heartbeat every HEALTH_HEARTBEAT_SECONDS; a worker writes the time into the database
# (table ops_workerheartbeat). /healthz/ answers 503 when the newest heartbeat is older than HEALTH_WORKER_MAX_AGE.
HEALTH_HEARTBEAT_SECONDS = env_int("HEALTH_HEARTBEAT_SECONDS", 30)
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 180)
HEALTH_BROKER_TIMEOUT = env_int("HEALTH_BROKER_TIMEOUT", 1)
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "ops.tasks.heartbeat",
    "schedule": HEALTH_HEARTBEAT_SECONDS,
    "options": {"expires": HEALTH_HEARTBEAT_SECONDS},  # a heartbeat stuck in a queue says nothing: drop it
}

# --- Stored PDF renderings (reporting/pdf/store.py) ---
# A scorecard PDF whose printed content (and renderer version) was already rendered today is served from this
# directory instead of being rendered again; the key is a hash of that content, so changed data never gets an old
# file. Files are 0600; beyond DOCUMENT_CACHE_MAX_FILES the oldest are removed; 0 turns the store off.
DOCUMENT_CACHE_DIR = Path(env_str("DOCUMENT_CACHE_DIR", str(PRIVATE_MEDIA_ROOT / "document-cache")))
DOCUMENT_CACHE_MAX_FILES = env_int("DOCUMENT_CACHE_MAX_FILES", 2000)
# Each process keeps a year's structure (frameworks, indicators, criteria, targets, policy) while the database's
# structure token is unchanged (indicators/year_structure.py); 0 reads it on every request (for comparisons).
STRUCTURE_CACHE = env_bool("STRUCTURE_CACHE", True)
