"""Complete content for an EOI, part by part, as the forms post it and as the model stores it."""

import datetime

from applications.models import Part

POSTED = {
    Part.GERMAN: {
        "motivation": "Berlin wants to deepen its water partnership.",
        "german_contribution": "Two weeks of staff time a year and an exchange visit.",
        "german_departments": "Berliner Wasserbetriebe, environment office",
        "german_contact_name": "Karin Kontakt",
        "german_contact_email": "karin@berlin.example",
    },
    Part.PARTNER: {
        "need": "Water losses of 40 per cent in the network.",
        "tasks_and_goals": "Reduce losses, train staff.",
        "expertise_sought": "Water network engineering",
        "places_of_assignment": "Windhoek",
        "language_1": "en",
        "level_1": "C1",
        "wished_start": "2027-03-01",
        "partner_contact_name": "Nangula Shikongo",
        "partner_contact_email": "nangula@windhoek.example",
    },
    Part.SHARED: {
        "principle_transparency": "Quarterly open council reports.",
        "principle_cooperation": "Water utility and planning office work together.",
        "principle_inclusion": "Women engineers are trained first.",
        "themes": ["climate", "municipal_services"],
        "sdgs": ["6", "11"],
    },
}


def stored(part):
    """The values as services.save_part takes them."""
    values = dict(POSTED[part])
    if part == Part.PARTNER:
        values["working_languages"] = [{"language": values.pop("language_1"), "level": values.pop("level_1")}]
        values["wished_start"] = datetime.date.fromisoformat(values["wished_start"])
    if part == Part.SHARED:
        values["sdgs"] = [int(v) for v in values["sdgs"]]
    return values


def fill(eoi, by):
    from applications import services

    for part in Part:
        eoi = services.save_part(eoi, part, stored(part), version=eoi.version_of(part), by=by)
    return eoi
