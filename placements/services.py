"""What happens to a placement: created with its EOI's last step, then moved by the one workflow runner."""

from django.db import transaction

from applications import services as eoi_services
from fachkraefte.records import record
from fachkraefte.workflow import run_step
from placements import selection, specialist_invitations
from placements.models import PlacementEvent
from placements.reports import schedule_reports


def transition(placement, name, *, by, reason="", **arguments):
    """begin(), complete(); extend(new_end=..., reason=...); end_early(end=..., reason=...); or StepRefused."""
    return run_step(placement, name, by=by, comment=reason, **arguments)


def create_placement(placement, places, *, by):
    """Save a new placement for an EOI in contracting and mark the EOI placed, in one transaction.

    `placement` is unsaved; the EOI's `place` step is checked like any other (StepRefused), and so is
    its candidate: only the one selected on the EOI's own shortlist (ValidationError). A refusal leaves
    nothing behind. Without a specialist's account, the selected candidate is invited to set one up.
    """
    with transaction.atomic():
        placement.created_by = by
        placement.save()
        placement.places.set(places)
        placement.eoi = eoi_services.transition(placement.eoi, "place", by=by)
        # Checked with the EOI locked by its step: nobody changes the pick until this transaction ends.
        selection.check_selected_candidate(placement.eoi, placement.candidate)
        record(placement, PlacementEvent.Kind.CREATED, by=by, to_status=placement.status)
        schedule_reports(placement)
        specialist_invitations.invite(placement, by=by)  # unless an account was named
    return placement
