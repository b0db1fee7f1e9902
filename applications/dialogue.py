"""The needs dialogue (Bedarfsdialog): meetings, and terms of reference the parties agree to, version by version.

A new version of the terms voids the agreements to earlier ones simply by being newer: agreements
belong to a version, and only the newest version counts (`ExpressionOfInterest.agreed_terms`).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications import notifications
from applications.models import Event, ExpressionOfInterest, Meeting, Status, TermsAgreement, TermsOfReference
from applications.permissions import Access
from applications.services import check_model_open
from applications.templatetags.eoi import languages_display
from fachkraefte.records import record
from partnerships.models import Side, SpecialistModel

TERMS_FIELDS = [
    "expertise",
    "tasks_and_goals",
    "places_of_assignment",
    "specialist_model",
    "duration_months",
    "start",
    "languages",
]
MEETING_FIELDS = ["date", "format", "participants", "notes"]


def not_in_dialogue_message(eoi):
    return _(
        "The needs dialogue is not open for this expression of interest (its status is “%(status)s”), "
        "so nothing can be recorded, proposed or agreed in it now."
    ) % {"status": eoi.get_status_display()}


def _locked(eoi):
    return ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)


def _check_in_dialogue(eoi):
    if eoi.status != Status.NEEDS_DIALOGUE:
        raise ValidationError(not_in_dialogue_message(eoi), code="not_in_dialogue")


def newest_terms(eoi):
    return eoi.terms.order_by("-number").first()


def draft_values(eoi):
    """What a new version starts from: the newest version, or the EOI's own content when there is none."""
    latest = newest_terms(eoi)
    if latest is not None:
        return {name: getattr(latest, name) for name in TERMS_FIELDS}
    return {
        "expertise": eoi.expertise_sought,
        "tasks_and_goals": eoi.tasks_and_goals,
        "places_of_assignment": eoi.places_of_assignment,
        "specialist_model": eoi.specialist_model,
        "duration_months": TermsOfReference._meta.get_field("duration_months").default,
        "start": eoi.wished_start,
        "languages": list(eoi.working_languages or []),
    }


# --- meetings --------------------------------------------------------------------------------


def record_meeting(eoi, *, date, format, participants, notes="", by):  # noqa: A002 - the model's field name
    with transaction.atomic():
        current = _locked(eoi)
        _check_in_dialogue(current)
        meeting = Meeting.objects.create(
            eoi=current, date=date, format=format, participants=participants, notes=notes, created_by=by
        )
        record(current, Event.Kind.MEETING, by=by, date=date.isoformat(), format=meeting.format)
    return meeting


# --- terms of reference ----------------------------------------------------------------------


def propose_terms(eoi, values, *, by):
    """A new version of the terms; every agreement to an earlier version stops counting."""
    with transaction.atomic():
        current = _locked(eoi)
        _check_in_dialogue(current)
        _check_model(current, values["specialist_model"])
        latest = newest_terms(current)
        if latest is not None and all(getattr(latest, name) == values[name] for name in TERMS_FIELDS):
            raise ValidationError(
                _("This is the same as version %(number)s: change something to propose a new version.")
                % {"number": latest.number},
                code="unchanged",
            )
        terms = TermsOfReference.objects.create(
            eoi=current,
            number=(latest.number if latest else 0) + 1,
            created_by=by,
            **{name: values[name] for name in TERMS_FIELDS},
        )
        record(current, Event.Kind.TERMS_PROPOSED, by=by, number=terms.number)
    return terms


def _check_model(eoi, specialist_model):
    """The model must be open in every partner country; the error is the specialist model field's."""
    try:
        check_model_open(eoi.municipalities_of_side(Side.PARTNER), specialist_model)
    except ValidationError as error:
        raise ValidationError({"specialist_model": error.messages}) from error


