"""Queries and time of the staff changelist and dashboard and the applicants' dashboard, 10 and 1,000 EOIs.

Runs on a scratch SQLite database (or DATABASE_URL if set): `make bench`.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fachkraefte.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from applications.models import Event, ExpressionOfInterest, Participant  # noqa: E402
from partnerships.models import MembershipRole, MunicipalityMembership, Partnership, Role, User  # noqa: E402


def build(total):
    partnership = Partnership.objects.get(name="Berlin – Windhoek")
    contact = User.objects.get(email="kontakt@berlin.example")
    have = ExpressionOfInterest.objects.count()
    municipalities = list(partnership.participants.all())
    for _ in range(total - have):
        eoi = ExpressionOfInterest.objects.create(partnership=partnership, specialist_model="local", created_by=contact)
        Participant.objects.bulk_create(
            Participant(eoi=eoi, municipality=p.municipality, side=p.side) for p in municipalities
        )
        Event.objects.create(eoi=eoi, kind=Event.Kind.CREATED, actor=contact)


def measure(client, url, runs=5):
    connection.queries_log.clear()  # a full log (9,000 entries) would hide the new ones
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return len(queries), statistics.median(times) * 1000


def main():
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    staff = User.objects.get(email="staff@skew.example")
    contact = User.objects.get(email="kontakt@berlin.example")
    assert staff.groups.filter(name=Role.PROGRAMME_STAFF).exists()
    assert MunicipalityMembership.objects.filter(user=contact, role=MembershipRole.CONTACT).exists()
    staff_client, contact_client = Client(), Client()
    staff_client.force_login(staff)
    contact_client.force_login(contact)
    pages = {
        "staff changelist (100 a page)": (staff_client, "/admin/applications/expressionofinterest/"),
        "staff dashboard (all EOIs aggregated)": (staff_client, "/admin/applications/expressionofinterest/dashboard/"),
        "applicants' dashboard (25 a page)": (contact_client, "/applications/"),
    }
    print(f"{'page':42} {'EOIs':>6} {'queries':>8} {'median ms':>10}")
    for total in (10, 1000):
        build(total)
        for name, (client, url) in pages.items():
            queries, millis = measure(client, url)
            print(f"{name:42} {total:>6} {queries:>8} {millis:>10.1f}")


if __name__ == "__main__":
    main()
