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
    missing = eoi.missing_fields()
    items = []
    for part in Part:
        side = PART_SIDE[part]
        owed_by = side.label if side else _("both sides")
        items.append(ChecklistItem(part.label, part.value not in missing, owed_by, is_part=True))
    confirmed = standing_confirmations(eoi)
    for participant in eoi.participants.all():
        label = _("Confirmation by %(municipality)s") % {"municipality": participant.municipality.name}
        done = participant.municipality_id in confirmed
        items.append(ChecklistItem(label, done, participant.municipality.name, is_part=False))
    return items


def whose_turn(eoi):
    """(who, next step) in words for the dashboard."""
    if eoi.status == Status.SUBMITTED:
        return _("Programme staff"), _("Review of the expression of interest")
    if eoi.status == Status.WITHDRAWN:
        return "", _("Nothing: the expression of interest was withdrawn")
    open_items = [item for item in checklist(eoi) if not item.done]
    if not open_items:
        return _("Applicants"), _("Submit the expression of interest")
    first = open_items[0]
    if first.is_part:
        return first.owed_by, _("Complete: %(item)s") % {"item": first.label}
    return first.owed_by, first.label
