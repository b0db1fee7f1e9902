"""A bare one-view Django project: the ceiling `make bench` measures the portal against.

Started by bench/run.py exactly as the portal (gunicorn, the same workers and flags), it answers one small HTML
page with Django's request cycle and nothing else: no database, no sessions, no templates on disk.
"""

import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "bench.bare.urls"
WSGI_APPLICATION = "bench.bare.wsgi.application"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES = {}
USE_TZ = True
