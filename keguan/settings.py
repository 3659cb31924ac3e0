"""keguan settings, read from the environment through small typed helpers.

Without any environment keguan runs embedded: a SQLite file in its data folder (``var/`` beside the code
or ``KEGUAN_DATA_DIR``). ``DATABASE_URL`` selects another database (``postgres://…`` in production).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 应为 true/false，实际为 {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 应为整数，实际为 {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


DATA_DIR = Path(env_str("KEGUAN_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("KEGUAN_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Embedded mode: a key generated once and kept in the data folder.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # keguan's foundations and frameworks, in this order; then every area: each folder of keguan/ with an
    # area.py is an app (adding an area edits no list, see README “新增业务领域”); the demo generator last.
    "keguan.core",
    "keguan.regions",
    "keguan.accounts",
    "keguan.enterprises",
    "keguan.indicators",
    "keguan.reports",
    "keguan.exchange",
]
INSTALLED_APPS += sorted(
    f"keguan.{folder.name}" for folder in (BASE_DIR / "keguan").iterdir()
    if (folder / "area.py").is_file() and f"keguan.{folder.name}" not in INSTALLED_APPS
)
INSTALLED_APPS.append("keguan.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into keguan's login page (status 403)
]

ROOT_URLCONF = "keguan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "keguan.core.context_processors.navigation",
                "keguan.notices.context_processors.unread",
                "keguan.core.context_processors.layout",
            ],
            "builtins": ["keguan.core.templatetags.kg", "template_partials.templatetags.partials"],
        },
    },
]

WSGI_APPLICATION = "keguan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'keguan.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked account or address before any password check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes, keguan.accounts.throttle): an account is locked after KEGUAN_LOGIN_FAILURES
# wrong passwords from any address, an address after KEGUAN_LOGIN_ADDRESS_FAILURES for any accounts, for
# KEGUAN_LOGIN_LOCKOUT_MINUTES. Behind a reverse proxy set KEGUAN_TRUSTED_PROXY=true and the header the proxy
# writes the client's address to (KEGUAN_CLIENT_IP_HEADER, its last address counts); otherwise the header is
# ignored (a client could forge it) and the peer address counts.
KEGUAN_LOGIN_FAILURES = env_int("KEGUAN_LOGIN_FAILURES", 5)
KEGUAN_LOGIN_ADDRESS_FAILURES = env_int("KEGUAN_LOGIN_ADDRESS_FAILURES", 20)
KEGUAN_LOGIN_LOCKOUT_MINUTES = env_int("KEGUAN_LOGIN_LOCKOUT_MINUTES", 30)
KEGUAN_TRUSTED_PROXY = env_bool("KEGUAN_TRUSTED_PROXY", False)
KEGUAN_CLIENT_IP_HEADER = env_str("KEGUAN_CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_HANDLER = "keguan.accounts.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = "keguan.accounts.throttle.account_limit"
AXES_COOLOFF_TIME = "keguan.accounts.throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "keguan.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "keguan.accounts.throttle.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lockout lasts its minutes from the locking failure
AXES_RESET_ON_SUCCESS = False  # the handler clears the account's own failures on a successful login
AXES_DISABLE_ACCESS_LOG = True  # keguan's login log records the logins
AXES_VERBOSE = False

# Session timeout: 30 minutes of inactivity by default.
SESSION_COOKIE_AGE = env_int("KEGUAN_SESSION_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Production behind nginx with TLS (README “生产部署”):
#   KEGUAN_HTTPS=true        → http:// is redirected to https://, HSTS for a year (KEGUAN_HSTS_SECONDS), secure cookies
#   KEGUAN_BEHIND_PROXY=true → the proxy's X-Forwarded-Proto tells Django the request came in over HTTPS
#   KEGUAN_FORWARDED_HOST=true → the proxy's X-Forwarded-Host is the host (only when the proxy sets it itself)
KEGUAN_HTTPS = env_bool("KEGUAN_HTTPS", False)
KEGUAN_BEHIND_PROXY = env_bool("KEGUAN_BEHIND_PROXY", False)
SESSION_COOKIE_SECURE = env_bool("KEGUAN_SECURE_COOKIES", KEGUAN_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = KEGUAN_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's and the monitor's plain-HTTP health check
SECURE_HSTS_SECONDS = env_int("KEGUAN_HSTS_SECONDS", 31_536_000) if KEGUAN_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KEGUAN_HSTS_SUBDOMAINS", KEGUAN_HTTPS)
SECURE_HSTS_PRELOAD = False
if KEGUAN_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("KEGUAN_FORWARDED_HOST", False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Content Security Policy: every script and font is served from keguan itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# The city's target sheet posts one box per indicator and district (100+ targetable indicators × a city's
# districts): above Django's default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEGUAN_LOG_LEVEL", "WARNING")},
}

KEGUAN_PAGE_SIZE = 20

# Imports of this many rows or more are checked and written by the background worker (keguan worker).
KEGUAN_IMPORT_BACKGROUND_ROWS = env_int("KEGUAN_IMPORT_BACKGROUND_ROWS", 10_000)
