"""The e-mail outbox: written with the change that causes it, sent once after commit, caught up when Redis was down."""

import datetime
import json
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from applications import services
from applications.models import Document, ExpressionOfInterest, Status
from fachkraefte import outbox
from fachkraefte.celery import app as celery_app
from fachkraefte.models import OutboundEmail
from fachkraefte.tasks import deliver_mail
from tests.eoi_content import fill
from tests.own_services import OwnRedis, Worker, client, database_url, file_mail_url, message_ids, wait_for
from tests.subprocess_env import run_python

Pending = OutboundEmail.State.PENDING


def ready_to_submit(eoi, german_contact, partner_contact):
    eoi = fill(eoi, german_contact)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_contact)
    services.confirm(eoi, [partner], by=partner_contact)
    return eoi


def test_submission_writes_one_row_per_recipient_in_its_transaction_and_sends_after_commit(
    eoi, german_contact, partner_contact, media, django_capture_on_commit_callbacks
):
    eoi = ready_to_submit(eoi, german_contact, partner_contact)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(eoi, by=german_contact)
        rows = list(OutboundEmail.objects.filter(template="eoi-submitted"))
        assert sorted(r.to[0] for r in rows) == sorted([german_contact.email, partner_contact.email])
        assert {r.state for r in rows} == {Pending}
        assert mail.outbox == []  # nothing leaves before the commit
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == sorted([german_contact.email, partner_contact.email])
    for row in OutboundEmail.objects.filter(template="eoi-submitted"):
        assert row.state == OutboundEmail.State.SENT
        assert row.attempts == 1
        assert row.sent_at is not None
        assert sent[row.to[0]].extra_headers["Message-ID"] == f"<{row.key}@example.org>"
        assert sent[row.to[0]].subject == row.subject


def test_a_rolled_back_submission_leaves_no_email(eoi, german_contact, partner_contact, media):
    eoi = ready_to_submit(eoi, german_contact, partner_contact)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(eoi, by=german_contact)
        assert OutboundEmail.objects.filter(template="eoi-submitted").count() == 2
        raise RuntimeError("something later in the same transaction fails")
    assert not OutboundEmail.objects.exists()
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.DRAFT


def test_submission_keeps_a_pdf_row_per_language_to_print(eoi, german_contact, partner_contact, media):
    eoi = ready_to_submit(eoi, german_contact, partner_contact)
    services.submit(eoi, by=german_contact)  # in the test's transaction: the rendering waits for a commit
    assert sorted(eoi.documents.values_list("language", "state")) == [("de", "preparing"), ("fr", "preparing")]


@pytest.fixture
def queued(db, german_contact):
    """One e-mail in the outbox, not yet handed to a worker."""
    return outbox.queue_mail("verify-email", [german_contact.email], {"name": "Karin", "link": "https://x"}, "en")


def test_delivering_twice_sends_once(queued):
    assert outbox.deliver(queued.pk) is True
    assert outbox.deliver(queued.pk) is False
    deliver_mail.apply(args=(queued.pk,))  # a redelivered task
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{queued.key}@example.org>"


