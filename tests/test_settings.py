"""The one settings module: the development defaults, and production refusing to start on any of them.

Settings are read once, at start: each test runs them in a fresh process with an environment of its own.
"""

import pytest

from tests.production_env import COMPLETE, READ_BY_SETTINGS
from tests.subprocess_env import run_manage, run_python

PRODUCTION = {"DJANGO_ENV": "production", "DATABASE_URL": COMPLETE["DATABASE_URL"]}
START = "import django; django.setup()"


@pytest.fixture(autouse=True)
def no_settings_from_the_shell(monkeypatch):
    for name in READ_BY_SETTINGS:
        monkeypatch.delenv(name, raising=False)


def without(*names, **changes):
    env = {key: value for key, value in COMPLETE.items() if key not in names}
    return {**env, **changes}


def refusals(result):
    """The problems the settings listed, one a line, when they refused to start."""
    assert result.returncode != 0, "the settings started"
    assert "ImproperlyConfigured: Refusing to start with DJANGO_ENV=production or DEBUG=false" in result.stderr
    return [line[2:] for line in result.stderr.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_URL", "EMAIL_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without(name):
    (problem,) = refusals(run_python(START, **without(name)))
    assert problem.startswith(f"{name} must be set")


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_URL", "EMAIL_URL", "CELERY_BROKER_URL"])
def test_production_refuses_an_empty_value(name):
    (problem,) = refusals(run_python(START, **without(name, **{name: ""})))
    assert problem.startswith(name)


@pytest.mark.parametrize("url", ["consolemail://", "filemail:///tmp/mail", "memorymail://", "dummymail://"])
def test_production_refuses_an_email_backend_that_never_sends(url):
    (problem,) = refusals(run_python(START, **without(EMAIL_URL=url)))
    assert problem.startswith("EMAIL_URL selects a development-only backend")


def test_production_refuses_smtp_without_a_host():
    (problem,) = refusals(run_python(START, **without(EMAIL_URL="smtp://")))
    assert problem.startswith("EMAIL_URL must name the SMTP host")


@pytest.mark.parametrize("url", ["http://portal.example.org", "portal.example.org", "https://"])
def test_production_refuses_a_portal_url_that_is_not_https(url):
    (problem,) = refusals(run_python(START, **without(PORTAL_URL=url)))
    assert problem.startswith("PORTAL_URL must be an https address")


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost",
        "https://LOCALHOST:8443/",
        "https://portal.localhost",
        "https://127.0.0.1:8000",
        "https://127.0.1.1",
        "https://[::1]:8000",
        "https://0.0.0.0",
    ],
)
def test_production_refuses_a_portal_url_on_this_machine(url):
    (problem,) = refusals(run_python(START, **without(PORTAL_URL=url)))
    assert problem.startswith("PORTAL_URL points at this machine")


def test_production_refuses_the_in_memory_broker():
    (problem,) = refusals(run_python(START, **without(CELERY_BROKER_URL="memory://")))
    assert problem.startswith("CELERY_BROKER_URL must be set")


def test_one_refusal_lists_everything_to_fix():
    problems = refusals(run_python(START, **PRODUCTION))
    assert [problem.split()[0] for problem in problems] == [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        "PORTAL_URL",
        "CELERY_BROKER_URL",
    ]


def test_debug_false_counts_as_production():
    assert "SECRET_KEY must be set" in run_python(START, DEBUG="false").stderr
    complete_but_for_mail = {**without("DJANGO_ENV", "EMAIL_URL"), "DEBUG": "false"}
    (problem,) = refusals(run_python(START, **complete_but_for_mail))
    assert problem.startswith("EMAIL_URL must be set")


def test_production_refuses_debug():
    (problem,) = refusals(run_python(START, **COMPLETE, DEBUG="true"))
    assert problem.startswith("DEBUG must not be true")


def test_unknown_environment_name_is_refused():
    result = run_python(START, DJANGO_ENV="staging")
    assert "DJANGO_ENV must be" in result.stderr


def test_a_complete_production_environment_starts_with_real_mail_a_broker_and_its_address():
    code = (
        f"{START}; from django.conf import settings as s; from fachkraefte.links import absolute_url;"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.CELERY_TASK_ALWAYS_EAGER);"
        "print(absolute_url('login'))"
    )
    result = run_python(code, **COMPLETE)
    assert result.returncode == 0, result.stderr
    backend, links = result.stdout.splitlines()
    assert backend.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
        "False",
    ]
    assert links == "https://portal.example.org/accounts/login/"


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **COMPLETE)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_turns_on_transport_security():
    code = (
        f"{START}; from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    assert run_python(code, **COMPLETE).stdout.split() == ["True", "True", "True", "31536000", "True", "False", "None"]
    behind_proxy = run_python(code, **COMPLETE, SECURE_SSL_REDIRECT="false", USE_X_FORWARDED_PROTO="true").stdout
    assert behind_proxy.split()[0] == "False"
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy


def test_the_development_default_needs_no_environment():
    """`make run` and the test suite: SQLite, tasks inline, e-mail to the console, links to this machine."""
    code = (
        f"{START}; from django.conf import settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND, s.PORTAL_URL)"
    )
    result = run_python(code)  # a scratch SQLite file instead of var/db.sqlite3, and nothing else
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "http://127.0.0.1:8000",
    ]


def test_database_and_broker_come_from_the_environment():
    code = (
        f"{START}; from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    assert run_python(code).stdout.split() == ["django.db.backends.sqlite3", "True"]
    configured = run_python(
        code, DATABASE_URL="postgres://u@db.example:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert configured.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_media_goes_to_s3_when_a_bucket_is_named():
    code = f"{START}; from django.conf import settings as s; print(s.STORAGES['default']['BACKEND'])"
    assert run_python(code).stdout.strip() == "django.core.files.storage.FileSystemStorage"
    assert run_python(code, AWS_STORAGE_BUCKET_NAME="media").stdout.strip() == "storages.backends.s3.S3Storage"
