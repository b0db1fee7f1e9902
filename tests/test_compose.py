"""Structure of the deployment files (docker-compose.yml, Dockerfile, the serve scripts, `make serve`).

No Docker engine runs on the development machines, so these tests read the
files instead of starting the stack (tests/test_serve.py starts the scripts).
"""

import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

from tests.subprocess_env import run_python

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING_APP_SERVICES = ("web", "worker", "beat")
# What production refuses to start without, and docker-compose.yml has no default for.
REQUIRED_FROM_THE_OPERATOR = ("SECRET_KEY", "ALLOWED_HOSTS", "PORTAL_URL", "EMAIL_URL")


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


def script(name):
    return (ROOT / "scripts" / name).read_text()


def serve_command(script_text, program):
    """The `exec <program> ...` line of a serve script, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", "", script_text)
    (line,) = [line.strip() for line in joined.splitlines() if line.strip().startswith(f"exec {program} ")]
    return line.removeprefix("exec ")


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
@pytest.mark.parametrize("variable", REQUIRED_FROM_THE_OPERATOR)
def test_production_values_are_required_not_defaulted(services, name, variable):
    value = environment(services[name])[variable]
    assert re.fullmatch(rf"\$\{{{variable}:\?[^}}]+\}}", value)


@pytest.mark.parametrize("name", APP_SERVICES)
def test_no_development_only_value_in_the_environment(services, name):
    values = " ".join(str(value) for value in environment(services[name]).values())
    for development_only in ("consolemail", "filemail", "memorymail", "dummymail", "localhost", "127.0.0.1"):
        assert development_only not in values


@pytest.mark.parametrize("name", ("web", "worker"))
def test_media_is_a_named_volume(services, name):
    assert "media:/app/var/media" in services[name]["volumes"]


def serve_local_starts():
    """The scripts `make serve` starts together (scripts/serve-local, `start scripts/serve-...` lines)."""
    return re.findall(r"^\s*start (scripts/serve-\S+)\s*$", script("serve-local"), flags=re.MULTILINE)


def test_compose_and_make_serve_run_the_same_commands(services):
    in_compose = [command(services[name]) for name in LONG_RUNNING_APP_SERVICES]
    assert in_compose == ["scripts/serve-web", "scripts/serve-worker", "scripts/serve-beat"]
    assert serve_local_starts() == in_compose
    assert re.search(r"^serve:.*\n\t\./scripts/serve-local$", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    for path in in_compose:
        assert os.access(ROOT / path, os.X_OK), f"{path} is not executable"


def test_the_image_runs_the_web_script(dockerfile_instructions):
    cmd = [line for line in dockerfile_instructions if line.startswith("CMD ")]
    assert cmd[-1] == 'CMD ["scripts/serve-web"]'


def test_web_serves_gunicorn_on_port_8000(services):
    web = services["web"]
    assert "8000:8000" in [str(port) for port in web["ports"]]
    gunicorn = serve_command(script("serve-web"), "gunicorn")
    assert gunicorn.startswith("gunicorn fachkraefte.wsgi:application")
    assert '--bind "${WEB_BIND:-0.0.0.0:8000}"' in gunicorn
    assert '--workers "$WEB_CONCURRENCY"' in gunicorn
    health = healthcheck_test(web)
    assert "http://127.0.0.1:8000/health/" in health
    assert "curl" not in health


def test_web_workers_default_to_twice_the_cores_plus_one():
    assert 'WEB_CONCURRENCY="${WEB_CONCURRENCY:-$((2 * $(nproc) + 1))}"' in script("serve-web")


def test_worker_runs_celery_worker():
    assert serve_command(script("serve-worker"), "celery").startswith("celery -A fachkraefte worker")


def test_beat_uses_the_database_scheduler():
    beat = serve_command(script("serve-beat"), "celery")
    assert beat.startswith("celery -A fachkraefte beat")
    assert "--scheduler django_celery_beat.schedulers:DatabaseScheduler" in beat


def test_the_image_build_passes_the_production_settings(dockerfile_instructions):
    """compilemessages and collectstatic run with production settings, which refuse to start without values."""
    (build,) = [line for line in dockerfile_instructions if "collectstatic" in line]
    exported = re.search(r"^RUN export (.*?) &&", build).group(1)
    build_env = dict(pair.split("=", 1) for pair in shlex.split(exported))
    result = run_python("import django; django.setup()", DJANGO_ENV="production", **build_env)
    assert result.returncode == 0, result.stderr


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
