"""The shortlist and the municipalities' choice: who sees it, who decides, who picks.

Recruiters (their channel) and programme staff shortlist eligible candidates while the EOI is in
recruitment; staff then open the candidate selection. Each participating municipality accepts or
declines each shortlisted candidate for itself (a ShortlistDecision, by one of its contacts); the
pick is among the candidates every participating municipality accepted and, for integrated experts,
by a contact of the partner municipality (the employer picks). The pick and a shortlist on which no
candidate can still be accepted by all move the EOI on through the one workflow runner: the declared
permissions of `start_contracting` and `reopen_recruitment` name the municipalities who may.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Event, ExpressionOfInterest, Status
from fachkraefte.records import record
from fachkraefte.workflow import StepRefused, run_step
from partnerships.models import Side
from placements import eligibility
from placements.models import ShortlistDecision, ShortlistEntry
from placements.permissions import check_shortlist, deciding_for

# --- eligibility -------------------------------------------------------------------------------


def partner_countries(eoi):
    return sorted({p.municipality.country.code for p in eoi.participants.all() if p.side == Side.PARTNER})


def reference_day(terms):
    """Eligibility is judged on the wished start of the placement, or today when none is agreed."""
    return (terms.start if terms is not None else None) or timezone.localdate()


def ineligibility(candidate, eoi, day):
    """The reasons the candidate may not be placed for this EOI; empty when eligible."""
    return eligibility.check(candidate, eoi.specialist_model, partner_countries(eoi), on=day)


def by_eligibility(ranked, eoi, day):
    """The ranked matches split in two, each still best first: the eligible, and the others with their reasons."""
    eligible, ineligible = [], []
    for match in ranked:
        reasons = ineligibility(match.candidate, eoi, day)
        if reasons:
            ineligible.append((match, reasons))
        else:
            eligible.append(match)
    return eligible, ineligible


# --- the steps ---------------------------------------------------------------------------------


def _locked(eoi):
    return ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)


def _require_status(eoi, status):
    if eoi.status != status:
        raise StepRefused(
            _("This step is not possible from the status “%(status)s”; someone may have moved it meanwhile.")
            % {"status": eoi.get_status_display()}
        )


def add_to_shortlist(eoi, candidate, *, by):
    """Shortlist an eligible candidate; the ineligible are refused with the reasons."""
    reasons = ineligibility(candidate, eoi, reference_day(eoi.agreed_terms()))
    if reasons:
        raise ValidationError(reasons, code="ineligible")
    with transaction.atomic():
        current = _locked(eoi)
        _require_status(current, Status.RECRUITMENT)
        entry, created = ShortlistEntry.objects.get_or_create(
            eoi=current, candidate=candidate, defaults={"added_by": by}
        )
    return entry


def open_selection_allowed(eoi):
    return eoi.shortlist.not_declined().exists()


def decide(entry, decision, reason, *, by, municipality=None):
    """A contact accepts or declines a shortlisted candidate for their municipality; a decline needs a reason.

    Each participating municipality decides for itself and nobody changes another's decision. When
    no candidate can still be accepted by all (each is declined by at least one municipality), the
    selection has failed: the EOI goes back to recruitment.
    """
    decision = ShortlistDecision.Decision(decision)
    reason = reason.strip()
    if decision == ShortlistDecision.Decision.DECLINED and not reason:
        raise ValidationError(_("Please say why you decline this candidate."), code="reason")
    # Outside the transaction: the refusal's entry in the security log must not roll back with it.
    municipality = deciding_for(by, entry.eoi, municipality)
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        entry = ShortlistEntry.objects.select_for_update().select_related("candidate").get(pk=entry.pk, eoi=eoi)
        if _same_decision(entry, municipality, decision, reason):
            return entry
        ShortlistDecision.objects.update_or_create(
            entry=entry,
            municipality=municipality,
            defaults={"decision": decision, "reason": reason, "decided_by": by, "decided_at": timezone.now()},
        )
        record(
            eoi,
            Event.Kind.SHORTLIST_DECIDED,
            by=by,
            candidate_id=entry.candidate_id,
            candidate=str(entry.candidate),
            municipality=municipality.name,
            decision=decision.value,
        )
        if not eoi.shortlist.not_declined().exists():
            run_step(eoi, "reopen_recruitment", by=by, params={"all_declined": True})
    return entry


def _same_decision(entry, municipality, decision, reason):
    """Saving the municipality's decision unchanged records nothing."""
    return entry.decisions.filter(municipality=municipality, decision=decision, reason=reason).exists()


def select_candidate(entry, *, by):
    """The employer's pick among the candidates every participating municipality accepted: on to contracting."""
    # The declared permission of start_contracting, asked first, and outside the transaction: the refusal's
    # entry in the security log must not roll back with it.
    check_shortlist(by, entry.eoi, "pick")
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        entry = ShortlistEntry.objects.select_for_update().select_related("candidate").get(pk=entry.pk, eoi=eoi)
        if not eoi.shortlist.accepted_by_all().filter(pk=entry.pk).exists():
            raise StepRefused(_("Only a candidate every participating municipality has accepted can be selected."))
        entry.selected = True
        entry.save(update_fields=["selected"])
        candidate = {"candidate": str(entry.candidate), "candidate_id": entry.candidate_id}
        run_step(eoi, "start_contracting", by=by, params=candidate)
    return entry