def test_a_failed_attempt_is_counted_and_raised_then_given_up(queued, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        outbox.deliver(queued.pk)
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (Pending, 1)
    assert "SMTPServerDisconnected" in queued.last_error
    OutboundEmail.objects.filter(pk=queued.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    assert outbox.deliver(queued.pk) is False  # the last attempt: failed, for someone to look at
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (OutboundEmail.State.FAILED, outbox.MAX_ATTEMPTS)
    assert outbox.send_pending(older_than_seconds=0) == 0
    assert mail.outbox == []


def test_when_the_broker_is_down_the_email_waits_and_the_request_goes_on(queued, monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")

    monkeypatch.setattr(deliver_mail, "apply_async", broker_down)
    outbox.dispatch(queued.pk)
    queued.refresh_from_db()
    assert queued.state == Pending
    assert "Could not queue fachkraefte.tasks.deliver_mail" in caplog.text
    assert mail.outbox == []


def test_the_periodic_run_sends_what_waits_longer_than_a_minute_and_nothing_else(queued, german_contact):
    young = outbox.queue_mail("verify-email", [german_contact.email], {"name": "K", "link": "https://y"}, "de")
    OutboundEmail.objects.filter(pk=queued.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    assert outbox.send_pending() == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [f"<{queued.key}@example.org>"]
    young.refresh_from_db()
    assert young.state == Pending
    assert outbox.send_pending() == 0


def test_the_periodic_runs_are_in_the_beat_schedule():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {
        "fachkraefte.tasks.send_pending_mail",
        "applications.tasks.render_missing_eoi_pdfs",
        "placements.tasks.render_missing_report_pdfs",
        "fachkraefte.tasks.send_news_digests",
        "placements.tasks.remind_reports",
    } <= tasks
    assert all(name in celery_app.tasks for name in tasks)  # each scheduled task is registered


# --- with a real Redis that is stopped, and a real worker ---------------------------------------------------

SUBMIT_THROUGH_THE_PAGE = """
import json, time
import django
django.setup()
from django.test import Client
from django.urls import reverse
from partnerships.models import User
client = Client()
client.force_login(User.objects.get(pk={user}))
start = time.monotonic()
response = client.post(reverse("applications:submit", args=[{eoi}]))
print(json.dumps({{"status": response.status_code, "seconds": time.monotonic() - start}}))
"""


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.stop()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_the_submission_succeeds_and_its_emails_go_out_once_when_redis_is_back(
    eoi, german_contact, partner_contact, own_redis, tmp_path
):
    eoi = ready_to_submit(eoi, german_contact, partner_contact)
    own_redis.stop()
    env = {"MEDIA_ROOT": str(tmp_path / "media")}
    result = run_python(
        SUBMIT_THROUGH_THE_PAGE.format(user=german_contact.pk, eoi=eoi.pk),
        CELERY_BROKER_URL=own_redis.url,
        DATABASE_URL=database_url(),
        **env,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 302
    assert answer["seconds"] < 3, answer  # a stopped Redis costs milliseconds, never the request
    assert "Could not queue fachkraefte.tasks.deliver_mail" in result.stderr
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.SUBMITTED
    waiting = OutboundEmail.objects.filter(template="eoi-submitted")
    assert sorted(e.to[0] for e in waiting) == sorted([german_contact.email, partner_contact.email])
    assert {e.state for e in waiting} == {Pending}

    own_redis.start()
    mail_dir = tmp_path / "mail"
    worker = Worker(own_redis.url, EMAIL_URL=file_mail_url(mail_dir), **env).start()
    try:
        waiting.update(created_at=timezone.now() - datetime.timedelta(minutes=2))  # as beat would find them
        sender = client(own_redis.url)
        sender.send_task("fachkraefte.tasks.send_pending_mail")
        wait_for(lambda: not waiting.filter(state=Pending).exists(), what="the pending e-mails to be sent")
        for email in waiting:  # a second run and a stray task find them sent
            sender.send_task("fachkraefte.tasks.deliver_mail", args=[email.pk])
        sender.send_task("fachkraefte.tasks.send_pending_mail")
        sender.send_task("applications.tasks.render_missing_eoi_pdfs", kwargs={"older_than_seconds": 0})
        assert sender.send_task("fachkraefte.tasks.ping").get(timeout=60) == "pong"  # the queue is worked off
        wait_for(
            lambda: not Document.objects.filter(eoi=eoi, state=Document.State.PREPARING).exists(),
            what="the PDFs that were never queued",
        )
    finally:
        worker.stop()
    keys = sorted(f"<{e.key}@example.org>" for e in waiting)
    assert sorted(message_ids(mail_dir)) == keys
    assert all(e.state == OutboundEmail.State.SENT and e.attempts == 1 for e in waiting)
    documents = Document.objects.filter(eoi=eoi)
    assert sorted(d.language for d in documents) == ["de", "fr"]
    assert all((tmp_path / "media" / d.file.name).exists() for d in documents)


def test_staff_reading_the_outbox_see_where_links_lead_not_their_keys(client, staff, german_contact):
    """A password reset's or an invitation's link is a key: whoever reads the outbox could use it."""
    key = "Mw/d2x7k4-5f0c2e9a7b1d3e5f7a9b1c3d5e7f9a1b"
    email = OutboundEmail.objects.create(
        template="password-reset",
        to=[german_contact.email],
        language="de",
        subject="Neues Passwort",
        text=f"Hallo <Anna>,\nhier: https://portal.example.org/accounts/reset/{key}/\nGruß",
        html=f'<a href="https://portal.example.org/accounts/reset/{key}/">hier</a>',
    )
    client.force_login(staff)
    page = client.get(reverse("admin:fachkraefte_outboundemail_change", args=[email.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "https://portal.example.org/…" in html
    assert "d2x7k4" not in html and "Hallo &lt;Anna&gt;,<br>" in html


def test_without_link_keys_cuts_every_link_to_its_site():
    text = "a http://127.0.0.1:8000/x/y?z=1 b https://portal.example.org/ c https://portal.example.org"
    assert outbox.without_link_keys(text) == (
        "a http://127.0.0.1:8000/… b https://portal.example.org/… c https://portal.example.org"
    )
