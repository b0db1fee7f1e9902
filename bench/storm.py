"""Storm: 200 submissions and staff transitions while the broker is stopped for a while and the worker killed twice.

Everything is its own: a scratch PostgreSQL database (fachkraefte_storm), a Redis on a free port 6391-6399, a
worker (2 processes) started and SIGKILLed by this script, media and e-mail files in a temporary directory.
Afterwards it checks and prints: every submission and transition stored once, every e-mail sent exactly once
(the Message-IDs the file backend wrote against the outbox rows), every PDF on disk. `make storm`
"""

import datetime
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from tests.own_services import OwnRedis, file_mail_url, message_ids  # noqa: E402 - no Django needed

EOIS = 100  # each is submitted, then moved to review: 200 operations
PACE = 0.2  # seconds between operations, so that the faults fall while the worker is busy
DATABASE = "fachkraefte_storm"
WORK = Path(tempfile.mkdtemp(prefix="storm-"))
REDIS = OwnRedis()
os.environ.update(
    DJANGO_SETTINGS_MODULE="fachkraefte.settings",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    CELERY_BROKER_URL=REDIS.url,
    MEDIA_ROOT=str(WORK / "media"),
    EMAIL_URL=file_mail_url(WORK / "mail"),
    CELERY_VISIBILITY_TIMEOUT="5",
    LOG_LEVEL="WARNING",
)


def create_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")


create_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from applications import services  # noqa: E402
from applications.models import Document, Event, ExpressionOfInterest, Status  # noqa: E402
from fachkraefte.models import OutboundEmail  # noqa: E402
from partnerships.models import Country, MembershipRole, ModelAvailability, Role, SpecialistModel  # noqa: E402
from tests.eoi_content import fill  # noqa: E402
from tests.factories import (  # noqa: E402
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.own_services import Worker, client  # noqa: E402


class Counting(logging.Handler):
    """Counts the 'could not queue' warnings instead of printing 200 of them."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        self.count += 1


def seed():
    namibia, _ = Country.objects.get_or_create(code="NA")
    namibia.oda_listings.get_or_create(valid_from=datetime.date(2024, 1, 1))
    for model in SpecialistModel:
        ModelAvailability.objects.update_or_create(country=namibia, model=model, defaults={"is_open": True})
    german, partner = GermanMunicipalityFactory(name="Sturmstadt"), PartnerMunicipalityFactory(country="NA")
    partnership = PartnershipFactory(german=german, partner=partner)
    german_contact = MembershipFactory(municipality=german, role=MembershipRole.CONTACT).user
    partner_contact = UserFactory(preferred_language="de")  # one language: one PDF per EOI
    MembershipFactory(user=partner_contact, municipality=partner, role=MembershipRole.CONTACT)
    staff = UserFactory(is_staff=True, roles=[Role.PROGRAMME_STAFF])
    eois = []
    for _ in range(EOIS):
        eoi = services.start(partnership, [german, partner], "integrated", by=german_contact)
        eoi = fill(eoi, german_contact)
        services.confirm(eoi, [german], by=german_contact)
        services.confirm(eoi, [partner], by=partner_contact)
        eois.append(eoi)
    return eois, german_contact, staff


def operations(eois, contact, staff):
    """Submit each EOI and move the one before to review: submissions and transitions interleaved."""
    for i, eoi in enumerate(eois):
        yield "submit", lambda eoi=eoi: services.submit(eoi, by=contact)
        if i:
            yield "transition", lambda eoi=eois[i - 1]: services.transition(eoi, "start_review", by=staff)
    yield "transition", lambda: services.transition(eois[-1], "start_review", by=staff)


def storm(eois, contact, staff, worker):
    """Run the 200 operations; the faults come at fixed points. Returns each operation's seconds and phase."""
    faults = {40: "kill worker", 70: "stop redis", 110: "start redis", 150: "kill worker"}
    timings = []
    redis_down = False
    for n, (kind, operation) in enumerate(operations(eois, contact, staff)):
        fault = faults.get(n)
        if fault == "kill worker":
            worker.kill()
            worker.start()
        elif fault == "stop redis":
            REDIS.stop()
            redis_down = True
        elif fault == "start redis":
            REDIS.start()
            redis_down = False
        if fault:
            print(f"  after {n} operations: {fault}")
        start = time.perf_counter()
        operation()
        timings.append((kind, redis_down, time.perf_counter() - start))
        time.sleep(PACE)
    return timings


def catch_up(timeout=300):
    """What beat would do every minute: send what is pending, queue again the PDFs never printed."""
    sender = client(REDIS.url)
    queue = redis.Redis(port=REDIS.port)
    deadline = time.monotonic() + timeout
    rounds = 0
    while time.monotonic() < deadline:
        pending = OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT).count()
        preparing = Document.objects.filter(state=Document.State.PREPARING).count()
        if not pending and not preparing:
            return rounds
        if queue.llen("celery"):  # the worker is still busy with what was queued
            time.sleep(2)
            continue
        rounds += 1
        sender.send_task("fachkraefte.tasks.send_pending_mail", kwargs={"older_than_seconds": 30})
        sender.send_task("applications.tasks.render_missing_eoi_pdfs", kwargs={"older_than_seconds": 60})
        sender.send_task("placements.tasks.render_missing_report_pdfs", kwargs={"older_than_seconds": 60})
        time.sleep(10)
    raise SystemExit(f"Not caught up after {timeout} s: {pending} e-mails pending, {preparing} PDFs preparing")


