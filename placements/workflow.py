"""What the placement's declared steps need beyond their @transition: labels, dates, the record, who is told."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fachkraefte.records import record
from fachkraefte.tasks import enqueue_on_commit
from fachkraefte.workflow import Step, StepRefused, Workflow, register
from placements import notifications
from placements.models import Placement, PlacementEvent, Report
from placements.reports import period_of, schedule_reports
from placements.tasks import render_report_pdf


def short_date(day):
    """A date as the reader writes it: 31.12.2026, 12/31/2026, 31/12/2026."""
    return date_format(day, "SHORT_DATE_FORMAT")


class PlacementWorkflow(Workflow):
    def check(self, placement, step, arguments):
        """An extension ends after the current end; an early end lies within the placement."""
        if step == "extend":
            new_end = arguments.get("new_end")
            if not isinstance(new_end, datetime.date) or new_end <= placement.end:
                raise StepRefused(
                    _("The new end must be after the current end (%(end)s).") % {"end": short_date(placement.end)}
                )
        if step == "end_early":
            end = arguments.get("end")
            if not isinstance(end, datetime.date) or end > placement.end:
                raise StepRefused(
                    _("The end must not be after the planned end (%(end)s).") % {"end": short_date(placement.end)}
                )
            if end < placement.start:
                raise StepRefused(
                    _("The end must not be before the start (%(start)s).") % {"start": short_date(placement.start)}
                )

    def record(self, placement, step, *, by, previous, comment, params):
        dates = {"new_end": placement.end.isoformat()} if step == "extend" else {}
        if step == "end_early":
            dates = {"end": placement.end.isoformat()}
        return record(
            placement, step, by=by, note=comment, from_status=previous, to_status=placement.status, **dates, **params
        )

    def effects(self, placement, step, *, by, previous, entry):
        schedule_reports(placement)
        notifications.status_changed(entry.pk)


PLACEMENT_WORKFLOW = register(
    Placement,
    PlacementWorkflow(
        steps={
            "begin": Step(gettext_lazy("Begin the placement")),
            "extend": Step(
                gettext_lazy("Extend the placement"), reason_required=True, arguments=("new_end", "comment")
            ),
            "complete": Step(gettext_lazy("Complete the placement")),
            "end_early": Step(
                gettext_lazy("End the placement early"), reason_required=True, arguments=("end", "comment")
            ),
        }
    ),
)


class ReportWorkflow(Workflow):
    def record(self, report, step, *, by, previous, comment, params):
        return record(report.placement, PlacementEvent.Kind.REPORT_SUBMITTED, by=by, **period_of(report), **params)

    def effects(self, report, step, *, by, previous, entry):
        enqueue_on_commit(render_report_pdf, report.pk)
        notifications.staff_report_submitted(report)


REPORT_WORKFLOW = register(
    Report, ReportWorkflow(steps={"submit": Step(gettext_lazy("Submit the report"), arguments=("values", "totals"))})
)
