"""Settings for the Roadmap site, read from the environment (see the README's table)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from roadmap_site.cache import redis_cache
from roadmap_site.logs import log_format, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (any long random string), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin, refusing with a 400 what it cannot read (roadmap_site.admin_site).
    "roadmap_site.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "django_http_compression",
    "template_partials",
    "csp",
    "axes",
    "reversion",
    "careers",
    "progress",
    "accounts",
    # The shared cache's generation (roadmap_site.cache).
    "roadmap_site",
]

MIDDLEWARE = [
    # Around everything, /healthz included.
    "roadmap_site.middleware.HeadMiddleware",
    "roadmap_site.health.HealthCheckMiddleware",
    "roadmap_site.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers compressed as the browser accepts: Zstandard, else Brotli, else gzip. Static files
    # come compressed from WhiteNoise, and stored pages in gzip from careers.pages, which keeps
    # them compressed.
    "django_http_compression.middleware.HttpCompressionMiddleware",
    # Around every answer made below them: redirects, refused hosts and the 503 page included.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "roadmap_site.middleware.ContentSecurityPolicyMiddleware",
    "roadmap_site.middleware.MethodNotAllowedPageMiddleware",
    # Around everything that may need the database, so that it sees each failure of it.
    "roadmap_site.middleware.DatabaseUnavailableMiddleware",
    # Before anything reads a form.
    "roadmap_site.middleware.FormTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "progress.middleware.KeepVisitorProgressMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "progress.middleware.OwnerMiddleware",
]

ROOT_URLCONF = "roadmap_site.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "roadmap_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock (IMMEDIATE, with a timeout) instead of failing with "database is
    # locked" when two requests save at once; WAL lets pages be read while someone writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer at all makes a request answer 503 after this many seconds
    # instead of holding it until the worker is killed (a connect_timeout in the URL wins).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    # Shared by every process: sessions, and the versions of the content and of each visitor's
    # progress that rendered pages are keyed on. Redis in production; without it, files in one
    # folder, which the processes of one machine (and the content commands) share.
    # While Redis cannot be reached the site runs on the database alone (roadmap_site.cache).
    "default": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / ".cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
    # Rendered pages, keyed on everything they depend on (careers.pages), so never stale: each
    # process keeps its own, the fastest to read.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A visitor without an account keeps their progress in their session: it lasts a year (366 days,
# so never less than a calendar year) from their last change or visit, renewed by
# progress.middleware. Signed-in sessions last as long.
SESSION_COOKIE_AGE = 366 * 24 * 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: sign-in pages live under accounts/; django-axes limits failed sign-ins.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "progress:dashboard"
LOGOUT_REDIRECT_URL = "careers:home"
# Five failed sign-ins for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Behind proxies every request comes from a proxy's address: the visitor's is the entry the
# outermost proxy appended to X-Forwarded-For, TRUSTED_PROXY_COUNT from its end. django-ipware
# counts the proxies whose entries follow it: one fewer.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
# django-ipware 8's default engine reads RFC 7239 elements (for=…;by="…) in X-Forwarded-For,
# where a quote the visitor leaves open swallows the entry the proxy appends, so the visitor
# picks the address; its legacy engine takes plain addresses only.
IPWARE_ALGORITHM = "legacy"


# Limits on what one client can do (progress/limits.py; the README's Limits section says why each
# number): django-ratelimit rates ("120/m" is 120 a minute, "5/10m" five in ten minutes) per
# visitor (their account, else their session), per address (the one django-axes counts, above),
# per address that starts new sessions, and per email address a reset is asked for, counted in the
# default cache. django_ratelimit is not an installed app: its system check refuses the file cache
# used without Redis, whose counts are not atomic (a burst may pass a few more) but serve.
def env_rate(name: str, default: str) -> str:
    rate = os.environ.get(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", rate):
        raise ImproperlyConfigured(
            f'{name} is "{rate}": write a number of requests, a slash and a period (s, m, h or '
            'd), e.g. "120/m" or "5/10m".'
        )
    return rate


RATE_LIMITS = {
    kind: {key: env_rate(f"RATE_LIMIT_{kind}_{key}".upper(), rate) for key, rate in rates.items()}
    for kind, rates in {
        "progress": {"visitor": "120/m", "address": "600/m", "new_visitor": "100/h"},
        "import": {"visitor": "10/h", "address": "60/h"},
        "signup": {"visitor": "5/h", "address": "30/h"},
        "password_reset": {"visitor": "5/h", "address": "30/h", "email": "3/h"},
        "sign_in": {"address": "30/m"},
        "password": {"visitor": "10/h", "address": "30/m"},
    }.items()
}
# When the cache cannot count (Redis down), requests go through instead of failing: progress.limits
# lets them through when the cache raises an error, this when it answers nothing.
RATELIMIT_FAIL_OPEN = True
# Characters all of one owner's notes may hold together (see progress.limits.notes_refusal).
NOTES_TOTAL_LIMITS = {
    "session": int(os.environ.get("NOTES_TOTAL_LIMIT_SESSION", "50000")),
    "account": int(os.environ.get("NOTES_TOTAL_LIMIT_ACCOUNT", "1000000")),
}

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))

# Mail goes to the console until EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "roadmap@localhost")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if TRUSTED_PROXY_COUNT > 0:
        # Only a proxy of our own says whether the visitor came over HTTPS; without one, anybody
        # could send the header and pass plain HTTP for HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs (roadmap_site.logs): one line per request and every warning and error, each with its
# request's id; JSON lines in production, plain text with DEBUG, unless LOG_FORMAT says otherwise.
LOG_FORMAT = log_format(os.environ.get("LOG_FORMAT", ""), DEBUG)
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
