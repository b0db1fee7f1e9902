"""A real Celery worker, started by the test against the real Redis, runs `ping`."""

import subprocess
import sys
import uuid

import pytest

from tests.subprocess_env import ROOT, run_python, subprocess_environment

pytestmark = pytest.mark.services

SEND_PING = """
import django
django.setup()
from fachkraefte.tasks import ping
print(ping.apply_async(queue="{queue}").get(timeout=60))
"""


@pytest.fixture
def worker_queue(redis_url):
    queue = f"test-{uuid.uuid4().hex}"  # our own queue: no other worker on this Redis takes our task
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fachkraefte",
            "worker",
            "-Q",
            queue,
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=subprocess_environment(CELERY_BROKER_URL=redis_url),
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_worker_runs_ping(worker_queue, redis_url):
    result = run_python(SEND_PING.format(queue=worker_queue), CELERY_BROKER_URL=redis_url)
    assert result.stdout.strip() == "pong", result.stderr
