"""The specialist's reports: scheduled from the placement's dates, written, submitted, printed, reminded."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from fachkraefte.links import absolute_url
from fachkraefte.outbox import queue_mail
from fachkraefte.pdf import render_pdf
from fachkraefte.records import record
from fachkraefte.tasks import enqueue
from fachkraefte.workflow import run_step
from placements.models import (
    REPORT_TEXT_FIELDS,
    Activity,
    Placement,
    PlacementEvent,
    PlacementStatus,
    Report,
    add_months,
)
from placements.tasks import render_report_pdf

INTERIM_MONTHS = 6
INTERIM_DUE_DAYS = 30
FINAL_DUE_DAYS = 60
REMIND_DAYS_BEFORE = 14
REMIND_OVERDUE_EVERY_DAYS = 7
GENDERS = ("women", "men", "diverse", "not_stated")
SUBMIT_REQUIRED = ("summary", "results")
TEXT_FIELDS = REPORT_TEXT_FIELDS


# --- the schedule ----------------------------------------------------------------------------------
def interim_periods(start, end):
    """Every full six months from the start that ends before the placement does.

    The last six months of a placement are covered by the final report (which covers the whole
    placement), so a two-year placement has three interim reports and one final report.
    """
    periods, number = [], 1
    while True:
        period_end = add_months(start, INTERIM_MONTHS * number) - datetime.timedelta(days=1)
        if period_end >= end:
            return periods
        periods.append((add_months(start, INTERIM_MONTHS * (number - 1)), period_end))
        number += 1


def schedule_reports(placement):
    """Keep the placement's unsubmitted reports in line with its dates; submitted reports are never changed.

    Safe to call any number of times: at creation, on begin, extend and early end, after an admin edit.
    """
    with transaction.atomic():
        reports = list(placement.reports.select_for_update())
        wanted = {
            (start, end): end + datetime.timedelta(days=INTERIM_DUE_DAYS)
            for start, end in interim_periods(placement.start, placement.end)
        }
        submitted = {(r.period_start, r.period_end) for r in reports if r.kind == Report.Kind.INTERIM and _frozen(r)}
        for report in reports:
            if report.kind != Report.Kind.INTERIM or _frozen(report):
                continue
            period = (report.period_start, report.period_end)
            if period in wanted and period not in submitted:
                _set(report, state=Report.State.DUE, due_date=wanted[period])
                submitted.add(period)  # one live report per period
            else:
                _drop(report, placement)
        for (start, end), due in wanted.items():
            if (start, end) not in submitted:
                Report.objects.create(
                    placement=placement, kind=Report.Kind.INTERIM, period_start=start, period_end=end, due_date=due
                )
        _schedule_final(placement, [r for r in reports if r.kind == Report.Kind.FINAL])


def _schedule_final(placement, finals):
    period = {
        "period_start": placement.start,
        "period_end": placement.end,
        "due_date": placement.end + datetime.timedelta(days=FINAL_DUE_DAYS),
    }
    if any(_frozen(r) and r.period_end == placement.end for r in finals):
        return
    open_finals = [r for r in finals if not _frozen(r)]
    if open_finals:
        _set(open_finals[0], state=Report.State.DUE, **period)
        for extra in open_finals[1:]:
            _drop(extra, placement)
    else:
        Report.objects.create(placement=placement, kind=Report.Kind.FINAL, **period)


def _frozen(report):
    return report.state == Report.State.SUBMITTED


def _set(report, **values):
    changed = [name for name, value in values.items() if getattr(report, name) != value]
    if changed:
        for name in changed:
            setattr(report, name, values[name])
        report.save(update_fields=changed)


def _drop(report, placement):
    """A report that is no longer wanted: before the placement begins it never existed; after, it is cancelled."""
    if placement.status == PlacementStatus.PLANNED:
        report.delete()
    else:
        _set(report, state=Report.State.CANCELLED)


# --- the totals ------------------------------------------------------------------------------------
def totals_expressions():
    def total(field):
        return Coalesce(Sum(field), 0)

    return {
        "activities": Count("pk"),
        "women": total("participants_women"),
        "men": total("participants_men"),
        "diverse": total("participants_diverse"),
        "not_stated": total("participants_not_stated"),
    }


def with_participants(totals):
    return {**totals, "participants": sum(totals[g] for g in GENDERS)}


def period_totals(placement, start, end):
    """Activities and participants by gender between `start` and `end` (inclusive), in one query."""
    activities = Activity.objects.filter(placement=placement, date__range=(start, end))
    return with_participants(activities.aggregate(**totals_expressions()))


def report_totals(report):
    """Frozen at submission; worked out from the activity log until then."""
    if report.state == Report.State.SUBMITTED and report.totals:
        return report.totals
    return period_totals(report.placement, report.period_start, report.period_end)


# --- writing and submitting --------------------------------------------------------------------------
def _locked_due(report):
    current = Report.objects.select_for_update(of=("self",)).select_related("placement").get(pk=report.pk)
    if current.state != Report.State.DUE:
        raise ValidationError(_("This report can no longer be changed."), code="state")
    return current


def save_draft(report, values, *, by):
    with transaction.atomic():
        current = _locked_due(report)
        for name in TEXT_FIELDS:
            setattr(current, name, values.get(name, ""))
        current.save(update_fields=list(TEXT_FIELDS))
    return current


def submit(report, values, *, by):
    """Save the text, freeze the period's totals, mark submitted; the PDF is printed after commit."""
    missing = [Report._meta.get_field(n).verbose_name for n in SUBMIT_REQUIRED if not values.get(n, "").strip()]
    if missing:
        raise ValidationError(
            _("Please fill in before submitting: %(fields)s.") % {"fields": ", ".join(str(m) for m in missing)},
            code="incomplete",
        )
    totals = period_totals(report.placement, report.period_start, report.period_end)
    return run_step(report, "submit", by=by, values=values, totals=totals)


