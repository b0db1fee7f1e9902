"""What waits for programme staff in the applications app (see fachkraefte.work): EOIs submitted for review,
EOIs resubmitted after a return, terms of reference the municipalities agreed and staff have not, and EOIs
that stayed longer in their status than settings.EOI_STATUS_LIMITS allows.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Event, ExpressionOfInterest, Status, TermsAgreement, TermsOfReference
from applications.statistics import overdue_q
from fachkraefte import work

SUBMITTED = "eoi_submitted"
RESUBMITTED = "eoi_resubmitted"
TERMS = "terms_to_agree"
OVERDUE = "eoi_overdue"


def is_overdue(eoi, now):
    limit = settings.EOI_STATUS_LIMITS.get(eoi.status)
    return limit is not None and eoi.status_changed_at < now - datetime.timedelta(days=limit)


def admin_link(eoi_id):
    return reverse("admin:applications_expressionofinterest_change", args=[eoi_id])


# --- submitted, and submitted again after a return -------------------------------------------------------
def was_returned():
    """Whether the EOI was returned for changes once (index event_returned_idx: those few among all events)."""
    return Exists(Event.objects.filter(eoi=OuterRef("pk"), to_status=Status.RETURNED))


def submitted(*, resubmitted):
    """EOIs waiting for the eligibility review; `resubmitted`: those returned for changes before."""
    eois = ExpressionOfInterest.objects.filter(status=Status.SUBMITTED)
    return eois.filter(was_returned() if resubmitted else ~was_returned())


# What submitted_items give as `since`, for the work queue's order (fachkraefte.work.Queue).
SUBMITTED_SINCE = Coalesce("submitted_at", "status_changed_at")


def submitted_items(key, label, mark=""):
    def items(eois):
        now = timezone.now()
        for eoi in eois.select_related("partnership"):
            yield work.WorkItem(
                pk=eoi.pk,
                kind=key,
                label=str(label),
                title=str(eoi),
                since=eoi.submitted_at or eoi.status_changed_at,
                url=admin_link(eoi.pk),
                overdue=is_overdue(eoi, now),
                mark=str(mark),
            )

    return items


# --- terms of reference waiting for staff's agreement ----------------------------------------------------
def terms_waiting_for_staff():
    """The newest version of each EOI's terms in the needs dialogue: every municipality agreed, staff not yet.

    `since` is when the last municipality agreed: from then on it waits for staff alone.
    """
    newer = TermsOfReference.objects.filter(eoi=OuterRef("eoi"), number__gt=OuterRef("number"))
    by_staff = TermsAgreement.objects.filter(terms=OuterRef("pk"), municipality__isnull=True)
    return (
        TermsOfReference.objects.filter(eoi__status=Status.NEEDS_DIALOGUE, municipalities_agreed_at__isnull=False)
        .exclude(Exists(newer))
        .exclude(Exists(by_staff))
        .annotate(since=F("municipalities_agreed_at"))
    )


def terms_items(terms_versions):
    now = timezone.now()
    for terms in terms_versions.select_related("eoi__partnership"):
        yield work.WorkItem(
            pk=terms.pk,
            kind=TERMS,
            label=str(TERMS_LABEL),
            title=gettext("%(eoi)s – terms of reference, version %(number)s")
            % {"eoi": terms.eoi, "number": terms.number},
            since=terms.since,
            url=reverse("applications:terms", args=[terms.eoi_id]),
            overdue=is_overdue(terms.eoi, now),
        )


# --- EOIs past their status's limit that no other kind lists ---------------------------------------------
def overdue():
    """Overdue EOIs. The queue lists those no other kind lists (WorkKind.unlisted_eois_only): the kind that lists
    one (to review, to hand over, ...) flags it overdue instead."""
    return ExpressionOfInterest.objects.filter(overdue_q())


def overdue_items(eois):
    now = timezone.now()
    for eoi in eois.select_related("partnership"):
        yield work.WorkItem(
            pk=eoi.pk,
            kind=OVERDUE,
            label=str(OVERDUE_LABEL),
            title=str(eoi),
            since=eoi.status_changed_at,
            url=admin_link(eoi.pk),
            overdue=is_overdue(eoi, now),
            mark=gettext("%(status)s for %(days)s days (limit: %(limit)s)")
            % {
                "status": eoi.get_status_display(),
                "days": (now - eoi.status_changed_at).days,
                "limit": settings.EOI_STATUS_LIMITS[eoi.status],
            },
        )


TERMS_LABEL = _("Terms of reference to agree")
OVERDUE_LABEL = _("Overdue")


def staff_work():
    return [
        work.WorkKind(
            SUBMITTED,
            _("Submitted for review"),
            lambda: submitted(resubmitted=False),
            submitted_items(SUBMITTED, _("Submitted for review")),
            SUBMITTED_SINCE,
            order=10,
            eoi="pk",
        ),
        work.WorkKind(
            RESUBMITTED,
            _("Resubmitted after a return"),
            lambda: submitted(resubmitted=True),
            submitted_items(RESUBMITTED, _("Resubmitted after a return"), _("resubmitted")),
            SUBMITTED_SINCE,
            order=20,
            eoi="pk",
        ),
        work.WorkKind(TERMS, TERMS_LABEL, terms_waiting_for_staff, terms_items, F("since"), order=30, eoi="eoi"),
        work.WorkKind(
            OVERDUE,
            OVERDUE_LABEL,
            overdue,
            overdue_items,
            F("status_changed_at"),
            order=100,
            eoi="pk",
            unlisted_eois_only=True,
        ),
    ]
