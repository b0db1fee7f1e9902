"""The e-mail outbox: every e-mail is a row written in the transaction of the change that causes it.

queue_mail() renders and writes the row; after commit a task sends it (deliver). If the broker is down
then, the row waits and send_pending() (every minute, from Celery beat) sends it. Sending locks the row and
marks it sent in the same transaction, with the row's key as Message-ID: a task delivered twice, or the
periodic run meeting a task, sends once. (A worker dying between the SMTP hand-over and the commit would
send again, with the same Message-ID, which mail systems use to drop the duplicate.)
"""

import datetime
import logging
import re
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from fachkraefte.mail import render_mail_template
from fachkraefte.models import OutboundEmail
from fachkraefte.tasks import deliver_mail, enqueue

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10  # then the e-mail is marked failed and waits for someone to look at it in the admin
PENDING_BATCH = 500


# A link in an e-mail may be a key: a new password, an invitation, a specialist's welcome, a new address's
# confirmation. Whoever reads the outbox (programme staff, in the admin) sees where each link leads, not the key.
LINK = re.compile(r"(https?://[^/\s]+)/\S*")


def without_link_keys(text):
    """`text` with every link cut to its site: "https://portal.example.org/…"."""
    return LINK.sub(r"\1/…", text)


def queue_mail(template, to, context, language):
    """Render emails/<template>.* in `language` and write the e-mail to the outbox; it is sent after commit."""
    subject, text, html = render_mail_template(template, context, language)
    email = OutboundEmail.objects.create(
        template=template, to=list(to), language=language, subject=subject[:300], text=text, html=html
    )
    transaction.on_commit(partial(dispatch, email.pk))
    return email


def dispatch(pk):
    """Hand the e-mail to a worker; when the broker is unreachable, it stays pending for send_pending()."""
    enqueue(deliver_mail, pk)


def message_id(email):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{email.key}@{domain}>"


def as_message(email):
    message = EmailMultiAlternatives(email.subject, email.text, to=email.to, headers={"Message-ID": message_id(email)})
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def deliver(pk, *, wait=True):
    """Send e-mail `pk` unless it is sent already; True when this call sent it.

    The row lock makes a second delivery wait (or, with wait=False, pass by) and then find it sent.
    A failure is counted on the row and raised again, so the task retries; after MAX_ATTEMPTS it is failed.
    """
    failure = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update(skip_locked=not wait).filter(pk=pk).first()
        if email is None or email.state != OutboundEmail.State.PENDING:
            return False
        email.attempts += 1
        try:
            as_message(email).send()
        except Exception as error:  # recorded on the row, then raised again below
            failure = error
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.state = OutboundEmail.State.FAILED
        else:
            email.state = OutboundEmail.State.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save(update_fields=["state", "attempts", "last_error", "sent_at"])
    if failure is not None:
        if email.state == OutboundEmail.State.FAILED:
            logger.error("E-mail %s failed %s times, given up: %s", pk, email.attempts, email.last_error)
            return False
        raise failure
    return True


def pending(older_than_seconds):
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return OutboundEmail.objects.filter(state=OutboundEmail.State.PENDING, created_at__lte=cutoff)


def send_pending(older_than_seconds=60):
    """Send the e-mails waiting longer than `older_than_seconds`, oldest first; returns how many were sent.

    Younger ones are left to their own task. A row another process is sending is passed by.
    """
    sent = 0
    for pk in pending(older_than_seconds).order_by("created_at", "pk").values_list("pk", flat=True)[:PENDING_BATCH]:
        try:
            sent += deliver(pk, wait=False)
        except Exception:  # counted on the row; the next run tries again
            logger.warning("E-mail %s could not be sent now", pk, exc_info=True)
    return sent
