"""What happens to an expression of interest: each function one transaction, one record, its e-mails in the outbox."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from applications import notifications
from applications.documents import queue_documents
from applications.models import (
    PART_FIELDS,
    Confirmation,
    Event,
    ExpressionOfInterest,
    Invitation,
    Part,
    Participant,
    Status,
    Version,
    model_still_open,
)
from partnerships.models import Country, MembershipRole, MunicipalityMembership, Side, SpecialistModel


class StaleVersion(Exception):  # noqa: N818 - a refusal, not a bug
    """Someone saved the part since the user loaded it; carries the EOI as it is now."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


def record(eoi, kind, *, by=None, note="", from_status="", to_status=""):
    return Event.objects.create(eoi=eoi, kind=kind, actor=by, note=note, from_status=from_status, to_status=to_status)


# Transitions that need a reason the applicants will read.
COMMENT_REQUIRED = {"return_for_changes", "reject", "withdraw", "reopen_needs_dialogue", "reopen_recruitment"}
EVENT_OF_TRANSITION = {"withdraw": Event.Kind.WITHDRAWN}


class TransitionRefused(Exception):  # noqa: N818 - a refusal the user reads
    pass


def _change_status(eoi, name, *, by):
    getattr(eoi, name)(by=by)
    eoi.status_changed_at = timezone.now()
    eoi.save()


def transition(eoi, name, *, by, comment=""):
    """Run one declared transition under a row lock, record who/when/why, write the parties' e-mails.

    Two people pressing different buttons at once: the second waits for the lock, then finds the
    status changed and is refused, never silently overwriting the first.
    """
    if name in COMMENT_REQUIRED and not comment.strip():
        raise TransitionRefused(_("Please give a reason: the applicants will read it."))
    with transaction.atomic():
        current = _locked(eoi)
        method = getattr(current, name, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise TransitionRefused(_("There is no such step."))
        if not can_proceed(method, check_conditions=False):
            raise TransitionRefused(
                _("This step is not possible from the status “%(status)s”; someone may have moved it meanwhile.")
                % {"status": current.get_status_display()}
            )
        if not has_transition_perm(method, by):
            if not can_proceed(method):
                raise TransitionRefused(unmet_conditions(current, name))
            raise PermissionDenied
        previous = current.status
        _change_status(current, name, by=by)
        kind = EVENT_OF_TRANSITION.get(name, Event.Kind.STATUS_CHANGED)
        record(current, kind, by=by, note=comment, from_status=previous, to_status=current.status)
        notifications.status_changed(current.pk, previous, comment)
    return current


def unmet_conditions(eoi, name):
    reasons = []
    if name == "start_recruitment":
        if eoi.agreed_terms() is None:
            reasons.append(_("The terms of reference are not yet agreed by every party."))
        if not model_still_open(eoi):
            reasons.append(_("The specialist model is no longer open in the partner country."))
    return " ".join(reasons) or _("The conditions for this step are not met.")


def available_transitions(eoi, user):
    """The transitions this user may run now, by method name, in the order they are declared."""
    return [t.name for t in eoi.get_available_user_status_transitions(user) if t.name != "submit"]


def check_model_open(partner_municipalities, specialist_model, day=None):
    """Refuse a model that is closed, or a country that is not on the ODA list, for any partner."""
    model_label = SpecialistModel(specialist_model).label
    for municipality in partner_municipalities:
        country = (
            Country.objects.filter(code=municipality.country).prefetch_related("oda_listings", "availabilities").first()
        )
        name = municipality.country.name
        if country is None or not country.is_oda_recipient(day):
            raise ValidationError(
                _("%(country)s is not on the OECD DAC list of ODA recipients, so %(municipality)s cannot take part.")
                % {"country": name, "municipality": municipality.name},
                code="not_oda",
            )
        open_models = country.open_models()
        if specialist_model not in open_models:
            open_labels = ", ".join(str(SpecialistModel(m).label) for m in open_models) or _("none at present")
            raise ValidationError(
                _("The model “%(model)s” is not open in %(country)s. Models open there: %(open)s.")
                % {"model": model_label, "country": name, "open": open_labels},
                code="model_closed",
            )


@transaction.atomic
def start(partnership, municipalities, specialist_model, *, by):
    partner_side = [m for m in municipalities if not m.is_german]
    check_model_open(partner_side, specialist_model)
    eoi = ExpressionOfInterest.objects.create(partnership=partnership, specialist_model=specialist_model, created_by=by)
    Participant.objects.bulk_create(
        Participant(eoi=eoi, municipality=m, side=Side.GERMAN if m.is_german else Side.PARTNER) for m in municipalities
    )
    record(eoi, Event.Kind.CREATED, by=by)
    return eoi


def _locked(eoi):
    return ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)


def void_confirmations(eoi, *, by):
    """Any edit voids every standing confirmation; the parties are told on the page and by e-mail."""
    voided = list(eoi.confirmations.standing().select_related("municipality"))
    if not voided:
        return []
    eoi.confirmations.standing().update(voided_at=timezone.now())
    record(eoi, Event.Kind.CONFIRMATIONS_VOIDED, by=by)
    notifications.confirmations_voided(eoi.pk, by.pk)
    return voided


