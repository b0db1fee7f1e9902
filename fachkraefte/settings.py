"""Settings for the Fachkräftefonds portal.

One module, read from the environment. Without any environment the portal runs on one
laptop: SQLite under var/, Celery tasks inline, e-mail to the console. Production is the
same file with other environment values (see README.md).
"""

import datetime
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import csp.constants
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
PRODUCTION = DJANGO_ENV == "production" or not DEBUG

# Production has no defaults for these: empty here, refused at the end of this module (production_problems).
SECRET_KEY = env.str(
    "SECRET_KEY", default="" if PRODUCTION else "django-insecure-development-only-key-never-use-in-production"
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "simple_history",
    "fachkraefte",
    "partnerships",
    "applications",
    "placements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "fachkraefte.input_guard.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partnerships.middleware.SecondFactorMiddleware",  # the code before anything else; staff session limits
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "partnerships.middleware.PreferredLanguageMiddleware",
    "fachkraefte.middleware.NoStoreForSignedInUsersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "fachkraefte.urls"
WSGI_APPLICATION = "fachkraefte.wsgi.application"

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
                "applications.context_processors.roles",
                "partnerships.context_processors.sign_in",
                "fachkraefte.context_processors.work_queue",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    VAR_DIR.mkdir(exist_ok=True)  # the zero-set-up SQLite file lives here
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query it estimates as costly (the work queue's counts, the dashboard's figures):
    # half a second of compiling for a query that runs in milliseconds. The portal's queries are short.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # A page's queries are the same text at every request, only their parameters differ: with the parameters bound
    # in the server, psycopg prepares a query from its third use on the connection (kept, CONN_MAX_AGE), and
    # PostgreSQL parses and plans it once: about half the database's time on a portal page (bench, issue 15).
    # A pooler in transaction mode in front of PostgreSQL must allow them (PgBouncer's max_prepared_statements).
    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account and IP before checking
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # programme staff land on their work queue instead (fachkraefte.staff.landing_page)
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Sessions live in the database, so any web process can serve any request, and are read through the cache (one
# query less on every signed-in page). partnerships.login_sessions ends them through the engine, cache and all.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("German")),
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the reader's language (Django's formats per language); the few places where
# the programme's readers expect otherwise are in fachkraefte/formats/<language>/formats.py.
FORMAT_MODULE_PATH = "fachkraefte.formats"

# The open data's IATI reporting organisation (placements/open_data.py, README.md). The default is the
# programme's funder, the BMZ (IATI organisation identifier DE-1, type 10 government); set these to the
# operator's own registered IATI publisher identifier once it publishes under its own name. The activity
# identifiers are "<ref>-FKF-<placement number>".
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="DE-1")
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="10")
IATI_REPORTING_ORG_NAME = env.str(
    "IATI_REPORTING_ORG_NAME", default="Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung (BMZ)"
)
IATI_REPORTING_ORG_NAME_LANGUAGE = env.str("IATI_REPORTING_ORG_NAME_LANGUAGE", default="de")
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = not PRODUCTION  # development serves from the source folders, no collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Several web nodes share media through S3-compatible storage; files are private.
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... (django-environ).
# Lower case: a URL with the password is no setting of its own (the error pages hide only *PASS*, *KEY*, ...).
email_url = env.str("EMAIL_URL", default="")
email_config = env.email_url_config(email_url or "consolemail://")
globals().update(email_config)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fachkräftefonds <fachkraeftefonds@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker, tasks run inline in the web process (development only; production refuses).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The scheduled jobs: each app lists its own (AppConfig.periodic_tasks); fachkraefte.periodic assembles them.
# visibility_timeout: Redis gives a task that a worker took but never acknowledged (killed mid-task) to
# another worker after this many seconds. max_retries 0 and the connect timeout: publishing to a Redis that
# is down fails at once instead of blocking the request (the outbox and the periodic tasks catch up).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "max_retries": 0,
    "socket_connect_timeout": 3,
}
HEALTH_CHECK_CELERY_WORKERS = env.bool("HEALTH_CHECK_CELERY_WORKERS", default=False)

