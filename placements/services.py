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


# What staff may change of a placement's plan on its admin page (the dates only while it is planned; once begun,
# the steps above move them): a change of any of these is recorded.
PLAN_FIELDS = frozenset({"places", "employer", "start", "end"})


def plan_changed(placement, *, by):
    """Staff saved a new plan (admin): the reports follow its dates, and the placement's record says how it stands
    now, for the specialist and the municipalities who read it. Call in the transaction of the change."""
    with transaction.atomic():
        schedule_reports(placement)
        places = sorted(municipality.name for municipality in placement.places.all())
        record(
            placement,
            PlacementEvent.Kind.PLAN_CHANGED,
            by=by,
            start=placement.start.isoformat(),
            end=placement.end.isoformat(),
            employer=placement.employer,
            places=places,
        )
