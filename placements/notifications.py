"""Who is told about a placement's steps: its specialist and the contact persons of the EOI's municipalities.

Called inside the transition's transaction: the e-mails commit, or roll back, with it.
"""

from django.urls import reverse

from applications.notifications import contact_users
from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from placements.models import PlacementEvent


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