# The portal's own address, for links in e-mails (sent from workers that have no request).
PORTAL_URL = env.str("PORTAL_URL", default="" if PRODUCTION else "http://127.0.0.1:8000")
INVITATION_DAYS = 14
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
CANDIDATE_CONSENT_VERSION = "2026-11"  # the consent text candidates agree to; bump when it changes
# Days an EOI may stay in a status before it counts as overdue (staff dashboard, daily digest).
EOI_STATUS_LIMITS = {
    "submitted": 5,
    "in_review": 30,
    "needs_dialogue": 90,
    "recruitment": 180,
    "candidate_selection": 60,
    "contracting": 90,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Kosovo has no ISO 3166 code; XK is the code in common use (and on the ODA list).
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}

# Lockout: five failed logins for one account from one IP lock that pair for 15 minutes;
# the same account from another IP, or another account from the same office, still logs in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "partnerships.account_views.lockout_response"  # says when to try again; 429
AXES_DISABLE_ACCESS_LOG = True  # logins are in the security log (fachkraefte.AuditEntry) already, once is enough

# How long the portal keeps its own records of people (fachkraefte/retention.py, nightly).
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)
SENT_MAIL_RETENTION_DAYS = env.int("SENT_MAIL_RETENTION_DAYS", default=90)

# Two-factor login (TOTP, with single-use recovery codes).
OTP_TOTP_ISSUER = "Fachkräftefonds"
# Nobody reads another person's authenticator key, not even a superuser: the admin shows no key and no QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content Security Policy: nothing inline, nothing from elsewhere (tests/test_security_headers.py checks every
# page). Scripts are files from 'self'; the nonce goes into the header of every portal page (base.html puts it on
# its scripts) for the rare inline script that must be: `<script nonce="{{ request.csp_nonce }}">`. data: images
# are Bootstrap's icons drawn from its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF, csp.constants.NONCE],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, "data:"],
        "font-src": [csp.constants.SELF],
        "connect-src": [csp.constants.SELF],
        "form-action": [csp.constants.SELF],
        "frame-src": [csp.constants.NONE],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.NONE],
        "frame-ancestors": [csp.constants.NONE],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
    if env.bool("USE_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}


# Production refuses to start on a development default: e-mail that is marked sent but never leaves (console,
# file, memory, dummy), links in e-mails to this machine, tasks run inline in the web request.
development_email_backends = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def email_problems():
    if not email_url:
        return ["EMAIL_URL must be set to an SMTP server, e.g. smtp+tls://user:password@mail.example.org:587."]
    backend = email_config["EMAIL_BACKEND"]
    if backend in development_email_backends:
        return [
            f"EMAIL_URL selects a development-only backend ({backend}): e-mail would count as sent and never "
            "arrive. Use smtp://, smtps:// or smtp+tls://."
        ]
    if not email_config["EMAIL_HOST"]:
        return ["EMAIL_URL must name the SMTP host, e.g. smtp+tls://user:password@mail.example.org:587."]
    return []


def is_this_machine(host):
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def portal_url_problems():
    example = "e.g. https://portal.example.org (every link in an e-mail is built from it)"
    if not PORTAL_URL:
        return [f"PORTAL_URL must be set to the portal's public https address, {example}."]
    address = urlsplit(PORTAL_URL)
    if address.scheme != "https" or not address.hostname:
        return [f"PORTAL_URL must be an https address, not {PORTAL_URL!r}; {example}."]
    if is_this_machine(address.hostname):
        return [
            f"PORTAL_URL points at this machine ({PORTAL_URL}), which nobody reading an e-mail can reach; {example}."
        ]
    return []


def production_problems():
    problems = []
    if DEBUG:
        problems.append("DEBUG must not be true with DJANGO_ENV=production: error pages would show the settings.")
    if not SECRET_KEY:
        problems.append("SECRET_KEY must be set (50 or more random characters).")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must be set: the portal's host names, comma-separated.")
    problems += email_problems() + portal_url_problems()
    if not CELERY_BROKER_URL or CELERY_BROKER_URL.startswith("memory://"):
        problems.append(
            "CELERY_BROKER_URL must be set to a broker, e.g. redis://redis:6379/0 (without one, tasks would run "
            "inline in the web request)."
        )
    return problems


if PRODUCTION and (problems := production_problems()):
    raise ImproperlyConfigured(
        "Refusing to start with DJANGO_ENV=production or DEBUG=false:\n- " + "\n- ".join(problems)
    )
