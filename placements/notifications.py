"""Who is told about a placement's steps: its specialist and the contact persons of the EOI's municipalities.

Called inside the transition's transaction: the e-mails commit, or roll back, with it.
"""

from django.urls import reverse

from applications.notifications import contact_users
from fachkraefte import news
from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from placements.models import PlacementEvent, Report


def recipients(placement):
    people = list(contact_users(placement.eoi))
    specialist = placement.specialist
    if specialist is not None and specialist.is_active and specialist not in people:
        people.insert(0, specialist)
    return people


def status_changed(event_id):
    """A decision, read from its record: always sent, whatever the recipients chose for news."""
    event = PlacementEvent.objects.select_related("placement__eoi__partnership", "placement__candidate").get(
        pk=event_id
    )
    placement = event.placement
    link = absolute(reverse("placements:placement_detail", args=[placement.pk]))
    for user in recipients(placement):
        context = {
            "name": user.name,
            "specialist": str(placement.candidate),
            "partnership": str(placement.eoi.partnership),
            "event": event,
            "start": placement.start,
            "end": placement.end,
            "link": link,
        }
        queue_mail("placement-status-changed", [user.email], context, user.preferred_language)


def staff_report_submitted(report):
    """News for programme staff, told as each chose: the report waits in their work queue until marked read."""
    placement = report.placement
    context = {
        "specialist": str(placement.candidate),
        "partnership": str(placement.eoi.partnership),
        "kind": Report.Kind(report.kind).label,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "link": absolute(reverse("placements:report_edit", args=[placement.pk, report.pk])),
    }
    news.tell_staff("staff-report-submitted", context, except_user_id=report.submitted_by_id)
