"""Run Python in a fresh process with its own environment: for settings that are read once at start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "x7#Kq2!vL9@pR4$wT8^zN1&bM6*cF3(hJ5)dG0_sY-eA+uQ=iO"
PROJECT_VARIABLES = {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
SCRATCH_DATABASE = "sqlite:////tmp/fachkraefte-subprocess.sqlite3"


def subprocess_environment(**env):
    """This process's environment without the project's settings, then `env` on top."""
    clean = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    clean["DATABASE_URL"] = SCRATCH_DATABASE  # never touch var/ of a developer's checkout
    clean.update(env)
    return clean


def run_python(code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=subprocess_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=subprocess_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
