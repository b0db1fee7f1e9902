"""How long the portal keeps its own records of people: the security log and the e-mails it sent.

Both hold personal data (names, addresses, IP addresses) that is needed for a while and then only a risk.
The change history of EOIs, placements and candidates is programme record and is not purged here;
candidates' history goes with their anonymisation (placements/candidates.py).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from fachkraefte.models import AuditEntry, OutboundEmail


def purge_expired(now=None):
    """Delete security log entries and sent e-mails past their retention period; return how many of each."""
    now = now or timezone.now()
    log_cutoff = now - datetime.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    mail_cutoff = now - datetime.timedelta(days=settings.SENT_MAIL_RETENTION_DAYS)
    log_deleted, _ = AuditEntry.objects.filter(at__lt=log_cutoff).delete()
    # Mail still waiting or failed stays, whatever its age: staff must see what never went out.
    mail_deleted, _ = OutboundEmail.objects.filter(state=OutboundEmail.State.SENT, sent_at__lt=mail_cutoff).delete()
    return {"security_log": log_deleted, "sent_mail": mail_deleted}
