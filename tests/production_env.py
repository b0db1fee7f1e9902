"""A complete production environment for settings run in a subprocess (tests/subprocess_env.py).

Production refuses to start without each of these (fachkraefte/settings.py, production_problems); tests that
need production settings start from COMPLETE and leave out or change what they test.
"""

from tests.subprocess_env import STRONG_SECRET

COMPLETE = {
    "DJANGO_ENV": "production",
    "DATABASE_URL": "sqlite:////tmp/fachkraefte-settings-test.sqlite3",
    "SECRET_KEY": STRONG_SECRET,
    "ALLOWED_HOSTS": "portal.example.org",
    "PORTAL_URL": "https://portal.example.org",
    "EMAIL_URL": "smtp+tls://portal:mail-password@mail.example.org:587",
    "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
}

# Variables the settings read that a developer's shell may hold: tests that start settings delete them first
# (monkeypatch.delenv) and say what they want instead.
READ_BY_SETTINGS = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PORTAL_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "SECURE_SSL_REDIRECT",
    "USE_X_FORWARDED_PROTO",
    "AWS_STORAGE_BUCKET_NAME",
    "STATIC_ROOT",
    "MEDIA_ROOT",
)
