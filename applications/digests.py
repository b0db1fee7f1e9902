"""The daily e-mails Celery beat sends (see CELERY_BEAT_SCHEDULE): news digests and the overdue list.

Both are safe to run twice: a news item is marked sent in the same transaction that picks it and
writes the e-mail to the outbox.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import ExpressionOfInterest, QueuedNotification
from applications.notifications import programme_staff
from applications.statistics import overdue_q
from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from partnerships.models import User


@shared_task
def send_news_digests():
    """One e-mail per user with everything queued for them; returns how many e-mails were sent."""
    user_ids = (
        QueuedNotification.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True).distinct().order_by()
    )
    return sum(send_news_digest(user_id) for user_id in list(user_ids))


def send_news_digest(user_id):
    user = User.objects.get(pk=user_id)
    with transaction.atomic():
        # The lock makes a second run at the same time wait, then find the rows sent.
        items = list(
            QueuedNotification.objects.select_for_update(of=("self",))
            .filter(user=user, sent_at__isnull=True)
            .select_related("eoi__partnership")
            .order_by("created_at", "pk")
        )
        if not items:
            return 0
        QueuedNotification.objects.filter(pk__in=[item.pk for item in items], sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not user.is_active or user.email_updates == "none":
            return 0  # they no longer want news: the queue is dropped, not sent later
        context = news_digest_context(user, items)
        queue_mail("news-digest", [user.email], context, user.preferred_language)
    return 1


def news_digest_context(user, items):
    eois = {}
    for item in items:
        entry = eois.setdefault(
            item.eoi_id,
            {
                "number": item.eoi_id,
                "partnership": str(item.eoi.partnership),
                "link": absolute(reverse("applications:detail", args=[item.eoi_id])),
                "lines": [],
            },
        )
        entry["lines"].append(item.text)
    return {
        "name": user.name,
        "count": len(items),
        "eois": list(eois.values()),
        "profile_link": absolute(reverse("partnerships:profile")),
    }


@shared_task
def send_overdue_digest():
    """One e-mail per programme staff member listing the overdue EOIs; nothing when none is overdue."""
    now = timezone.now()
    overdue = (
        ExpressionOfInterest.objects.filter(overdue_q(now))
        .select_related("partnership")
        .order_by("status_changed_at", "pk")
    )
    rows = [overdue_row(eoi, now) for eoi in overdue]
    if not rows:
        return 0
    staff = list(programme_staff())
    with transaction.atomic():
        for user in staff:
            context = {"name": user.name, "count": len(rows), "rows": rows}
            queue_mail("overdue-digest", [user.email], context, user.preferred_language)
    return len(staff)


def overdue_row(eoi, now):
    return {
        "number": eoi.pk,
        "partnership": str(eoi.partnership),
        "status": eoi.status,
        "days": (now - eoi.status_changed_at).days,
        "limit": settings.EOI_STATUS_LIMITS[eoi.status],
        "link": absolute(reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])),
    }
