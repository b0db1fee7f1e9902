"""Placements on the transparency list in tests: built straight in the database, many at a time."""

import datetime

from applications.models import ExpressionOfInterest, Participant
from partnerships.models import Side
from placements.models import Activity, Candidate, Placement, PlacementStatus, PublicationConsent
from tests.factories import GermanMunicipalityFactory, PartnerMunicipalityFactory, PartnershipFactory, UserFactory


def published_placement(
    *,
    by,
    country="NA",
    model="local",
    themes=("climate",),
    sdgs=(6,),
    person="Erika Beispiel",
    email="erika@example.org",
    consent=True,
):
    """A partnership, its placed EOI and running placement with one activity; every municipality opted in."""
    german, partner = GermanMunicipalityFactory(), PartnerMunicipalityFactory(country=country)
    partnership = PartnershipFactory(german=german, partner=partner)
    eoi = ExpressionOfInterest.objects.create(
        partnership=partnership,
        specialist_model=model,
        status="placed",
        created_by=by,
        themes=list(themes),
        sdgs=list(sdgs),
        german_contact_name=person,
        german_contact_email=email,
        need=f"{person} asked for help.",
    )
    Participant.objects.create(eoi=eoi, municipality=german, side=Side.GERMAN)
    Participant.objects.create(eoi=eoi, municipality=partner, side=Side.PARTNER)
    specialist = UserFactory(name=person)  # the address is the factory's own: unique
    candidate = Candidate.objects.create(name=person, email=email, nationalities=["DE"], qualification="CV data")
    placement = Placement.objects.create(
        eoi=eoi,
        candidate=candidate,
        specialist=specialist,
        specialist_model=model,
        status=PlacementStatus.ACTIVE,
        employer=f"{person}'s office",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2027, 12, 31),
        created_by=by,
    )
    placement.places.set([partner])
    Activity.objects.create(
        placement=placement,
        date=datetime.date(2026, 2, 1),
        title=f"Workshop with {person}",
        description=f"Write to {email}",
        participants_women=5,
        participants_men=3,
        participants_diverse=1,
        created_by=specialist,
    )
    if consent:
        for municipality in (german, partner):
            PublicationConsent.objects.create(eoi=eoi, municipality=municipality, given_by=by)
            PublicationConsent.objects.create(placement=placement, municipality=municipality, given_by=by)
    return placement
