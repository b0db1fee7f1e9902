"""What the EOI's declared steps need beyond their @transition: labels, reasons, the record, who is told."""

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import notifications
from applications.models import (
    Event,
    ExpressionOfInterest,
    Status,
    has_open_candidate,
    has_placement,
    has_selected_candidate,
    model_still_open,
)
from fachkraefte.records import record
from fachkraefte.workflow import Step, Workflow, register


class EoiWorkflow(Workflow):
    def unmet_conditions(self, eoi, step):
        reasons = eoi.why_not_submittable() if step == "submit" else []
        if step == "start_recruitment":
            if eoi.agreed_terms() is None:
                reasons.append(_("The terms of reference are not yet agreed by every party."))
            if not model_still_open(eoi):
                reasons.append(_("The specialist model is no longer open in the partner country."))
        if step == "start_candidate_selection" and not has_open_candidate(eoi):
            reasons.append(_("No shortlisted candidate is still open: shortlist at least one first."))
        if step == "start_contracting" and not has_selected_candidate(eoi):
            reasons.append(_("No candidate has been selected yet."))
        if step == "place" and not has_placement(eoi):
            reasons.append(_("An expression of interest is placed by adding its placement (Placements, Add)."))
        return " ".join(reasons) or super().unmet_conditions(eoi, step)

    def before_save(self, eoi, step):
        eoi.status_changed_at = timezone.now()
        if step == "return_for_changes":
            # What was confirmed was judged wanting: every party confirms the revised content again.
            eoi.confirmations.standing().update(voided_at=eoi.status_changed_at)

    def record(self, eoi, step, *, by, previous, comment, params):
        kind = RECORD_KIND.get(step, Event.Kind.STATUS_CHANGED)
        return record(eoi, kind, by=by, note=comment, from_status=previous, to_status=eoi.status, step=step, **params)

    def effects(self, eoi, step, *, by, previous, entry):
        if step == "submit":
            notifications.submitted(eoi.pk)
            notifications.staff_submitted(eoi.pk, resubmitted=previous == Status.RETURNED)
        else:
            notifications.status_changed(entry.pk)
        if step == "start_contracting":
            # Lazy: each member of staff reads an anonymised candidate's label in their own language.
            notifications.staff_selection_made(eoi, lazy(Event.candidate_name, str)(entry.params))


RECORD_KIND = {"submit": Event.Kind.SUBMITTED, "withdraw": Event.Kind.WITHDRAWN}

EOI_WORKFLOW = register(
    ExpressionOfInterest,
    EoiWorkflow(
        steps={
            "submit": Step(gettext_lazy("Submit")),
            "start_review": Step(gettext_lazy("Start the eligibility review")),
            "return_for_changes": Step(gettext_lazy("Return for changes"), reason_required=True),
            "reject": Step(gettext_lazy("Reject"), reason_required=True),
            "open_needs_dialogue": Step(gettext_lazy("Open the needs dialogue")),
            "start_recruitment": Step(gettext_lazy("Start recruitment")),
            "reopen_needs_dialogue": Step(gettext_lazy("Back to the needs dialogue"), reason_required=True),
            "start_candidate_selection": Step(gettext_lazy("Start candidate selection")),
            "reopen_recruitment": Step(gettext_lazy("Back to recruitment"), reason_required=True),
            "start_contracting": Step(gettext_lazy("Start contracting")),
            "place": Step(gettext_lazy("Mark as placed")),
            "withdraw": Step(gettext_lazy("Record a withdrawal"), reason_required=True),
        },
        reason_prompt=gettext_lazy("Please give a reason: the applicants will read it."),
    ),
)
