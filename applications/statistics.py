"""Figures for the staff dashboard: pure functions over a queryset of EOIs, a few queries each."""

import datetime
import statistics
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Now
from django.utils import timezone

from applications.models import FINAL_STATES, Event, ExpressionOfInterest, Participant, Status
from partnerships import countries
from partnerships.models import Side, SpecialistModel

SECONDS_PER_DAY = 86400


def overdue_q(now=None):
    """EOIs that stayed longer in their status than settings.EOI_STATUS_LIMITS allows, at `now`.

    One rule for the dashboard, the changelist filter, the work queue and the daily overdue digest. Without `now`
    it is reckoned from the database's clock: the query names no moment, so its SQL is the same at every request
    (the work queue builds its SQL once).
    """
    now = Now() if now is None else now
    query = Q(pk__in=[])
    for status, days in settings.EOI_STATUS_LIMITS.items():
        query |= Q(status=status, status_changed_at__lt=now - datetime.timedelta(days=days))
    # Implied by the above; said once more, PostgreSQL reads only these statuses' part of the status index.
    return Q(status__in=list(settings.EOI_STATUS_LIMITS)) & query


def status_counts(queryset):
    """[(Status, count)] for every status, in workflow order, zero included."""
    counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status, counts.get(status.value, 0)) for status in Status]


def status_periods(queryset, now=None):
    """{status: [days spent in it]} for the EOIs of `queryset`, from the event record.

    A period starts when an EOI enters a status (the EOI's creation for its first status, else the
    event that set `to_status`) and ends at the next status change, or now for the current status.
    """
    now = now or timezone.now()
    eois = queryset.order_by().values_list("pk", "created_at", "status")
    changes = (
        Event.objects.filter(eoi__in=queryset)
        .exclude(to_status="")
        .order_by("eoi_id", "created_at", "pk")
        .values_list("eoi_id", "from_status", "to_status", "created_at")
    )
    periods = {status: [] for status in Status}
    changes_by_eoi = {eoi_id: list(rows) for eoi_id, rows in groupby(changes, key=lambda row: row[0])}
    for eoi_id, created_at, current_status in eois:
        rows = changes_by_eoi.get(eoi_id, [])
        status = rows[0][1] if rows else current_status
        since = created_at
        for _eoi_id, _from_status, to_status, at in rows:
            periods[Status(status)].append((at - since).total_seconds() / SECONDS_PER_DAY)
            status, since = to_status, at
        periods[Status(status)].append((now - since).total_seconds() / SECONDS_PER_DAY)
    return periods


@dataclass
class StatusDuration:
    status: Status
    median_days: float | None
    periods: int


def median_days_per_status(queryset, now=None):
    """[StatusDuration] for every status that is not final (time in a final status grows forever)."""
    periods = status_periods(queryset, now)
    return [
        StatusDuration(status, statistics.median(periods[status]) if periods[status] else None, len(periods[status]))
        for status in Status
        if status not in FINAL_STATES
    ]


@dataclass
class Overdue:
    eoi: ExpressionOfInterest
    days_in_status: int
    limit: int


def overdue_eois(queryset, now=None):
    """The EOIs of `queryset` past their status's limit, the longest waiting first (a queryset, to paginate)."""
    now = now or timezone.now()
    late = queryset.filter(overdue_q(now)).select_related("partnership").order_by("status_changed_at", "pk")
    return late.prefetch_related(None)


def overdue_rows(eois, now):
    """[Overdue] of the given overdue EOIs."""
    return [Overdue(eoi, (now - eoi.status_changed_at).days, settings.EOI_STATUS_LIMITS[eoi.status]) for eoi in eois]


def overdue(queryset, now=None):
    """[Overdue] of the EOIs past their status's limit, the longest waiting first."""
    now = now or timezone.now()
    return overdue_rows(overdue_eois(queryset, now), now)


def partner_country_codes(queryset):
    """[(country code, EOIs)] by partner country; an EOI counts once per country."""
    rows = (
        Participant.objects.filter(eoi__in=queryset, side=Side.PARTNER)
        .order_by()
        .values_list("municipality__country")
        .annotate(n=Count("eoi", distinct=True))
    )
    return list(rows)


def partner_country_counts(queryset):
    """[(country name, EOIs)] by partner country, the most first; an EOI counts once per country."""
    named = [(countries.name(code), n) for code, n in partner_country_codes(queryset)]
    return sorted(named, key=lambda pair: (-pair[1], str(pair[0])))


def specialist_model_counts(queryset):
    """[(SpecialistModel, count)] for every model, zero included."""
    counts = dict(queryset.order_by().values_list("specialist_model").annotate(n=Count("pk")))
    return [(model, counts.get(model.value, 0)) for model in SpecialistModel]
