"""Structure of the deployment files (docker-compose.yml, Dockerfile).

No Docker engine runs on the development machines, so these tests read the
files instead of starting the stack.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile_instructions():
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"\\\n", " ", text)
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def environment(service):
    """A service's environment as a dict, whether written as a list or a mapping."""
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: str(value) if value is not None else None for key, value in env.items()}


def command(service):
    cmd = service["command"]
    return " ".join(cmd) if isinstance(cmd, list) else cmd


def healthcheck_test(service):
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_all_services_exist(services):
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_a_healthy_database(services, name):
    assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", LONG_RUNNING_APP_SERVICES)
def test_long_running_services_wait_for_migrations_and_redis(services, name):
    depends_on = services[name]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_migrate_runs_once(services):
    assert command(services["migrate"]) == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"


def test_database_has_a_pg_isready_healthcheck(services):
    db = services["db"]
    assert db["image"] == "postgres:15"
    assert "pg_isready -U fachkraefte -d fachkraefte" in healthcheck_test(db)
    assert environment(db)["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")


def test_redis_has_a_ping_healthcheck(services):
    assert services["redis"]["image"] == "redis:7"
    assert "redis-cli ping" in healthcheck_test(services["redis"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_points_at_the_stack(services, name):
    env = environment(services[name])
    assert env["DJANGO_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert re.search(r"@db:5432/fachkraefte$", env["DATABASE_URL"])
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_secret_key_is_required_not_literal(services, name):
    secret_key = environment(services[name])["SECRET_KEY"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", secret_key)


@pytest.mark.parametrize("name", ("web", "worker"))
def test_media_is_a_named_volume(services, name):
    assert "media:/app/var/media" in services[name]["volumes"]


def test_web_serves_gunicorn_on_port_8000(services):
    web = services["web"]
    assert "8000:8000" in [str(port) for port in web["ports"]]
    assert command(web).startswith("gunicorn fachkraefte.wsgi:application")
    assert "--bind 0.0.0.0:8000" in command(web)
    health = healthcheck_test(web)
    assert "http://127.0.0.1:8000/health/" in health
    assert "curl" not in health


def test_worker_runs_celery_worker(services):
    assert command(services["worker"]).startswith("celery -A fachkraefte worker")


def test_beat_uses_the_database_scheduler(services):
    beat = command(services["beat"])
    assert beat.startswith("celery -A fachkraefte beat")
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_dockerfile_base_image(dockerfile_instructions):
    assert dockerfile_instructions[0].startswith("FROM python:3.11")


def test_dockerfile_installs_weasyprint_libraries(dockerfile_instructions):
    runs = " ".join(line for line in dockerfile_instructions if line.startswith("RUN "))
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "gettext",
    ):
        assert re.search(rf"apt-get install .*\b{re.escape(package)}\b", runs), package


def test_dockerfile_runs_as_non_root(dockerfile_instructions):
    users = [line.split()[1] for line in dockerfile_instructions if line.startswith("USER ")]
    assert users, "no USER instruction"
    assert users[-1] not in ("root", "0", "0:0")


def test_dockerfile_bakes_in_no_secret_key(dockerfile_instructions):
    for line in dockerfile_instructions:
        if line.startswith(("ENV ", "ARG ")):
            assert "SECRET_KEY" not in line, line