def save_part(eoi, part, values, *, version, by):
    """Save one part's fields, unless someone saved it since `version`: then StaleVersion."""
    part = Part(part)
    with transaction.atomic():
        current = _locked(eoi)
        if current.version_of(part) != version:
            raise StaleVersion(current)
        fingerprint_before = current.fingerprint()
        for name in PART_FIELDS[part]:
            setattr(current, name, values[name])
        setattr(current, f"{part}_version", version + 1)
        current.save()
        if current.fingerprint() != fingerprint_before:
            record(current, Event.Kind.PART_SAVED, by=by, note=str(part.label))
            void_confirmations(current, by=by)
    return current


def keep_version(eoi, *, by, submitted=False):
    fingerprint = eoi.fingerprint()
    version = eoi.versions.filter(fingerprint=fingerprint).first()
    if version is None:
        number = (eoi.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = Version.objects.create(
            eoi=eoi, number=number, fingerprint=fingerprint, content=eoi.content(), created_by=by
        )
    if submitted and not version.submitted:
        version.submitted = True
        version.save(update_fields=["submitted"])
    return version


def confirm(eoi, municipalities, *, by):
    """The user confirms, for each municipality they are the contact of, the content as it stands."""
    with transaction.atomic():
        current = _locked(eoi)
        if not current.is_editable:
            raise ValidationError(_("Only a draft or a returned expression of interest can be confirmed."))
        fingerprint = current.fingerprint()
        for municipality in municipalities:
            current.confirmations.standing().filter(municipality=municipality).update(voided_at=timezone.now())
            Confirmation.objects.create(
                eoi=current, municipality=municipality, confirmed_by=by, fingerprint=fingerprint
            )
        keep_version(current, by=by)
        record(current, Event.Kind.CONFIRMED, by=by, note=", ".join(m.name for m in municipalities))
    return current


def why_not_submittable(eoi):
    """The reasons, one sentence each, or an empty list when the EOI may be submitted."""
    reasons = []
    for part, fields in eoi.missing_fields().items():
        labels = ", ".join(str(ExpressionOfInterest._meta.get_field(f).verbose_name) for f in fields)
        reasons.append(_("%(part)s is incomplete: %(fields)s.") % {"part": Part(part).label, "fields": labels})
    fingerprint = eoi.fingerprint()
    confirmed = {c.municipality_id for c in eoi.confirmations.standing() if c.fingerprint == fingerprint}
    waiting = [p.municipality.name for p in eoi.participants.all() if p.municipality_id not in confirmed]
    if waiting:
        reasons.append(_("Not yet confirmed by: %(names)s.") % {"names": ", ".join(waiting)})
    return reasons


def submit(eoi, *, by):
    with transaction.atomic():
        current = _locked(eoi)
        previous = current.status
        if current.status not in (Status.DRAFT, Status.RETURNED):
            raise ValidationError(_("This expression of interest has already been submitted."), code="state")
        reasons = why_not_submittable(current)
        if reasons:
            raise ValidationError(reasons, code="incomplete")
        _change_status(current, "submit", by=by)
        keep_version(current, by=by, submitted=True)
        record(current, Event.Kind.SUBMITTED, by=by, from_status=previous, to_status=current.status)
        notifications.submitted(current.pk)
        queue_documents(current, current_languages(current))
    return current


def current_languages(eoi):
    """The languages the parties read: each contact's preferred language."""
    languages = set(
        MunicipalityMembership.objects.filter(
            municipality__eoi_participations__eoi=eoi, role=MembershipRole.CONTACT
        ).values_list("user__preferred_language", flat=True)
    )
    return sorted(languages) or ["de"]


def withdraw(eoi, reason, *, by):
    return transition(eoi, "withdraw", by=by, comment=reason)


def invite(eoi, municipality, email, name, language, *, by):
    with transaction.atomic():
        invitation = Invitation.objects.create(
            eoi=eoi, municipality=municipality, email=email, name=name, language=language, invited_by=by
        )
        record(eoi, Event.Kind.INVITED, by=by, note=f"{email} ({municipality.name})")
        notifications.invitation(invitation.pk)
    return invitation


def resend_invitation(invitation, *, by):
    with transaction.atomic():
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
        record(invitation.eoi, Event.Kind.INVITATION_RESENT, by=by, note=invitation.email)
        notifications.invitation(invitation.pk)


def revoke_invitation(invitation, *, by):
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(invitation.eoi, Event.Kind.INVITATION_REVOKED, by=by, note=invitation.email)


def accept_invitation(invitation, *, user):
    """The invitee becomes a contact of the municipality they were invited for; the link works once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError(_("This invitation has already been used or was revoked."), code="used")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        MunicipalityMembership.objects.get_or_create(
            user=user, municipality=invitation.municipality, defaults={"role": MembershipRole.CONTACT}
        )
        record(invitation.eoi, Event.Kind.INVITATION_ACCEPTED, by=user, note=invitation.email)
    return invitation
