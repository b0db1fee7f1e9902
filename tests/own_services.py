"""A test's own Redis and Celery worker: processes the test may stop or kill, never the shared services.

Only for tests marked `services` with `django_db(transaction=True)`: the worker is another process and sees
only committed data.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis
from celery import Celery
from django.db import connection

from tests.subprocess_env import ROOT, subprocess_environment

PORTS = range(6391, 6400)


def free_port():
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS}")


class OwnRedis:
    """redis-server on a port of its own, keeping nothing on disk; stop() and start() again at will."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def database_url():
    """The test database, for processes started by the test."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A Celery worker process (and its pool) in a process group of its own, so kill() leaves nothing behind."""

    def __init__(self, broker_url, pool="solo", *, log=None, **env):
        self.broker_url = broker_url
        self.pool = pool
        self.log = log  # a file the worker's output is appended to; the test's own output when None
        self.env = env
        self.process = None

    def start(self):
        command = [sys.executable, str(ROOT / "tests" / "celery_worker.py"), "worker", "-P", self.pool]
        command += ["-c", "1", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
        env = subprocess_environment(
            **{"DATABASE_URL": database_url(), **self.env, "CELERY_BROKER_URL": self.broker_url}
        )
        if self.log is None:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        else:
            with Path(self.log).open("a") as output:  # the child has its own copy of the descriptor
                self.process = subprocess.Popen(
                    command, cwd=ROOT, env=env, start_new_session=True, stdout=output, stderr=subprocess.STDOUT
                )
        return self

    def kill(self):
        """SIGKILL the worker and its pool: nothing is acknowledged, nothing is cleaned up."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self):
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


def client(broker_url):
    """A Celery app that only sends tasks by name: the test process's own app runs its tasks inline."""
    return Celery("test-client", broker=broker_url, backend=broker_url, set_as_current=False)


def wait_for(condition, *, timeout=60, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def file_mail_url(mail_dir):
    """EMAIL_URL for the file-based backend; django-environ drops the first slash of the path."""
    return f"filemail:///{Path(mail_dir).resolve()}"


def message_ids(mail_dir):
    """Every Message-ID header in the files the file-based e-mail backend wrote to `mail_dir`."""
    ids = []
    for path in sorted(Path(mail_dir).glob("*")):
        for line in path.read_text(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                ids.append(line.split(":", 1)[1].strip())
    return ids
