"""Where an EOI stands: what is missing, who owes it, whose turn it is."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applications.models import PART_SIDE, Part, Status


@dataclass
class ChecklistItem:
    label: str
    done: bool
    owed_by: str
    is_part: bool


def standing_confirmations(eoi):
    fingerprint = eoi.fingerprint()
    return {
        c.municipality_id: c for c in eoi.confirmations.all() if c.voided_at is None and c.fingerprint == fingerprint
    }


def checklist(eoi):
    return list(checklist_items(eoi))


def checklist_items(eoi):
    """The checklist, one item at a time: whose turn it is needs only the first open item, and the
    confirmations (a fingerprint of the whole content) only once every part is complete."""
    missing = eoi.missing_fields()
    for part in Part:
        side = PART_SIDE[part]
        # Who owes a part, by name: "Partner side (Windhoek)", never "German side (German side)".
        owed_by = ", ".join(m.name for m in eoi.municipalities_of_side(side)) if side else _("both sides")
        yield ChecklistItem(part.label, part.value not in missing, owed_by, is_part=True)
    confirmed = standing_confirmations(eoi)
    for participant in eoi.participants.all():
        label = _("Confirmation by %(municipality)s") % {"municipality": participant.municipality.name}
        done = participant.municipality_id in confirmed
        yield ChecklistItem(label, done, participant.municipality.name, is_part=False)


STAFF_TURN = {
    Status.SUBMITTED: _("Start of the eligibility review"),
    Status.IN_REVIEW: _("Decision on eligibility"),
    Status.CONTRACTING: _("Contract and preparation"),
}
NOBODY = {
    Status.REJECTED: _("Nothing: the expression of interest was rejected"),
    Status.PLACED: _("Nothing: the specialist is placed"),
    Status.WITHDRAWN: _("Nothing: the expression of interest was withdrawn"),
}


def whose_turn(eoi):
    """(who, next step) in words for the dashboard and the staff changelist."""
    if eoi.status in STAFF_TURN:
        return _("Programme staff"), STAFF_TURN[eoi.status]
    if eoi.status in NOBODY:
        return "", NOBODY[eoi.status]
    if eoi.status == Status.NEEDS_DIALOGUE:
        return _("Applicants and programme staff"), _("Agree the terms of reference")
    if eoi.status == Status.RECRUITMENT:
        return eoi.channel.label, _("Find candidates")
    if eoi.status == Status.CANDIDATE_SELECTION:
        return _("Applicants"), _("Choose among the shortlisted candidates")
    if eoi.status == Status.RETURNED:
        return _("Applicants"), _("Revise as programme staff asked, then confirm and submit again")
    first = next((item for item in checklist_items(eoi) if not item.done), None)
    if first is None:
        return _("Applicants"), _("Submit the expression of interest")
    if first.is_part:
        return first.owed_by, _("Complete: %(item)s") % {"item": first.label}
    return first.owed_by, first.label


def first_part_to_fill(eoi, editable_parts):
    """The first incomplete part the user may edit: an empty draft's first action is filling it in."""
    missing = eoi.missing_fields()
    return next((part for part in Part if part.value in missing and part.value in editable_parts), None)