def check_and_print(eois, timings, durations, warnings, catch_up_rounds):
    ids = Counter(message_ids(WORK / "mail"))
    rows = OutboundEmail.objects.all()
    keys = {f"<{row.key}@example.org>" for row in rows}
    documents = Document.objects.filter(eoi__in=eois)
    on_disk = [d for d in documents if d.file and (Path(settings.MEDIA_ROOT) / d.file.name).exists()]
    figures = {
        "EOIs submitted (stored, one event each)": ExpressionOfInterest.objects.filter(status=Status.IN_REVIEW).count(),
        "submission events": Event.objects.filter(kind=Event.Kind.SUBMITTED).count(),
        "transition events": Event.objects.filter(kind=Event.Kind.STATUS_CHANGED).count(),
        "e-mails in the outbox": rows.count(),
        "e-mails sent (state)": rows.filter(state=OutboundEmail.State.SENT).count(),
        "Message-IDs written by the backend": sum(ids.values()),
        "distinct Message-IDs": len(ids),
        "Message-IDs written more than once": sum(1 for n in ids.values() if n > 1),
        "tasks not queued (broker down)": warnings,
        "PDFs ready and on disk": len(on_disk),
    }
    for name, value in figures.items():
        print(f"  {name:42} {value:>6}")
    for label, selected in (
        ("all operations", [t for _, _, t in timings]),
        ("submissions", [t for kind, _, t in timings if kind == "submit"]),
        ("transitions", [t for kind, _, t in timings if kind == "transition"]),
        ("operations while Redis was down", [t for _, down, t in timings if down]),
    ):
        print(
            f"  {label:42} n={len(selected):>3}  median {statistics.median(selected) * 1000:6.1f} ms"
            f"  max {max(selected) * 1000:7.1f} ms"
        )
    for name, seconds in durations.items():
        print(f"  {name:42} {seconds:6.1f} s")
    print(f"  {'catch-up rounds (when the queue was empty)':42} {catch_up_rounds:>6}")
    assert figures["EOIs submitted (stored, one event each)"] == EOIS
    assert figures["submission events"] == EOIS and figures["transition events"] == EOIS
    assert figures["e-mails in the outbox"] == 4 * EOIS == figures["e-mails sent (state)"]
    assert set(ids) == keys, "an e-mail was not sent, or a message was sent that is not in the outbox"
    assert figures["Message-IDs written more than once"] == 0
    assert len(on_disk) == EOIS == documents.count()


def main():
    started = time.perf_counter()
    REDIS.start()
    call_command("migrate", verbosity=0)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    eois, contact, staff = seed()
    seeded = time.perf_counter()
    counting = Counting()
    queue_log = logging.getLogger("fachkraefte.tasks")
    queue_log.addHandler(counting)
    queue_log.propagate = False
    connections.close_all()
    # MEDIA_ROOT, EMAIL_URL and the visibility timeout are inherited from this process's environment.
    worker = Worker(REDIS.url, "prefork", log=WORK / "worker.log").start()
    try:
        print(f"Storm: {2 * EOIS} operations on {EOIS} EOIs; own Redis on port {REDIS.port}; files in {WORK}")
        assert client(REDIS.url).send_task("fachkraefte.tasks.ping").get(timeout=120) == "pong"
        seeded = time.perf_counter()
        timings = storm(eois, contact, staff, worker)
        stormed = time.perf_counter()
        left = {
            "e-mails waiting when the storm ended": OutboundEmail.objects.exclude(state=OutboundEmail.State.SENT),
            "PDFs waiting when the storm ended": Document.objects.filter(state=Document.State.PREPARING),
        }
        for name, waiting in left.items():
            print(f"  {name:42} {waiting.count():>6}")
        rounds = catch_up()
        caught_up = time.perf_counter()
    finally:
        worker.stop()
        REDIS.stop()
    durations = {
        "set-up (migrate, 100 EOIs ready, worker up)": seeded - started,
        f"the storm (200 operations, {PACE} s apart)": stormed - seeded,
        "until everything was sent and printed": caught_up - stormed,
        "in all": caught_up - started,
    }
    check_and_print(eois, timings, durations, counting.count, rounds)
    print("Every submission stored, every e-mail sent exactly once, every PDF exists.")


if __name__ == "__main__":
    main()
