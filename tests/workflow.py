"""Move an EOI through the workflow in tests, the way the services do it."""

import datetime

from applications import services
from applications.models import ExpressionOfInterest, TermsAgreement, TermsOfReference
from placements import selection
from placements import services as placement_services
from placements.models import Candidate, Placement, ShortlistEntry
from tests.eoi_content import fill


def submitted(eoi, german_contact, partner_contact):
    eoi = fill(eoi, german_contact)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_contact)
    services.confirm(eoi, [partner], by=partner_contact)
    return services.submit(eoi, by=german_contact)


def agree_terms(eoi, staff):
    """A terms-of-reference version agreed by every municipality and by programme staff."""
    number = (eoi.terms.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    terms = TermsOfReference.objects.create(
        eoi=eoi,
        number=number,
        expertise="Water network engineering",
        tasks_and_goals="Reduce losses",
        places_of_assignment="Windhoek",
        specialist_model=eoi.specialist_model,
        created_by=staff,
    )
    for participant in eoi.participants.all():
        TermsAgreement.objects.create(terms=terms, municipality=participant.municipality, agreed_by=staff)
    TermsAgreement.objects.create(terms=terms, municipality=None, agreed_by=staff)
    return terms


def in_status(eoi, status, *, staff, german_contact, partner_contact, candidate=None):
    """Walk the happy path until `status`; the municipalities pick `candidate` (or a new one) on the way."""
    path = [
        "start_review",
        "open_needs_dialogue",
        "start_recruitment",
        "start_candidate_selection",
        "start_contracting",
        "place",
    ]
    targets = ["in_review", "needs_dialogue", "recruitment", "candidate_selection", "contracting", "placed"]
    eoi = submitted(eoi, german_contact, partner_contact)
    for name, target in zip(path, targets, strict=True):
        if eoi.status == status:
            break
        if name == "start_recruitment":
            agree_terms(eoi, staff)
        if name == "start_candidate_selection":
            shortlist_someone(eoi, staff=staff, candidate=candidate)
        if name == "start_contracting":
            eoi = pick_the_candidate(eoi, german_contact, partner_contact)
        elif name == "place":  # only with its placement, the way staff add it
            eoi = place(eoi, staff=staff).eoi
        else:
            eoi = services.transition(eoi, name, by=staff)
        assert eoi.status == target
    assert eoi.status == status
    return eoi


def shortlist_someone(eoi, *, staff, candidate=None):
    """`candidate` (or a new one) on the shortlist: opening the candidate selection needs an open candidate."""
    candidate = candidate or Candidate.objects.create(
        name="Kim Beispiel", email="kim@example.org", nationalities=["DE"], years_of_experience=5
    )
    return ShortlistEntry.objects.create(eoi=eoi, candidate=candidate, added_by=staff)


def pick_the_candidate(eoi, german_contact, partner_contact):
    """Both municipalities accept the shortlisted candidate; the partner (the employer) picks them."""
    entry = eoi.shortlist.get()
    selection.decide(entry, "accepted", "", by=german_contact)
    selection.decide(entry, "accepted", "", by=partner_contact)
    selection.select_candidate(entry, by=partner_contact)
    return ExpressionOfInterest.objects.get(pk=eoi.pk)


def make_placement(eoi, *, staff, german_contact, partner_contact, specialist, start=None):
    """An EOI walked to `placed` with a planned placement for `specialist` (status planned)."""
    candidate = Candidate.objects.create(
        name=specialist.name, email=specialist.email, nationalities=["DE"], years_of_experience=5
    )
    eoi = in_status(
        eoi,
        "contracting",
        staff=staff,
        german_contact=german_contact,
        partner_contact=partner_contact,
        candidate=candidate,
    )
    return place(eoi, staff=staff, specialist=specialist, start=start)


def place(eoi, *, staff, specialist=None, start=None):
    """Staff add the placement of an EOI in contracting for its selected candidate: the one way to `placed`."""
    start = start or datetime.date(2027, 1, 1)
    placement = Placement(
        eoi=eoi,
        candidate=eoi.shortlist.get(selected=True).candidate,
        specialist=specialist,
        specialist_model=eoi.specialist_model,
        employer="Windhoek City Council",
        start=start,
        end=Placement.default_end(start),
    )
    partners = [p.municipality for p in eoi.participants.all() if p.side == "partner"]
    return placement_services.create_placement(placement, partners, by=staff)
