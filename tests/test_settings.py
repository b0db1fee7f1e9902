from tests.subprocess_env import STRONG_SECRET, run_manage, run_python

PRODUCTION = {"DJANGO_ENV": "production", "DATABASE_URL": "sqlite:////tmp/fachkraefte-settings-test.sqlite3"}


def test_production_without_secret_key_refuses_to_start():
    result = run_python("import django; django.setup()", **PRODUCTION, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = run_python("import django; django.setup()", **PRODUCTION, SECRET_KEY=STRONG_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_debug_false_counts_as_production():
    result = run_python("import django; django.setup()", DEBUG="false")
    assert "SECRET_KEY must be set" in result.stderr


def test_unknown_environment_name_is_refused():
    result = run_python("import django; django.setup()", DJANGO_ENV="staging")
    assert "DJANGO_ENV must be" in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        SECRET_KEY=STRONG_SECRET,
        ALLOWED_HOSTS="portal.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_transport_security():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.DEBUG, getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    env = {**PRODUCTION, "SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "portal.example.org"}
    assert run_python(code, **env).stdout.split() == ["True", "True", "True", "31536000", "True", "False", "None"]
    behind_proxy = run_python(code, **env, SECURE_SSL_REDIRECT="false", USE_X_FORWARDED_PROTO="true").stdout
    assert behind_proxy.split()[0] == "False"
    assert "HTTP_X_FORWARDED_PROTO" in behind_proxy


def test_database_and_broker_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    assert run_python(code).stdout.split() == ["django.db.backends.sqlite3", "True"]
    configured = run_python(
        code, DATABASE_URL="postgres://u@db.example:5432/x", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert configured.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_media_goes_to_s3_when_a_bucket_is_named():
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.STORAGES['default']['BACKEND'])"
    )
    assert run_python(code).stdout.strip() == "django.core.files.storage.FileSystemStorage"
    assert run_python(code, AWS_STORAGE_BUCKET_NAME="media").stdout.strip() == "storages.backends.s3.S3Storage"
