import json

import pytest
from django.urls import reverse

from tests.subprocess_env import run_python

HEALTH_IN_FRESH_PROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/health/")
print(response.status_code)
print(response.content.decode())
"""


def test_health_is_200_with_database(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(json.loads(response.content).values()) == {"OK"}


@pytest.mark.services
def test_health_checks_redis_when_configured(client, db, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert any("Redis" in check for check in json.loads(response.content))


def test_health_is_503_when_redis_is_unreachable(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert any(state != "OK" for state in json.loads(response.content).values())


def test_health_is_503_when_the_database_is_unreachable():
    result = run_python(HEALTH_IN_FRESH_PROCESS, DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing")
    status, body = result.stdout.splitlines()[:2]
    assert status == "503", result.stderr
    assert "Database" in body
