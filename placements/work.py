"""What waits for programme staff in the placements app (see fachkraefte.work): shortlists to hand over to the
municipalities, selections that need their placement, placements whose start has come, reports not yet read.
"""

import datetime

from django.db.models import DateTimeField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Now, TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import ExpressionOfInterest, Status
from applications.work import is_overdue
from fachkraefte import work
from placements.models import Placement, PlacementStatus, Report, ShortlistEntry

SHORTLISTS = "shortlist_to_hand_over"
SELECTIONS = "selection_made"
TO_BEGIN = "placement_to_begin"
REPORTS = "report_submitted"

SHORTLISTS_LABEL = _("Shortlists to hand over")
SELECTIONS_LABEL = _("Selections made: create the placement")
TO_BEGIN_LABEL = _("Placements to begin")
REPORTS_LABEL = _("Reports submitted")


# --- recruitment and selection -----------------------------------------------------------------------
def open_shortlist(eoi_ref="pk"):
    return ShortlistEntry.objects.filter(eoi=OuterRef(eoi_ref)).not_declined()


def shortlists_to_hand_over():
    """EOIs in recruitment with a shortlisted candidate nobody declined; since the first was shortlisted."""
    first = open_shortlist().order_by("added_at").values("added_at")[:1]
    # The first one's date, looked up for each EOI in recruitment, is also the test: PostgreSQL would turn an
    # EXISTS into a join with the open entries of every EOI, most of them long past recruitment.
    eois = ExpressionOfInterest.objects.filter(status=Status.RECRUITMENT)
    return eois.annotate(since=Subquery(first)).filter(since__isnull=False)


def shortlist_items(eois):
    now = timezone.now()
    for eoi in eois.select_related("partnership"):
        yield work.WorkItem(
            pk=eoi.pk,
            kind=SHORTLISTS,
            label=str(SHORTLISTS_LABEL),
            title=str(eoi),
            since=eoi.since,
            url=reverse("placements:matches", args=[eoi.pk]),
            overdue=is_overdue(eoi, now),
        )


def selections_made():
    """EOIs in contracting (the employer picked a candidate) that have no placement yet."""
    picked = ShortlistEntry.objects.filter(eoi=OuterRef("pk"), selected=True).values("candidate__name")[:1]
    eois = ExpressionOfInterest.objects.filter(status=Status.CONTRACTING, placement__isnull=True)
    return eois.annotate(candidate_name=Subquery(picked))


def selection_items(eois):
    now = timezone.now()
    for eoi in eois.select_related("partnership"):
        yield work.WorkItem(
            pk=eoi.pk,
            kind=SELECTIONS,
            label=str(SELECTIONS_LABEL),
            title=gettext("%(eoi)s – selected: %(candidate)s") % {"eoi": eoi, "candidate": eoi.candidate_name or "–"},
            since=eoi.status_changed_at,
            url=f"{reverse('admin:placements_placement_add')}?eoi={eoi.pk}",
            overdue=is_overdue(eoi, now),
        )


# --- placements and reports --------------------------------------------------------------------------
def placements_to_begin():
    """Planned placements whose start has come: today as the database's clock says, in the portal's time zone."""
    return Placement.objects.filter(status=PlacementStatus.PLANNED, start__lte=TruncDate(Now()))


# A placement waits from its start day on: the day's first moment in UTC, as the database casts a date, so that
# the queue's order (in the database) and the items' `since` agree.
BEGIN_SINCE = Cast("start", DateTimeField())


def begin_items(placements):
    for placement in placements.select_related("candidate", "eoi__partnership"):
        yield work.WorkItem(
            pk=placement.pk,
            kind=TO_BEGIN,
            label=str(TO_BEGIN_LABEL),
            title=gettext("%(placement)s – planned start %(start)s")
            % {"placement": placement, "start": formats.date_format(placement.start, "SHORT_DATE_FORMAT")},
            since=datetime.datetime.combine(placement.start, datetime.time.min, tzinfo=datetime.UTC),
            url=reverse("admin:placements_placement_change", args=[placement.pk]),
        )


def reports_unread():
    return Report.objects.filter(state=Report.State.SUBMITTED, read_by_staff_at__isnull=True)


# What report_items read: the title names the placement (its candidate and partnership) and the period.
REPORT_ITEM_FIELDS = (
    "kind",
    "period_start",
    "period_end",
    "submitted_at",
    "placement__candidate__name",
    "placement__candidate__anonymised_at",
    "placement__eoi__partnership__name",
)


def report_items(reports):
    related = reports.select_related("placement__candidate", "placement__eoi__partnership")
    for report in related.only(*REPORT_ITEM_FIELDS):
        yield work.WorkItem(
            pk=report.pk,
            kind=REPORTS,
            label=str(REPORTS_LABEL),
            title=f"{report.get_kind_display()} {report.placement}: "
            f"{formats.date_format(report.period_start, 'SHORT_DATE_FORMAT')} – "
            f"{formats.date_format(report.period_end, 'SHORT_DATE_FORMAT')}",
            since=report.submitted_at,
            url=reverse("placements:report_edit", args=[report.placement_id, report.pk]),
        )


def staff_work():
    return [
        work.WorkKind(
            SHORTLISTS,
            SHORTLISTS_LABEL,
            shortlists_to_hand_over,
            shortlist_items,
            F("since"),
            order=40,
            eoi="pk",
        ),
        work.WorkKind(
            SELECTIONS,
            SELECTIONS_LABEL,
            selections_made,
            selection_items,
            F("status_changed_at"),
            order=50,
            eoi="pk",
        ),
        work.WorkKind(TO_BEGIN, TO_BEGIN_LABEL, placements_to_begin, begin_items, BEGIN_SINCE, order=60),
        work.WorkKind(REPORTS, REPORTS_LABEL, reports_unread, report_items, F("submitted_at"), order=70),
    ]