def agree_terms(terms, municipalities, *, by, as_staff=False):
    """`by` agrees to this version for each of `municipalities` (they are its contact) and/or as staff.

    Returns the agreements made now; agreeing twice for the same party changes nothing.
    """
    # Before the transaction, so that the security log keeps a refusal.
    Access(by, terms.eoi).check_agree_for(municipalities, as_staff=as_staff)
    with transaction.atomic():
        current = _locked(terms.eoi)
        _check_in_dialogue(current)
        latest = newest_terms(current)
        if latest is None or latest.pk != terms.pk:
            raise ValidationError(
                _("A newer version exists: please read version %(number)s and agree to that one.")
                % {"number": latest.number if latest else terms.number},
                code="not_newest",
            )
        parties = [*municipalities, *([None] if as_staff else [])]  # None: programme staff
        if not parties:
            raise ValidationError(_("There is nobody you could agree for."), code="no_party")
        already = {a.municipality_id for a in latest.agreements.all()}
        made = [
            TermsAgreement.objects.create(terms=latest, municipality=party, agreed_by=by)
            for party in parties
            if (party.pk if party else None) not in already
        ]
        if made:
            _record_agreement(current, latest, made, by=by)
    return made


def _record_agreement(eoi, terms, made, *, by):
    parties = [a.municipality.name if a.municipality else None for a in made]  # None: programme staff
    completed = _note_municipalities_agreed(terms)
    all_agreed = terms.is_agreed()
    changed_model = {}
    if all_agreed and eoi.specialist_model != terms.specialist_model:
        # The agreed model decides the recruitment channel, so the EOI follows the terms; the record says so.
        changed_model = {"previous_model": eoi.specialist_model, "specialist_model": terms.specialist_model}
        eoi.specialist_model = terms.specialist_model
        eoi.save(update_fields=["specialist_model", "updated_at"])
    record(
        eoi,
        Event.Kind.TERMS_AGREED,
        by=by,
        number=terms.number,
        parties=parties,
        all_agreed=all_agreed,
        **changed_model,
    )
    if completed and not all_agreed:
        # A municipality's agreement completed the municipalities': programme staff's is the one missing now.
        notifications.staff_terms_waiting(eoi, terms)


def _note_municipalities_agreed(terms):
    """Keep on the version when its last municipality agreed, once every one has; whether this agreement did it."""
    if terms.municipalities_agreed_at is not None or not terms.every_municipality_among(terms.agreed_parties()):
        return False
    dates = [a.agreed_at for a in terms.agreements.all() if a.municipality_id]
    if not dates:  # an EOI without participants: no municipality's agreement to date it by
        return False
    terms.municipalities_agreed_at = max(dates)
    # update(): a derived date, left out of the recorded changes (TermsOfReference.history), is no edit.
    TermsOfReference.objects.filter(pk=terms.pk).update(municipalities_agreed_at=terms.municipalities_agreed_at)
    return True


# --- reading ---------------------------------------------------------------------------------


def parties(eoi, terms):
    """[(label, agreement or None)]: each participating municipality, then programme staff."""
    by_party = {a.municipality_id: a for a in terms.agreements.all()}
    rows = [(p.municipality.name, by_party.get(p.municipality_id)) for p in eoi.participants.all()]
    rows.append((_("Programme staff"), by_party.get(None)))
    return rows


def display_value(terms, name):
    value = getattr(terms, name)
    if name == "languages":
        return languages_display(value or [])
    if name == "specialist_model":
        return SpecialistModel(value).label if value in SpecialistModel.values else value
    if name == "start":
        return date_format(value) if value else ""
    return value


def rows(terms):
    """[(name, label, value as a reader sees it)] for every field of one version."""
    return [
        (name, TermsOfReference._meta.get_field(name).verbose_name, display_value(terms, name)) for name in TERMS_FIELDS
    ]


def compare(older, newer):
    """[(label, older value, newer value, changed)] for two versions."""
    return [
        (label, display_value(older, name), value, display_value(older, name) != value)
        for name, label, value in rows(newer)
    ]
