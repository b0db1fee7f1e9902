"""What happens to an expression of interest: each function one transaction, one record, its e-mails in the outbox."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notifications
from applications.documents import queue_documents
from applications.models import (
    PART_FIELDS,
    Confirmation,
    Event,
    ExpressionOfInterest,
    Part,
    Participant,
    Version,
)
from applications.permissions import check_may_start_with
from fachkraefte.records import record
from fachkraefte.workflow import run_step, steps_open_to
from partnerships.models import Country, MembershipRole, MunicipalityMembership, Side, SpecialistModel


class StaleVersion(Exception):  # noqa: N818 - a refusal, not a bug
    """Someone saved the part since the user loaded it; carries the EOI as it is now."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


def transition(eoi, name, *, by, comment="", params=None):
    """Run one declared step of the EOI through the one runner; StepRefused says why not."""
    return run_step(eoi, name, by=by, comment=comment, params=params)


def available_transitions(eoi, user):
    """The steps this user may take now, by method name, in the order they are declared (submitting aside)."""
    return [name for name in steps_open_to(eoi, user) if name != "submit"]


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


def start(partnership, municipalities, specialist_model, *, by):
    """Start an EOI of `partnership`: `by` starts it for a municipality they may start for, with its partners."""
    check_may_start_with(by, partnership, municipalities)  # before the transaction: the security log keeps it
    partner_side = [m for m in municipalities if not m.is_german]
    check_model_open(partner_side, specialist_model)
    with transaction.atomic():
        eoi = ExpressionOfInterest.objects.create(
            partnership=partnership, specialist_model=specialist_model, created_by=by
        )
        Participant.objects.bulk_create(
            Participant(eoi=eoi, municipality=m, side=Side.GERMAN if m.is_german else Side.PARTNER)
            for m in municipalities
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
            record(current, Event.Kind.PART_SAVED, by=by, part=part.value)
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
        record(current, Event.Kind.CONFIRMED, by=by, municipalities=[m.name for m in municipalities])
    return current


def submit(eoi, *, by):
    """Submit what every party confirmed: the step, the submitted version and the PDFs in their languages."""
    with transaction.atomic():
        current = run_step(eoi, "submit", by=by)
        keep_version(current, by=by, submitted=True)
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
    return run_step(eoi, "withdraw", by=by, comment=reason)
