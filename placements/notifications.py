"""Who is told about a placement's steps: its specialist and the contact persons of the EOI's municipalities.

Called inside the transition's transaction: the e-mails commit, or roll back, with it.
"""

from django.urls import reverse

from applications.notifications import absolute, contact_users
from fachkraefte.outbox import queue_mail
from placements.models import PlacementStatus


def recipients(placement):
    people = list(contact_users(placement.eoi))
    specialist = placement.specialist
    if specialist is not None and specialist.is_active and specialist not in people:
        people.insert(0, specialist)
    return people


def status_changed(placement, previous, reason):
    """A decision: always sent, whatever the recipients chose for news."""
    link = absolute(reverse("placements:placement_detail", args=[placement.pk]))
    for user in recipients(placement):
        context = {
            "name": user.name,
            "specialist": str(placement.candidate),
            "partnership": str(placement.eoi.partnership),
            "previous": PlacementStatus(previous).label,
            "status": PlacementStatus(placement.status).label,
            "start": placement.start,
            "end": placement.end,
            "reason": reason,
            "link": link,
        }
        queue_mail("placement-status-changed", [user.email], context, user.preferred_language)
