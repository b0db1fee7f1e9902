"""The `make run` path on the embedded default: migrate, seed twice, then the pages render."""

from tests.subprocess_env import run_python

SCRIPT = """
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.apps import apps

call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
counts = {m._meta.label: m.objects.count() for m in apps.get_app_config("partnerships").get_models()}
call_command("seed_demo", verbosity=0)
again = {m._meta.label: m.objects.count() for m in apps.get_app_config("partnerships").get_models()}
print("IDEMPOTENT", counts == again)
print("PARTNERSHIPS", counts["partnerships.Partnership"], "USERS", counts["partnerships.User"])
client = Client()
print("HOME", client.get("/").status_code, "ADMIN_LOGIN", client.get("/admin/login/").status_code)
print("LOGIN", client.login(username="staff@skew.example", password="demo-Fachkraft-2026"))
print("ADMIN", client.get("/admin/partnerships/country/").status_code)
"""


def test_migrate_and_seed_twice_on_fresh_sqlite_then_pages_render(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    result = run_python(SCRIPT, DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    keys = {"IDEMPOTENT", "PARTNERSHIPS", "HOME", "LOGIN", "ADMIN"}
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.split(" ", 1)[0] in keys)
    assert lines["IDEMPOTENT"] == "True"
    assert lines["PARTNERSHIPS"] == "12 USERS 9"
    assert lines["HOME"] == "200 ADMIN_LOGIN 200"
    assert lines["LOGIN"] == "True"
    assert lines["ADMIN"] == "200"
