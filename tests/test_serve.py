"""The production commands (scripts/serve-web, -worker, -beat, which docker-compose.yml and `make serve` both run)
start with production settings on this machine, and the local values `make serve` writes pass those settings.

Each test starts its own processes on a scratch SQLite database and stops only those.
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.production_env import COMPLETE, READ_BY_SETTINGS
from tests.subprocess_env import ROOT, run_manage, run_python, subprocess_environment

START = "import django; django.setup()"


@pytest.fixture(autouse=True)
def no_settings_from_the_shell(monkeypatch):
    for name in (*READ_BY_SETTINGS, "WEB_BIND", "WEB_CONCURRENCY", "SERVE_ENV_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def production(tmp_path_factory, migrated_sqlite):
    """A complete production environment on a migrated scratch database, with the static files collected."""
    root = tmp_path_factory.mktemp("serve")
    shutil.copyfile(migrated_sqlite, root / "db.sqlite3")  # migrate below then checks it has nothing left to do
    env = {
        **COMPLETE,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # gunicorn, celery
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        result = run_manage(*command, **env)
        assert result.returncode == 0, result.stderr
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Started:
    """A serve script in a process group of its own; stop() ends that group only."""

    def __init__(self, name, *args, log, **env):
        self.log = log
        with Path(log).open("w") as output:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / name), *args],
                cwd=ROOT,
                env=subprocess_environment(**env),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self):
        return Path(self.log).read_text()

    def wait_for(self, condition, what, timeout=60):
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.process.poll() is None, f"ended before {what}:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {what} after {timeout} s:\n{self.output()}"
            time.sleep(0.2)

    def stop(self, grace=30):
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def get(port, path, host="portal.example.org"):
    """(status, headers, body) of a GET on loopback, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def answers(port):
    try:
        get(port, "/health/")
    except OSError:
        return False
    return True


def gunicorn_workers(master_pid):
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True, text=True, check=False
    )
    return len(children.stdout.split())


def test_web_serves_pages_and_hashed_static_files_with_the_default_worker_count(production, tmp_path):
    port = free_port()
    # Behind a proxy that terminates TLS, as `make serve`'s local values have it: plain HTTP on loopback.
    web = Started(
        "serve-web", log=tmp_path / "web.log", **production, WEB_BIND=f"127.0.0.1:{port}", SECURE_SSL_REDIRECT="false"
    )
    try:
        web.wait_for(lambda: answers(port), "answer on /health/")
        status, _, page = get(port, "/")
        assert status == 200
        stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page).group(1)  # manifest names
        status, headers, _ = get(port, stylesheet)
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert get(port, "/", host="elsewhere.example.org")[0] == 400  # ALLOWED_HOSTS
        web.wait_for(
            lambda: gunicorn_workers(web.process.pid) == 2 * len(os.sched_getaffinity(0)) + 1, "2 x cores + 1 workers"
        )
    finally:
        web.stop()


def test_web_redirects_to_https_by_default(production, tmp_path):
    port = free_port()
    web = Started(
        "serve-web", log=tmp_path / "web.log", **production, WEB_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1"
    )
    try:
        web.wait_for(lambda: answers(port), "answer on /health/")
        status, headers, _ = get(port, "/")
        assert (status, headers["Location"]) == (301, "https://portal.example.org/")
        assert gunicorn_workers(web.process.pid) == 1  # WEB_CONCURRENCY wins
    finally:
        web.stop()


SEND_PING = """
import django
django.setup()
from fachkraefte.tasks import ping
print(ping.apply_async(queue="{queue}").get(timeout=60))
"""


@pytest.mark.services
def test_worker_runs_tasks_with_production_settings(production, redis_url, tmp_path):
    queue = f"test-{uuid.uuid4().hex}"  # our own queue: no other worker on this Redis takes our task
    env = {**production, "CELERY_BROKER_URL": redis_url}
    worker = Started(
        "serve-worker",
        "-Q",
        queue,
        "-P",
        "solo",
        "--without-gossip",
        "--without-mingle",
        **env,
        log=tmp_path / "worker.log",
    )
    try:
        result = run_python(SEND_PING.format(queue=queue), **env)
        assert result.stdout.strip() == "pong", result.stderr + worker.output()
    finally:
        worker.stop()


def test_beat_starts_with_the_database_scheduler(production, tmp_path):
    # A broker nobody listens on: beat starts and schedules, but queues nothing anywhere.
    env = {**production, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    beat = Started("serve-beat", **env, log=tmp_path / "beat.log")
    try:
        beat.wait_for(lambda: "beat: Starting..." in beat.output(), "start")
        assert "scheduler -> django_celery_beat.schedulers.DatabaseScheduler" in beat.output()
    finally:
        # Beat sometimes takes half a minute to end on SIGTERM (seen in the suite, not alone); it keeps nothing.
        beat.stop(grace=3)


def test_make_serve_writes_local_values_that_production_accepts(tmp_path):
    env_file = tmp_path / "serve.env"
    written = subprocess.run(
        [str(ROOT / "scripts" / "serve-local"), "env"],
        cwd=ROOT,
        env=subprocess_environment(SERVE_ENV_FILE=str(env_file)),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert written.stdout.strip() == str(env_file)
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"  # it holds a secret key
    lines = [line for line in env_file.read_text().splitlines() if line and not line.startswith("#")]
    local = dict(line.split("=", 1) for line in lines)
    assert local["DJANGO_ENV"] == "production"
    assert local["EMAIL_URL"] == "smtp://127.0.0.1:1025"
    assert local["PORTAL_URL"].startswith("https://")
    assert len(local["SECRET_KEY"]) >= 50
    code = f"{START}; from django.conf import settings as s; print(s.EMAIL_BACKEND, s.CELERY_TASK_ALWAYS_EAGER)"
    result = run_python(code, **local)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "False"]
    first = env_file.read_text()
    again = subprocess_environment(SERVE_ENV_FILE=str(env_file))
    subprocess.run([str(ROOT / "scripts" / "serve-local"), "env"], cwd=ROOT, env=again, check=True, timeout=60)
    assert env_file.read_text() == first  # kept, not rewritten: the secret key stays the same
