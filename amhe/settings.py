"""Django settings for AMHE.

One settings file, configured from the environment (see `.env.example`).
With nothing set it runs on a laptop with no services: SQLite and an
embedded (filesystem) Celery broker. `DATABASE_URL` switches to PostgreSQL,
`REDIS_URL` to Redis.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from amhe.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("AMHE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Check every chart with plotly.graph_objects as it is built (amhe/analysis/charts.py): on in
# development and tests, off in production where it would cost ~10 ms a chart.
AMHE_VALIDATE_CHARTS = env_bool("AMHE_VALIDATE_CHARTS", DEBUG)

_DEV_SECRET = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfiguredEnv(
            "SECRET_KEY must be set when DEBUG is off. For local work set DEBUG=1 (the Makefile does)."
        )
    SECRET_KEY = _DEV_SECRET

# The key of the pseudonyms stored in place of person identifiers (NHS numbers, record
# IDs): HMAC-SHA256 of the identifier under this key (identify/engine/pseudonyms.py).
# Kept in the environment only, never in the database, so a copy of the database
# cannot be linked back to people. Changing it changes every pseudonym (README: key
# rotation).
_DEV_PSEUDONYM_KEY = "insecure-development-pseudonym-key-only-used-when-DEBUG-is-on"  # noqa: S105
AMHE_PSEUDONYM_KEY = env_str("AMHE_PSEUDONYM_KEY")
if not AMHE_PSEUDONYM_KEY:
    if not DEBUG:
        raise ImproperlyConfiguredEnv(
            "AMHE_PSEUDONYM_KEY must be set when DEBUG is off: 32 or more random characters, kept secret and "
            "backed up apart from the database, e.g. from "
            'python -c "import secrets; print(secrets.token_urlsafe(32))". '
            "For local work set DEBUG=1 (the Makefile does)."
        )
    AMHE_PSEUDONYM_KEY = _DEV_PSEUDONYM_KEY
elif len(AMHE_PSEUDONYM_KEY) < 32:
    raise ImproperlyConfiguredEnv("AMHE_PSEUDONYM_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "csp",
    "axes",
    "simple_history",
    "django_ratelimit",
    # Two-factor sign-in: authenticator-app (TOTP) devices and one-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "amhe.core",
    "amhe.surveys",
    "identify",
    "research",
    "deliver",
    "evaluate",
    "reports",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Refused requests (403, 404 on project objects) and downloads go to the audit log.
    "amhe.core.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session timeouts, then two-factor enforcement (amhe/core/two_factor.py).
    "amhe.core.two_factor.SessionTimeoutMiddleware",
    "amhe.core.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "amhe.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "amhe.wsgi.application"

# --- Database ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfiguredEnv("DATABASE_URL must be a postgres:// or sqlite:// URL.")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "amhe.sqlite3",
            "OPTIONS": {
                # The web process and the worker write to the same file: WAL and
                # IMMEDIATE transactions avoid "database is locked" under load.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file (not memory) so a real Celery worker process can open it.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("TEST", {})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication ----------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect single sign-on: answers only the SSO callback, and only when configured.
    "amhe.core.oidc.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account after repeated failed logins from one address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Counted on the email as logins match it (trimmed, lower-case), so changing its
# capitals gets no fresh allowance; one page for every locked attempt.
AXES_USERNAME_CALLABLE = "amhe.core.accounts.axes_username"
AXES_LOCKOUT_CALLABLE = "amhe.core.accounts.lockout_response"
# Single sign-on callbacks are neither counted nor locked (amhe.core.accounts.axes_not_counted).
AXES_WHITELIST_CALLABLE = "amhe.core.accounts.axes_not_counted"
AXES_VERBOSE = False  # no usernames or addresses in the logs

# An invitation to join a project works for this many days.
AMHE_INVITATION_DAYS = env_int("AMHE_INVITATION_DAYS", 14, minimum=1)
# The address people reach the site at, for links in emails sent outside a request
# (e.g. the daily overdue-action reminders): scheme and host, no trailing path.
AMHE_BASE_URL = env_str("AMHE_BASE_URL", "http://localhost:8000")
# Password reset requests: per email address (hashed into an expiring cache key,
# never stored in clear) and per client address. Over either, the answer is the
# same and no email is sent.
AMHE_PASSWORD_RESET_RATE_ADDRESS = env_str("AMHE_PASSWORD_RESET_RATE_ADDRESS", "3/h")
AMHE_PASSWORD_RESET_RATE_CLIENT = env_str("AMHE_PASSWORD_RESET_RATE_CLIENT", "20/h")

# --- Sessions, two-factor sign-in and single sign-on (amhe/core/two_factor.py, amhe/core/oidc.py) ---
# Signed out after this many minutes without a request, and this many hours after signing in.
AMHE_SESSION_IDLE_MINUTES = env_int("AMHE_SESSION_IDLE_MINUTES", 30, minimum=1)
AMHE_SESSION_ABSOLUTE_HOURS = env_int("AMHE_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
# Record-level exports and deletions ask for the password (and code) again when the last
# sign-in is older than this.
AMHE_REAUTH_MINUTES = env_int("AMHE_REAUTH_MINUTES", 5, minimum=1)
# Two-factor sign-in for an organisation that has not chosen (Organisation.two_factor_required):
# on for a live site, off for the demo and local development.
AMHE_TWO_FACTOR_DEFAULT = env_bool("AMHE_TWO_FACTOR_DEFAULT", not DEBUG)
# Superusers always need a second factor on a live site (not an environment setting).
AMHE_TWO_FACTOR_SUPERUSERS = not DEBUG or AMHE_TWO_FACTOR_DEFAULT
OTP_TOTP_ISSUER = env_str("AMHE_TWO_FACTOR_ISSUER", "AMHE")
# The admin lists and deletes devices (a lost phone) but never shows their secrets.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes: django-otp makes each device wait 1, 2, 4, 8... seconds after each failure,
# and each failure also counts towards the django-axes lockout of the password.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
AMHE_RECOVERY_CODES = 10

# OpenID Connect single sign-on (e.g. NHS.net / Microsoft Entra ID). Off unless the issuer and
# client are set; the endpoints come from the issuer's discovery document. Accounts are never
# created: each is linked to the provider's subject (iss, sub) on its first single sign-on, and
# from then on only that subject opens it.
AMHE_OIDC_ISSUER = (env_str("AMHE_OIDC_ISSUER", "") or "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("AMHE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("AMHE_OIDC_CLIENT_SECRET", "")
AMHE_OIDC_ENABLED = bool(AMHE_OIDC_ISSUER and OIDC_RP_CLIENT_ID)
AMHE_OIDC_BUTTON_LABEL = env_str("AMHE_OIDC_BUTTON_LABEL", "Log in with your organisation account")
# The first single sign-on of an account links it by its email only when the email's domain is
# one of these (domains the provider's organisation owns, e.g. nhs.net; exact, no subdomains);
# when none are set, only an email the provider marks email_verified=true links. Entra ID sends
# no email_verified and may let users set their own email (nOAuth): set the domains for it.
AMHE_OIDC_EMAIL_DOMAINS = [domain.lower().lstrip("@") for domain in env_list("AMHE_OIDC_EMAIL_DOMAINS")]
OIDC_RP_SIGN_ALGO = env_str("AMHE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env_int("AMHE_OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_AUTHENTICATE_CLASS = "amhe.core.oidc.AuthenticateView"
OIDC_CALLBACK_CLASS = "amhe.core.oidc.CallbackView"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", AMHE_SESSION_ABSOLUTE_HOURS * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AMHE <no-reply@amhe.invalid>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Respondent-facing pages (surveys, community input) and the app's chrome are
# translated; survey text carries its own translations per language (ADR 0006).
# Names are each language's own, as a respondent choosing it would look for it.
LANGUAGES = [("en-gb", "English"), ("pl", "Polski"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Every file the app keeps (uploads waiting to be read, extracts' tables, reports, case
# study attachments) goes through the "default" storage (amhe/core/files.py): the local
# filesystem under MEDIA_ROOT, or with AMHE_STORAGE=s3 an S3-compatible object store
# (AWS S3, MinIO, Ceph...) through django-storages, so that web and workers on different
# machines share nothing on local disk.
AMHE_STORAGE = env_str("AMHE_STORAGE", "local")
if AMHE_STORAGE == "local":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif AMHE_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AMHE_S3_BUCKET", required=True),
            # Unset for AWS itself; the store's address for MinIO and other S3-compatible stores.
            "endpoint_url": env_str("AMHE_S3_ENDPOINT_URL"),
            "region_name": env_str("AMHE_S3_REGION"),
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID..., an instance or pod role).
            "access_key": env_str("AMHE_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("AMHE_S3_SECRET_ACCESS_KEY"),
            # A folder inside the bucket, so one bucket can serve more than one deployment.
            "location": env_str("AMHE_S3_PREFIX", ""),
            "addressing_style": env_str("AMHE_S3_ADDRESSING_STYLE", "path"),
            # Objects are private: files are only ever served through the app's own views.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
            # A file opened for reading (a report or attachment download) is buffered in
            # memory up to this size and on temporary disk beyond it (django-storages'
            # default, 0, keeps it all in memory). Extract reading streams instead
            # (amhe.core.files.local_copy).
            "max_memory_size": 8 * 1024 * 1024,
            # Server-side encryption at rest where the store supports it (AES256 or aws:kms).
            "object_parameters": (
                {"ServerSideEncryption": env_str("AMHE_S3_SERVER_SIDE_ENCRYPTION")}
                if env_str("AMHE_S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
        },
    }
else:
    raise ImproperlyConfiguredEnv(f"AMHE_STORAGE must be 'local' or 's3'; got {AMHE_STORAGE!r}.")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or env_bool("AMHE_TESTING", False)
        else "amhe.staticfiles.StaticFilesStorage"
    },
}
# In development and tests WhiteNoise serves straight from the source folders.
WHITENOISE_USE_FINDERS = DEBUG or env_bool("AMHE_TESTING", False)
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded extracts larger than this are refused before they are parsed.
AMHE_UPLOAD_MAX_BYTES = env_int("AMHE_UPLOAD_MAX_MB", 200, minimum=1) * 1024 * 1024
# Uploads are streamed to disk, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Forms ------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_FAIL_SILENTLY = not DEBUG

# --- Security ---------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Strict Content Security Policy: everything is served from this origin; the
# one inline script (NHS.UK frontend's js-enabled class) carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Read-only API (api/) ---------------------------------------------------------
# Bearer tokens only (never the session, so no CSRF questions); JSON or CSV; GET only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasLiveToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.CsvRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "URL_FORMAT_OVERRIDE": "format",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AMHE read-only API",
    "DESCRIPTION": (
        "Published (small-number suppressed) figures of one project, for Power BI and Excel. "
        "Send `Authorization: Bearer <token>`; add `?format=csv` for CSV."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": ["api.authentication.BearerTokenAuthentication"],
    "SERVE_PERMISSIONS": ["api.authentication.HasLiveToken"],
}

# --- Cache and rate limits ------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Redis when there is one (shared by every web process, atomic INCR); otherwise
# each process counts for itself, which is enough for one laptop.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "amhe"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "amhe"}
}
# Public forms (open survey links, community input) are rate limited per client
# address by django-ratelimit; the address is only hashed into a cache key that
# expires with its window, never stored or logged. Behind a proxy, name the
# header that carries the client's address, e.g. HTTP_X_FORWARDED_FOR.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "") or None
AMHE_PUBLIC_FORM_RATE = env_str("AMHE_PUBLIC_FORM_RATE", "60/m")
# django-ratelimit lists Django's own Redis cache as unsupported only because it
# predates it (its INCR is atomic); the per-process memory cache is the
# embedded, one-machine default described above.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])

# --- Celery -----------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # acks_late: a message a killed worker took but never acknowledged comes
    # back to the queue after the visibility timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
        "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10, minimum=1),
    }
else:
    # Embedded broker: kombu's filesystem transport, so a laptop needs no Redis.
    # Jobs still run asynchronously in a separate worker process.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "amhe")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # job state lives in the database (core.Job)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-jobs": {"task": "core.requeue_stale_jobs", "schedule": 60.0},
    # Overdue-action reminders, once a day at 07:00 UK time (CELERY_TIMEZONE); each action's
    # owner gets one email a day however often this runs (deliver.tracking.services).
    "deliver-overdue-reminders": {"task": "deliver.queue_overdue_reminders", "schedule": crontab(hour=7, minute=0)},
    # The retention purge (amhe.core.retention), once a day at 02:30 UK time: each organisation's
    # data past its retention period is destroyed; a second run the same day finds nothing more.
    "retention-purge": {"task": "core.queue_retention_purge", "schedule": crontab(hour=2, minute=30)},
    # Monthly progress reports, looked for once a day at 06:00 UK time: each schedule that is
    # due builds one set of reports a month however often this runs (reports.services).
    "reports-monthly-schedules": {"task": "reports.queue_scheduled_reports", "schedule": crontab(hour=6, minute=0)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# A job whose worker has not reported progress for this long is treated as lost
# and queued again (jobs are idempotent).
AMHE_JOB_STALE_SECONDS = env_int("AMHE_JOB_STALE_SECONDS", 15 * 60, minimum=1)
# The worker writes a heartbeat row this often; /health/ expects one within 3x.
AMHE_WORKER_HEARTBEAT_SECONDS = env_int("AMHE_WORKER_HEARTBEAT_SECONDS", 20, minimum=1)
# Jobs run this much "nicer" than the web server (os.nice in each worker process), so on a
# machine that serves pages and runs a big job both, pages get the CPU first and the job
# takes what is left (README, "Load under a big job"). 0 leaves the priority as it is.
AMHE_WORKER_NICE = env_int("AMHE_WORKER_NICE", 10, minimum=0)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Public links' tokens are secrets: redacted from every log line (amhe/logging.py).
    "filters": {"redact_links": {"()": "amhe.logging.RedactSecretLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_links"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs usernames and IP addresses at INFO/WARNING; keep them out.
        "axes": {"level": "ERROR"},
        # mozilla-django-oidc logs the email the provider sent at DEBUG; keep it out whatever LOG_LEVEL.
        "mozilla_django_oidc": {"level": "WARNING"},
        # Django's own loggers (requests, errors, the development server's request
        # lines) only through the redacting handler, not Django's default ones.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
