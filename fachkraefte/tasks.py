"""The project's own tasks, and the one way the portal queues a task: without waiting for a broker that is down."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args):
    """Queue `task(*args)`; when the broker cannot be reached, log it and return False instead of failing.

    retry=False and the broker's transport options (settings: max_retries 0, a connect timeout) make a
    stopped Redis cost milliseconds, not seconds. ignore_result: nobody reads these results, and waiting for
    the result store (Redis too) would block for ~20 s when it is down. The work is not lost: the periodic
    tasks (send_pending_mail, each app's render_missing_…_pdfs) pick up what was not queued.
    """
    try:
        task.apply_async(args, retry=False, ignore_result=True)
    except OperationalError as error:
        logger.warning("Could not queue %s%r, the periodic task will catch up: %s", task.name, args, error)
        return False
    return True


def enqueue_on_commit(task, *args):
    transaction.on_commit(partial(enqueue, task, *args))


@shared_task
def ping():
    """Answer 'pong': proves a worker is reachable and runs our code."""
    return "pong"


# retry_backoff doubles the wait (1 s, 2 s, 4 s ... at most 10 minutes); the row keeps count of the attempts.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=8,
)
def deliver_mail(pk):
    """Send one outbox e-mail (see fachkraefte/outbox.py); a redelivered or repeated task never sends twice."""
    from fachkraefte import outbox

    return outbox.deliver(pk)


@shared_task(acks_late=True, ignore_result=True)
def send_pending_mail(older_than_seconds=60):
    """Every minute (CELERY_BEAT_SCHEDULE): send the e-mails still waiting, e.g. queued while the broker was down."""
    from fachkraefte import outbox

    return outbox.send_pending(older_than_seconds=older_than_seconds)


@shared_task(ignore_result=True)
def purge_expired_records():
    """Nightly: delete the security log entries and sent e-mails past their retention period."""
    from fachkraefte import retention

    return retention.purge_expired()


@shared_task(ignore_result=True)
def send_news_digests():
    """Every morning: each person who chose daily e-mails gets the news kept for them (fachkraefte/news.py)."""
    from fachkraefte import news

    return news.send_digests()
