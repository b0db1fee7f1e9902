"""The shortlist and the municipalities' choice: who sees it, who decides, who picks.

Recruiters (their channel) and programme staff shortlist eligible candidates while the EOI is in
recruitment; staff then open the candidate selection. The participating municipalities' contacts
accept or decline each shortlisted candidate; the pick needs an accepted candidate and, for
integrated experts, a contact of the partner municipality (the employer picks). The pick and a
shortlist declined entirely move the EOI on through the one workflow runner: the declared
permissions of `start_contracting` and `reopen_recruitment` name the municipalities who may.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import CHANNEL_OF_MODEL, ExpressionOfInterest, Status, employer_contact
from applications.permissions import Access, visible_eois
from applications.recruitment import channel_for
from fachkraefte.workflow import StepRefused, run_step
from partnerships.models import Side
from partnerships.roles import is_programme_staff
from placements import eligibility
from placements.models import ShortlistEntry

# Where a shortlist exists, for staff and the EOI's recruiter; the municipalities see it from the selection on.
SHORTLIST_STATES = (Status.RECRUITMENT, Status.CANDIDATE_SELECTION, Status.CONTRACTING, Status.PLACED)
MEMBER_STATES = (Status.CANDIDATE_SELECTION, Status.CONTRACTING, Status.PLACED)


# --- who sees what -----------------------------------------------------------------------------


class ShortlistAccess:
    """What one user may do with one EOI's shortlist."""

    def __init__(self, user, eoi):
        self.user = user
        self.eoi = eoi
        self.is_staff = is_programme_staff(user)
        self.is_recruiter = eoi.channel in channel_for(user)
        self.applicant = Access(user, eoi)

    @property
    def can_decide(self):
        return bool(self.applicant.contact_of)

    @property
    def can_pick(self):
        return employer_contact(self.eoi, self.user)


def shortlist_eois(user):
    """The EOIs whose shortlist this user may see (querysets, so outsiders get a 404)."""
    eois = ExpressionOfInterest.objects.filter(status__in=SHORTLIST_STATES)
    if is_programme_staff(user):
        return eois
    models = [model for model, channel in CHANNEL_OF_MODEL.items() if channel in channel_for(user)]
    member_eois = visible_eois(user).filter(status__in=MEMBER_STATES).values("pk")
    return eois.filter(Q(specialist_model__in=models) | Q(pk__in=member_eois))


def get_shortlist_eoi(user, pk):
    eoi = get_object_or_404(shortlist_eois(user).with_participants(), pk=pk)
    return eoi, ShortlistAccess(user, eoi)


def get_shortlist_entry(user, pk):
    entry = get_object_or_404(ShortlistEntry.objects.select_related("candidate"), pk=pk)
    eoi, access = get_shortlist_eoi(user, entry.eoi_id)
    entry.eoi = eoi
    return entry, access


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
    return eoi.shortlist.exclude(decision=ShortlistEntry.Decision.DECLINED).exists()


def decide(entry, decision, reason, *, by):
    """A contact accepts or declines a shortlisted candidate; a decline needs a reason.

    When every candidate on the shortlist is declined the selection has failed: the EOI goes back
    to recruitment, with the reasons as the comment the applicants read.
    """
    decision = ShortlistEntry.Decision(decision)
    reason = reason.strip()
    if decision == ShortlistEntry.Decision.DECLINED and not reason:
        raise ValidationError(_("Please say why you decline this candidate."), code="reason")
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        if not Access(by, eoi).contact_of:
            raise PermissionDenied
        entry = ShortlistEntry.objects.select_for_update().get(pk=entry.pk, eoi=eoi)
        entry.decision, entry.reason = decision, reason
        entry.decided_by, entry.decided_at = by, timezone.now()
        entry.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        if not eoi.shortlist.exclude(decision=ShortlistEntry.Decision.DECLINED).exists():
            run_step(eoi, "reopen_recruitment", by=by, params={"all_declined": True})
    return entry


def select_candidate(entry, *, by):
    """The pick: the entry is selected and the EOI moves to contracting."""
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        if not employer_contact(eoi, by):  # the declared permission of start_contracting, asked first
            raise PermissionDenied
        entry = ShortlistEntry.objects.select_for_update().select_related("candidate").get(pk=entry.pk, eoi=eoi)
        if entry.decision != ShortlistEntry.Decision.ACCEPTED:
            raise StepRefused(_("Only a candidate the municipalities have accepted can be selected."))
        entry.selected = True
        entry.save(update_fields=["selected"])
        candidate = {"candidate": str(entry.candidate), "candidate_id": entry.candidate_id}
        run_step(eoi, "start_contracting", by=by, params=candidate)
    return entry
