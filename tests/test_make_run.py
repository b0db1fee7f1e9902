"""The `make run` path on the embedded default: migrate, seed twice, then the pages render, and the demo staff
user logs in through the form with the printed password and a code from the printed authenticator key."""

import pytest
from django.core.management import CommandError, call_command

from tests.production_env import COMPLETE
from tests.subprocess_env import run_manage, run_python

SCRIPT = """
import base64, io, re
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.apps import apps
from django_otp.oath import totp

call_command("migrate", verbosity=0)
printed = io.StringIO()
call_command("seed_demo", verbosity=0, stdout=printed)
def count_rows():
    app_labels = ("partnerships", "applications", "placements")
    return {m._meta.label: m.objects.count() for a in app_labels for m in apps.get_app_config(a).get_models()}
counts = count_rows()
call_command("seed_demo", verbosity=0, stdout=io.StringIO())
print("IDEMPOTENT", counts == count_rows())
print("PARTNERSHIPS", counts["partnerships.Partnership"], "USERS", counts["partnerships.User"])
from applications.models import ExpressionOfInterest
from partnerships.models import User
print("STAGES", ",".join(sorted(ExpressionOfInterest.objects.values_list("status", flat=True))))
print("PLACEMENT", counts["placements.Placement"], "ACTIVITIES", counts["placements.Activity"],
      "CANDIDATES", counts["placements.Candidate"], "EVENTS", counts["placements.NetworkEvent"])
specialist = Client()
specialist.force_login(User.objects.get(email="fachkraft@demo.example"))
page = specialist.get("/placements/mine/", follow=True)
print("MY_PLACEMENT", page.status_code, "Windhoek" in page.content.decode())
output = printed.getvalue()
password = re.search(r"password: (\\S+)", output).group(1)
secret = re.search(r"secret: ([A-Z2-7]+)", output).group(1)
print("URI", "otpauth://totp/" in output and f"secret={secret}" in output)
client = Client()
print("HOME", client.get("/").status_code, "ADMIN_LOGIN", client.get("/admin/login/").status_code)
response = client.post("/accounts/login/?next=/admin/partnerships/country/",
                       {"username": "staff@skew.example", "password": password})
print("PASSWORD", response.status_code, response["Location"].split("?")[0])
print("BEFORE_CODE", client.get("/admin/partnerships/country/").status_code)
code = f"{totp(base64.b32decode(secret)):06d}"
response = client.post(response["Location"], {"code": code})
print("CODE", response.status_code, response["Location"])
print("ADMIN", client.get("/admin/partnerships/country/").status_code)
"""


def test_migrate_and_seed_twice_on_fresh_sqlite_then_pages_render(copy_of_migrated_sqlite):
    """The database was migrated from nothing (the fixture); `make run` migrates again, which finds nothing to do."""
    result = run_python(SCRIPT, DATABASE_URL=copy_of_migrated_sqlite)
    assert result.returncode == 0, result.stderr
    keys = {"IDEMPOTENT", "PARTNERSHIPS", "STAGES", "PLACEMENT", "MY_PLACEMENT", "URI", "HOME", "PASSWORD"}
    keys |= {"BEFORE_CODE", "CODE", "ADMIN"}
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.split(" ", 1)[0] in keys)
    assert lines["IDEMPOTENT"] == "True"
    assert lines["PARTNERSHIPS"] == "12 USERS 9"
    # An EOI at each stage a user would want to look at, and a running placement with its log.
    assert lines["STAGES"] == "draft,needs_dialogue,placed,recruitment,submitted"
    assert lines["PLACEMENT"] == "1 ACTIVITIES 4 CANDIDATES 4 EVENTS 1"
    assert lines["MY_PLACEMENT"] == "200 True"
    assert lines["URI"] == "True"
    assert lines["HOME"] == "200 ADMIN_LOGIN 302"  # the admin's login sends to the portal's
    assert lines["PASSWORD"] == "302 /accounts/two-factor/"
    assert lines["BEFORE_CODE"] == "302"
    assert lines["CODE"] == "302 /admin/partnerships/country/"
    assert lines["ADMIN"] == "200"


def test_seed_demo_refuses_to_run_in_production(tmp_path):
    database = tmp_path / "production.sqlite3"
    result = run_manage("seed_demo", **{**COMPLETE, "DATABASE_URL": f"sqlite:///{database}"})
    assert result.returncode != 0
    assert "refused in production" in result.stderr
    assert "demo-Fachkraft-2026" not in result.stdout


def test_seed_demo_refuses_when_production_is_set(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused in production"):
        call_command("seed_demo")
