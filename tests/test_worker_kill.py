"""A real worker SIGKILLed in the middle of a task: after a restart the work is done, and no e-mail goes twice."""

import os
import signal

import pytest

from applications.models import Document
from fachkraefte.models import OutboundEmail
from tests.eoi_content import fill
from tests.own_services import OwnRedis, Worker, client, file_mail_url, message_ids, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
VISIBILITY_TIMEOUT = 3  # seconds before Redis gives an unacknowledged task of a dead worker to another


@pytest.fixture
def own_redis():
    server = OwnRedis().start()
    yield server
    server.stop()


@pytest.fixture
def workers(transactional_db, own_redis):
    """Start workers on the test's Redis; all are stopped before the test database is flushed."""
    started = []

    def start(**env):
        worker = Worker(own_redis.url, **{"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT), **env})
        started.append(worker.start())
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def slow_mail(tmp_path):
    mail_dir = tmp_path / "mail"
    marker = tmp_path / "sending"
    env = {
        "EMAIL_URL": file_mail_url(mail_dir),
        "EMAIL_BACKEND": "tests.slow_mail_backend.EmailBackend",
        "SLOW_MAIL_SECONDS": "60",
        "SLOW_MAIL_MARKER": str(marker),
    }
    return env, mail_dir, marker


def an_email():
    return OutboundEmail.objects.create(
        template="verify-email", to=["karin@example.org"], language="en", subject="Hello", text="Hello Karin"
    )


def test_a_worker_killed_while_sending_is_replaced_and_the_email_goes_out_once(own_redis, workers, slow_mail):
    env, mail_dir, marker = slow_mail
    email = an_email()
    first = workers(**env)
    client(own_redis.url).send_task("fachkraefte.tasks.deliver_mail", args=[email.pk])
    wait_for(marker.exists, what="the worker to start sending")
    first.kill()
    email.refresh_from_db()
    assert email.state == OutboundEmail.State.PENDING
    assert message_ids(mail_dir) == []

    workers(**env)  # Redis hands the unacknowledged task over after the visibility timeout
    wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.SENT, what="the e-mail")
    assert client(own_redis.url).send_task("fachkraefte.tasks.ping").get(timeout=60) == "pong"
    assert message_ids(mail_dir) == [f"<{email.key}@example.org>"]
    email.refresh_from_db()
    assert email.attempts == 1  # the killed attempt rolled back with its transaction


def test_a_pool_process_killed_while_sending_is_rejected_and_redelivered_at_once(own_redis, workers, slow_mail):
    """reject_on_worker_lost: the worker's main process sees its pool process die and requeues the task."""
    env, mail_dir, marker = slow_mail
    email = an_email()
    workers(**{**env, "CELERY_VISIBILITY_TIMEOUT": "3600"}, pool="prefork")
    client(own_redis.url).send_task("fachkraefte.tasks.deliver_mail", args=[email.pk])
    wait_for(marker.exists, what="the worker to start sending")
    os.kill(int(marker.read_text()), signal.SIGKILL)
    wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).state == OutboundEmail.State.SENT, what="the e-mail")
    assert message_ids(mail_dir) == [f"<{email.key}@example.org>"]


def test_a_worker_killed_while_printing_a_pdf_is_replaced_and_the_pdf_is_made(
    own_redis, workers, eoi, german_contact, tmp_path
):
    eoi = fill(eoi, german_contact)
    document = Document.objects.create(eoi=eoi, language="de", fingerprint=eoi.fingerprint())
    marker = tmp_path / "printing"
    env = {"MEDIA_ROOT": str(tmp_path / "media"), "SLOW_PDF_SECONDS": "60", "SLOW_PDF_MARKER": str(marker)}
    first = workers(**env)
    client(own_redis.url).send_task("applications.tasks.render_eoi_pdf", args=[eoi.pk, "de"])
    wait_for(marker.exists, what="the worker to start printing")
    first.kill()
    document.refresh_from_db()
    assert (document.state, document.file.name) == (Document.State.PREPARING, "")

    workers(**env)
    wait_for(lambda: Document.objects.get(pk=document.pk).state == Document.State.READY, timeout=90, what="the PDF")
    document.refresh_from_db()
    pdf = tmp_path / "media" / document.file.name
    assert pdf.read_bytes().startswith(b"%PDF")
    assert [p.name for p in pdf.parent.iterdir()] == [pdf.name]  # one file, nothing left of the killed run
