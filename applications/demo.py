"""Demo expressions of interest: one draft to work on, one submitted for programme staff to review, and the
helper that fills, confirms and submits one (placements/demo.py walks more of them further)."""

import datetime

from applications import services
from applications.models import ExpressionOfInterest, Part
from partnerships.models import Partnership, User

GERMAN_PART = {
    "motivation": "Berlin und Windhoek arbeiten seit 2000 zusammen; wir wollen die Wasserversorgung stärken.",
    "german_contribution": "Zwei Wochen Personalzeit im Jahr, ein Austauschbesuch der Berliner Wasserbetriebe.",
    "german_departments": "Umweltamt, Berliner Wasserbetriebe",
    "german_contact_name": "Karin Kontakt",
    "german_contact_email": "kontakt@berlin.example",
}
COMPLETE = {
    Part.GERMAN: {
        "motivation": "Hamburg and Dar es Salaam share a long port-city partnership.",
        "german_contribution": "Staff exchange with the Hamburg waste authority.",
        "german_departments": "Environment authority, Stadtreinigung Hamburg",
        "german_contact_name": "Hanna Hamburg",
        "german_contact_email": "kontakt@hamburg.example",
    },
    Part.PARTNER: {
        "need": "Waste collection reaches only half of the informal settlements.",
        "tasks_and_goals": "Plan a collection system with the wards; train supervisors.",
        "expertise_sought": "Municipal waste management",
        "places_of_assignment": "Dar es Salaam City Council",
        "working_languages": [{"language": "en", "level": "C1"}, {"language": "sw", "level": "A2"}],
        "wished_start": datetime.date(2027, 4, 1),
        "partner_contact_name": "Amani Mwinyi",
        "partner_contact_email": "contact@daressalaam.example",
    },
    Part.SHARED: {
        "principle_transparency": "Progress reports to both councils twice a year.",
        "principle_cooperation": "Waste, health and planning departments meet monthly.",
        "principle_inclusion": "Women waste pickers' groups take part in the planning.",
        "themes": ["waste", "municipal_services"],
        "sdgs": [11, 12],
    },
}


def seed_draft():
    partnership = Partnership.objects.get(name="Berlin – Windhoek")
    if partnership.expressions_of_interest.exists():
        return
    karin = User.objects.get(email="kontakt@berlin.example")
    eoi = services.start(partnership, list(partnership.municipalities.all()), "integrated", by=karin)
    services.save_part(eoi, Part.GERMAN, GERMAN_PART, version=0, by=karin)


def submitted_eoi(partnership_name, model, content, german_user, partner_user):
    """A new EOI with every part filled, confirmed by both sides and submitted; None if the demo has it already."""
    partnership = Partnership.objects.get(name=partnership_name)
    if partnership.expressions_of_interest.filter(specialist_model=model).exists():
        return None
    eoi = services.start(partnership, list(partnership.municipalities.all()), model, by=german_user)
    for part, values in content.items():
        eoi = services.save_part(eoi, part, values, version=0, by=partner_user if part == Part.PARTNER else german_user)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_user)
    services.confirm(eoi, [partner], by=partner_user)
    return services.submit(eoi, by=german_user)


def seed_submitted():
    hanna = User.objects.get(email="kontakt@hamburg.example")
    amani = User.objects.get(email="contact@daressalaam.example")
    submitted_eoi("Hamburg – Dar es Salaam", "local", COMPLETE, hanna, amani)


def seed_applications():
    seed_draft()
    seed_submitted()
    return ExpressionOfInterest.objects.count()
