"""Shenbao settings: one module, driven by the environment (see docs/configuration.md).

The embedded default (no variables set) is development on SQLite under var/, local private files
under var/media/ and Celery tasks run inline, served with DEBUG off and a secret key generated once into
var/secret_key (`make dev` turns DEBUG on). SHENBAO_ENV=production switches on the hardening and refuses to
start without a real SECRET_KEY; its SITE_URL is checked by shenbao/checks.py.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHENBAO_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    value = os.environ.get(name)
    if value is None and f"{name}_FILE" in os.environ:
        # Secrets may be mounted as files (Docker/Kubernetes secrets).
        value = Path(os.environ[f"{name}_FILE"]).read_text().strip()
    return default if value in (None, "") else value


def envbool(name, default):
    return str(env(name, str(default))).lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    return int(env(name, default))


def envlist(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def local_secret_key(path: Path) -> str:
    """The secret key of a development machine: generated once into `path` (mode 0600), read from it after.

    Sessions survive a restart, and processes started together (gunicorn's workers) agree on one key: the
    key is written to a private temporary file and linked into place, so a reader never sees half a key.
    """
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(temporary, path)  # fails if another process was first: then its key is the key
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it to generate a new key, or set SECRET_KEY")
    return key


SHENBAO_ENV = env("SHENBAO_ENV", "development")
if SHENBAO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("SHENBAO_ENV must be 'production' or 'development'")
PRODUCTION = SHENBAO_ENV == "production"

# Off unless asked for (`make dev`): a debug page lists every URL pattern and setting to whoever opens it.
DEBUG = envbool("DEBUG", False)
if PRODUCTION and DEBUG:
    # Django's (and django-ninja's) debug answers show tracebacks and settings to whoever sent the request.
    raise ImproperlyConfigured("DEBUG must be off in production (its error pages show tracebacks)")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")

# Encrypts the bureaus' SM2 seal private keys at rest (reviews/seals/vault.py). Losing it makes every seal
# unusable (new keys must then be made and published); production refuses to start without it.
SEAL_MASTER_KEY = env("SEAL_MASTER_KEY")
if not SEAL_MASTER_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SEAL_MASTER_KEY must be set in production (it encrypts the seal private keys)")
    SEAL_MASTER_KEY = local_secret_key(VAR_DIR / "seal_master_key")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# The public address of this server, printed on paper (the PDF's verification QR code and link). `make run`
# derives it from PORT; production must set it (shenbao.checks refuses a missing or loopback address there).
SITE_URL = env("SITE_URL", "" if PRODUCTION else f"http://127.0.0.1:{env('PORT', '8000')}")
# Whom the error pages name for help: the programme office's contact in the notice (联系人、联系电话).
PROGRAMME_CONTACT = {
    "person": env("PROGRAMME_CONTACT_PERSON", "陈锦龙"),
    "phone": env("PROGRAMME_CONTACT_PHONE", "87348176"),
}
PDF_FONT_DIR = Path(env("PDF_FONT_DIR", VAR_DIR / "fonts"))  # derived CJK fonts, built by `python -m core.fonts`

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    # the staff login's second factor (accounts/two_factor.py): TOTP devices and recovery codes
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "shenbao",
    "accounts",
    "audit",
    "notifications",
    "programmes",
    "enterprises",
    "applications",
    "reviews",
    "reviews.seals",
    "evaluation",
    "publicity",
    "reports",  # last: it reads every stage (dashboards, exports, dossiers)
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",  # first: every log line of the request carries its id
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # /metrics (shenbao/health.py)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.context.RequestIPMiddleware",  # the client address for events recorded without the request
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # whether the session passed the second factor (user.is_verified())
    "core.middleware.PrivateNoStoreMiddleware",  # Cache-Control: private, no-store for the signed-in and tokens
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.hostile.HostileInputMiddleware",  # NUL / lone surrogates in a post or query: 422 / 400; body limits
    "accounts.middleware.StaffSessionMiddleware",  # staff: the code before anything else; 30 idle minutes
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "accounts.throttle.LoginThrottleMiddleware",  # 429 for a login attempt that must wait (spraying, slow-down)
    # Axes must come last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shenbao.urls"
WSGI_APPLICATION = "shenbao.wsgi.application"

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
                "shenbao.context_processors.site",
            ],
            "libraries": {"formatting": "core.templatetags.formatting"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shenbao.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent writers one at a time instead of failing them with "database is
    # locked": a write transaction takes the write lock at BEGIN (IMMEDIATE, so no reader turns writer halfway
    # and deadlocks), others wait up to 20 s for it (busy timeout), and readers never block the writer (WAL).
    # Where SQLite stops and PostgreSQL starts: docs/deployment.md.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.UsernameOrMobileBackend",
]
# Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane; accounts/hashers.py): Django's default cost made
# logins most of the CPU of the deadline rush. Hashes of Django's default cost verify and are upgraded at login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failures, for the page login and the API token endpoint alike.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
OTP_TOTP_ISSUER = "扬州申报系统"  # the name authenticator apps show beside the staff account (accounts/two_factor.py)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
# Lock the account *from that address* (username and address together): five wrong passwords from anywhere must
# not lock a county reviewer out at their own desk; a whole bureau behind one NAT address is not locked either,
# only the one name typed wrong there. accounts/throttle.py adds what a per-pair lock misses: a limit on the
# failures of one address over many names (spraying) and a growing delay on one name failed from many addresses.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
# Successful logins are in the audit log (audit/signals.py: who, when, address, user agent); axes' own access log
# would be a second record of the same fact, and it makes a session for every API token login (a bearer client
# would then carry a cookie that costs a session lookup on each request).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# accounts/throttle.py: failures of one address (any names) per window before it must wait for the window's end,
# and the free failures of one name (from any addresses) before each further attempt waits 1, 2, 4 … s (at most
# LOGIN_SLOWDOWN_MAX_SECONDS). Answered 429 with Retry-After; nothing sleeps.
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_FAILURE_WINDOW = timedelta(minutes=envint("LOGIN_FAILURE_WINDOW_MINUTES", 15))
LOGIN_SLOWDOWN_AFTER = envint("LOGIN_SLOWDOWN_AFTER", 10)
LOGIN_SLOWDOWN_MAX_SECONDS = envint("LOGIN_SLOWDOWN_MAX_SECONDS", 60)

# The client's address (core/clientip.py): X-Forwarded-For is believed only from these proxies (CIDRs,
# comma-separated, e.g. "10.0.0.0/8,127.0.0.1"); empty, the default, believes no proxy header.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES")
NINJA_NUM_PROXIES = 0  # a throttle not built on core.throttling would read REMOTE_ADDR, never the header

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("MEDIA_ROOT", VAR_DIR / "media"))
# No MEDIA_URL on purpose: uploaded files are never served publicly, only through permission-checked views.

STORAGE_BACKEND = env("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    # shenbao/storage.py: the same function builds the storage CI tests against a real S3 server (SeaweedFS).
    from shenbao.storage import s3_storage

    _default_storage = s3_storage(
        bucket_name=env("S3_BUCKET"),
        endpoint_url=env("S3_ENDPOINT_URL"),
        access_key=env("S3_ACCESS_KEY_ID"),
        secret_key=env("S3_SECRET_ACCESS_KEY"),
        region_name=env("S3_REGION", "us-east-1"),
        addressing_style=env("S3_ADDRESSING_STYLE"),
    )
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every worker (rate limits, login throttle, page caches), never per process: a table in the
    # database, created by `migrate` (shenbao/apps.py) or `manage.py createcachetable`.
    # Room for many counters: at Django's default of 300 entries a burst of keys (one per name sprayed) would cull
    # the address counters it is meant to keep.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shenbao_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Celery: Redis in production; inline (eager) in the embedded default so nothing else must run.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not (PRODUCTION and REDIS_URL))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "shenbao@localhost")
# A class with send(mobile, text) (notifications/sms.py); the default logs one line instead of sending.
SMS_BACKEND = env("SMS_BACKEND", "notifications.sms.LoggingBackend")
# Virus scan of every upload (applications/materials/scan.py): a class with scan(fileobj) -> None | name found;
# unset = clamd over CLAMD_SOCKET (its unix socket) when that is set, otherwise no scan.
VIRUS_SCAN_BACKEND = env("VIRUS_SCAN_BACKEND", "")
CLAMD_SOCKET = env("CLAMD_SOCKET", "")
CLAMD_TIMEOUT = envint("CLAMD_TIMEOUT", 30)  # seconds for one file's scan; past it the upload is refused (retry)

API_TOKEN_TTL = timedelta(hours=envint("API_TOKEN_TTL_HOURS", 12))
ELIGIBILITY_RATE_LIMIT = env("ELIGIBILITY_RATE_LIMIT", "120/m")  # public POST /api/v1/eligibility/check, per IP

# Content Security Policy (django-csp 4): everything is served from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Swagger UI sets inline styles on its widgets.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# The error pages (templates/403.html, 404.html, 500.html) are rendered by these views.
CSRF_FAILURE_VIEW = "shenbao.views.csrf_failure"

LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request is an answer, not a fault: one line, no traceback (shenbao/log.py).
    "filters": {
        "forbidden_on_one_line": {"()": "shenbao.log.ForbiddenOnOneLine"},
        "request_id": {"()": "shenbao.log.RequestId"},  # the request's id on every record (core.middleware)
    },
    # LOG_FORMAT=json: one JSON object a line for a log collector; text (the default outside production) for people.
    "formatters": {
        "json": {"()": "shenbao.log.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "loggers": {"django.request": {"filters": ["forbidden_on_one_line"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# Prometheus metrics at /metrics (django-prometheus's middleware; shenbao/health.py): only to a scraper on an
# address listed here that did not come through a proxy, or to one sending `Authorization: Bearer METRICS_TOKEN`.
METRICS_ALLOWED = envlist("METRICS_ALLOWED", "127.0.0.1,::1")
METRICS_TOKEN = env("METRICS_TOKEN", "")