def mark_read(report, *, by):
    """Programme staff have read a submitted report (it leaves their work queue); marking it again changes nothing."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.state == Report.State.SUBMITTED and current.read_by_staff_at is None:
            current.read_by_staff_at, current.read_by = timezone.now(), by
            current.save(update_fields=["read_by_staff_at", "read_by"])
            record(current.placement, PlacementEvent.Kind.REPORT_READ, by=by, **period_of(current))
    return current


# --- the PDF -------------------------------------------------------------------------------------------
def render_report(report_id):
    """Print a submitted report; safe to run twice, or twice at once: one file."""
    with transaction.atomic():
        # The row lock makes a second run wait here, then find the PDF there.
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.state != Report.State.SUBMITTED or report.pdf:
            return report
        placement = Placement.objects.select_related("eoi__partnership", "specialist").get(pk=report.placement_id)
        language = placement.specialist.preferred_language if placement.specialist else settings.LANGUAGE_CODE
        pdf = render_pdf_bytes(report, placement, language)
        name = f"report-{report.pk}.pdf"
        path = report.pdf.field.generate_filename(report, name)
        if report.pdf.storage.exists(path):  # a leftover of an interrupted run is replaced, not kept beside it
            report.pdf.storage.delete(path)
        report.pdf.save(name, ContentFile(pdf), save=False)
        report.save(update_fields=["pdf"])
    return report


def render_pdf_bytes(report, placement, language):
    activities = placement.activities.filter(date__range=(report.period_start, report.period_end)).order_by(
        "date", "pk"
    )
    context = {"report": report, "placement": placement, "totals": report.totals, "activities": activities}
    return render_pdf("pdf/report.html", context, language=language)


def queue_missing_report_pdfs(older_than_seconds):
    """Queue again the PDF of each report submitted `older_than_seconds` ago and not yet printed."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    waiting = Report.objects.filter(state=Report.State.SUBMITTED, pdf="", submitted_at__lte=cutoff)
    return sum(enqueue(render_report_pdf, pk) for pk in waiting.values_list("pk", flat=True))


# --- reminders -----------------------------------------------------------------------------------------
def needs_reminder(report, today):
    """14 days before the due date once; when overdue, every 7 days until submitted; never twice a day."""
    last = timezone.localdate(report.last_reminded_at) if report.last_reminded_at else None
    if report.due_date < today:
        return last is None or last <= today - datetime.timedelta(days=REMIND_OVERDUE_EVERY_DAYS)
    reminder_day = report.due_date - datetime.timedelta(days=REMIND_DAYS_BEFORE)
    return today >= reminder_day and (last is None or last < reminder_day)


def reminder_candidates(today):
    return Report.objects.filter(
        state=Report.State.DUE,
        due_date__lte=today + datetime.timedelta(days=REMIND_DAYS_BEFORE),
        placement__specialist__is_active=True,
    ).exclude(placement__status=PlacementStatus.PLANNED)


def period_of(report):
    """A report's particulars as a record keeps them."""
    return {
        "report_kind": report.kind,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
    }


def send_report_reminders(now=None):
    """Remind each specialist of reports due soon or overdue; returns how many reminders were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for report_id in reminder_candidates(today).values_list("pk", flat=True):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",)).select_related("placement__specialist").get(pk=report_id)
            )
            if report.state != Report.State.DUE or not needs_reminder(report, today):
                continue  # another run got here first
            report.last_reminded_at = now
            report.save(update_fields=["last_reminded_at"])
            record(report.placement, PlacementEvent.Kind.REPORT_REMINDED, **period_of(report))
            queue_reminder(report, today)
            sent += 1
    return sent


def queue_reminder(report, today):
    specialist = report.placement.specialist
    language = specialist.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": specialist.name,
            "kind": report.kind,
            "period_start": formats.date_format(report.period_start, "SHORT_DATE_FORMAT"),
            "period_end": formats.date_format(report.period_end, "SHORT_DATE_FORMAT"),
            "due_date": formats.date_format(report.due_date, "SHORT_DATE_FORMAT"),
            "overdue": report.due_date < today,
            "link": absolute_url("placements:report_edit", report.placement_id, report.pk),
        }
    queue_mail("report-reminder", [specialist.email], context, language)
