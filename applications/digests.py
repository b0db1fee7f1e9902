"""The overdue list Celery beat sends programme staff each working day (ApplicationsConfig.periodic_tasks).

The daily digest of news is fachkraefte.news's.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applications.models import ExpressionOfInterest
from applications.notifications import programme_staff
from applications.statistics import overdue_q
from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail


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
