"""What happens to a placement: each function one transaction, one record, the e-mails, work queued after commit."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from placements import notifications
from placements.models import Placement, PlacementEvent
from placements.reports import schedule_reports

# The declared transitions of Placement, and the ones that need a reason staff and parties will read.
TRANSITIONS = ("begin", "extend", "complete", "end_early")
REASON_REQUIRED = {"extend", "end_early"}


class TransitionRefused(Exception):  # noqa: N818 - a refusal the user reads
    pass


def record(placement, kind, *, by=None, note="", from_status="", to_status=""):
    return PlacementEvent.objects.create(
        placement=placement, kind=kind, actor=by, note=note, from_status=from_status, to_status=to_status
    )


def _may_ever_run(method, user):
    """The transition's permission whatever the status: a non-staff user is refused before being told why not."""
    meta = method._django_fsm
    return any(meta.has_transition_perm(method.__self__, source, user) for source in meta.transitions)


def transition(placement, name, *, by, **kwargs):
    """Run one declared transition under a row lock, record who/when/why and keep the reports in line.

    begin(), complete(); extend(new_end=..., reason=...); end_early(end=..., reason=...).
    """
    if name not in TRANSITIONS:
        raise TransitionRefused(_("There is no such step."))
    reason = (kwargs.get("reason") or "").strip()
    if name in REASON_REQUIRED and not reason:
        raise TransitionRefused(_("Please give a reason."))
    with transaction.atomic():
        current = Placement.objects.select_for_update().get(pk=placement.pk)
        method = getattr(current, name)
        if not _may_ever_run(method, by):
            raise PermissionDenied
        if not can_proceed(method):
            raise TransitionRefused(
                _("This step is not possible from the status “%(status)s”; someone may have moved it meanwhile.")
                % {"status": current.get_status_display()}
            )
        if not has_transition_perm(method, by):
            raise PermissionDenied
        check_dates(current, name, kwargs)
        previous = current.status
        arguments = {key: value for key, value in kwargs.items() if key in ("new_end", "end")}
        if name in REASON_REQUIRED:
            arguments["reason"] = reason
        method(by=by, **arguments)
        current.save()
        record(current, name, by=by, note=reason, from_status=previous, to_status=current.status)
        schedule_reports(current)
        notifications.status_changed(current, previous, reason)
    return current


def check_dates(placement, name, kwargs):
    """An extension ends after the current end; an early end lies within the placement."""
    if name == "extend":
        new_end = kwargs.get("new_end")
        if not isinstance(new_end, datetime.date) or new_end <= placement.end:
            raise TransitionRefused(
                _("The new end must be after the current end (%(end)s).") % {"end": placement.end.isoformat()}
            )
    if name == "end_early":
        end = kwargs.get("end")
        if not isinstance(end, datetime.date) or end > placement.end:
            raise TransitionRefused(
                _("The end must not be after the planned end (%(end)s).") % {"end": placement.end.isoformat()}
            )
        if end < placement.start:
            raise TransitionRefused(
                _("The end must not be before the start (%(start)s).") % {"start": placement.start.isoformat()}
            )
