"""Demo EOIs further along the workflow, so that each stage has something to show: a needs dialogue waiting for
agreements, a recruitment with candidates to match, and a running placement with its activity log, reports and
a network event. Everything goes through the services, as a user's clicks would; running it again changes nothing.
"""

import datetime

from django.utils import timezone

from applications import dialogue, services
from applications.demo import COMPLETE, GERMAN_PART, submitted_eoi
from applications.models import ExpressionOfInterest, Part
from partnerships.models import SpecialistModel, User
from placements import events, publication, selection
from placements import services as placement_services
from placements.candidates import record_consent, save_candidate
from placements.models import Activity, Candidate, NetworkEvent, Placement

BERLIN_WINDHOEK = "Berlin – Windhoek"
HAMBURG_DAR_ES_SALAAM = "Hamburg – Dar es Salaam"

WINDHOEK_CONTENT = {
    Part.GERMAN: GERMAN_PART,
    Part.PARTNER: {
        "need": "A third of the drinking water is lost in the network before it reaches a tap.",
        "tasks_and_goals": "Set up district metering with the water department; train two leak-detection teams.",
        "expertise_sought": "Water network engineering",
        "places_of_assignment": "City of Windhoek, Department of Infrastructure, Water and Technical Services",
        "working_languages": [{"language": "en", "level": "C1"}],
        "wished_start": datetime.date(2027, 7, 1),
        "partner_contact_name": "Nangula Shikongo",
        "partner_contact_email": "contact@windhoek.example",
    },
    Part.SHARED: {
        "principle_transparency": "A yearly report to both councils and an open data page on water losses.",
        "principle_cooperation": "Water, finance and planning departments meet every month.",
        "principle_inclusion": "Informal settlements' committees choose the first metering districts.",
        "themes": ["climate", "municipal_services"],
        "sdgs": [6, 11],
    },
}


def _people():
    emails = {
        "karin": "kontakt@berlin.example",
        "nangula": "contact@windhoek.example",
        "hanna": "kontakt@hamburg.example",
        "amani": "contact@daressalaam.example",
        "staff": "staff@skew.example",
        "cim": "recruiter@cim.example",
        "giz": "recruiter@giz.example",
        "fatou": "fachkraft@demo.example",
    }
    return {key: User.objects.get(email=email) for key, email in emails.items()}


def _into_dialogue(eoi, staff):
    for step in ("start_review", "open_needs_dialogue"):
        eoi = services.transition(eoi, step, by=staff)
    return eoi


def _terms(eoi, staff, content, *, start):
    partner = content[Part.PARTNER]
    values = {
        "expertise": partner["expertise_sought"],
        "tasks_and_goals": partner["tasks_and_goals"],
        "places_of_assignment": partner["places_of_assignment"],
        "specialist_model": eoi.specialist_model,
        "duration_months": 24,
        "start": start,
        "languages": partner["working_languages"],
    }
    return dialogue.propose_terms(eoi, values, by=staff)


def _agree_everywhere(eoi, terms, people, german_user, partner_user):
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [german], by=german_user)
    dialogue.agree_terms(terms, [partner], by=partner_user)
    dialogue.agree_terms(terms, [], by=people["staff"], as_staff=True)


def seed_dialogue(people):
    """Berlin – Windhoek, local expert: in the needs dialogue; Berlin agreed to version 1, Windhoek has yet to."""
    eoi = submitted_eoi(BERLIN_WINDHOEK, SpecialistModel.LOCAL, WINDHOEK_CONTENT, people["karin"], people["nangula"])
    if eoi is None:
        return
    eoi = _into_dialogue(eoi, people["staff"])
    dialogue.record_meeting(
        eoi,
        date=timezone.localdate() - datetime.timedelta(days=10),
        format="online",
        participants="Karin Kontakt, Nangula Shikongo, Paula Programm",
        notes="Local expert preferred: knows the network and the language of the settlements.",
        by=people["staff"],
    )
    terms = _terms(eoi, people["staff"], WINDHOEK_CONTENT, start=datetime.date(2027, 7, 1))
    german = eoi.participants.get(side="german").municipality
    dialogue.agree_terms(terms, [german], by=people["karin"])


def demo_candidate(name, *, by, **values):
    candidate = Candidate(name=name, created_by=by, pool_consent=True, **values)
    record_consent(candidate)
    return save_candidate(candidate, by=by)


def seed_recruitment(people):
    """Hamburg – Dar es Salaam, integrated expert: in recruitment, with CIM's candidates to match."""
    eoi = submitted_eoi(HAMBURG_DAR_ES_SALAAM, SpecialistModel.INTEGRATED, COMPLETE, people["hanna"], people["amani"])
    if eoi is None:
        return
    eoi = _into_dialogue(eoi, people["staff"])
    terms = _terms(eoi, people["staff"], COMPLETE, start=datetime.date(2027, 4, 1))
    _agree_everywhere(eoi, terms, people, people["hanna"], people["amani"])
    services.transition(eoi, "start_recruitment", by=people["staff"])
    common = {"by": people["cim"], "date_of_birth": datetime.date(1984, 3, 2), "vocational_training": True}
    demo_candidate(
        "Jonas Abfallberg",
        nationalities=["DE"],
        languages=[{"language": "en", "level": "C1"}, {"language": "sw", "level": "A2"}],
        expertise=["waste", "municipal_services"],
        years_of_experience=9,
        qualification="M.Sc. Kreislaufwirtschaft",
        available_from=datetime.date(2027, 3, 1),
        **common,
    )
    demo_candidate(
        "Marta Recicla",
        nationalities=["ES"],
        languages=[{"language": "en", "level": "B2"}],
        expertise=["waste"],
        years_of_experience=4,
        qualification="Ingeniera ambiental",
        available_from=datetime.date(2027, 6, 1),
        **common,
    )
    demo_candidate(
        "Kevin Landfill",
        nationalities=["US"],
        languages=[{"language": "en", "level": "C2"}],
        expertise=["waste", "climate"],
        years_of_experience=12,
        qualification="B.Sc. Environmental Engineering",
        available_from=datetime.date(2027, 1, 1),
        **common,
    )


def seed_placement(people):
    """Berlin – Windhoek, development worker: Fatou's placement began five months ago and she keeps its log."""
    eoi = submitted_eoi(
        BERLIN_WINDHOEK, SpecialistModel.DEVELOPMENT_WORKER, WINDHOEK_CONTENT, people["karin"], people["nangula"]
    )
    if eoi is None:
        return
    staff, today = people["staff"], timezone.localdate()
    start = today - datetime.timedelta(days=150)
    eoi = _into_dialogue(eoi, staff)
    terms = _terms(eoi, staff, WINDHOEK_CONTENT, start=start)
    _agree_everywhere(eoi, terms, people, people["karin"], people["nangula"])
    eoi = services.transition(eoi, "start_recruitment", by=staff)
    fatou = demo_candidate(
        "Fatou Fachkraft",
        by=people["giz"],
        email="fachkraft@demo.example",
        nationalities=["FR"],
        date_of_birth=datetime.date(1988, 9, 14),
        languages=[{"language": "fr", "level": "C2"}, {"language": "en", "level": "C1"}],
        expertise=["climate", "municipal_services"],
        years_of_experience=8,
        vocational_training=True,
        qualification="Ingénieure hydraulique",
        available_from=start,
    )
    entry = selection.add_to_shortlist(eoi, fatou, by=people["giz"])
    eoi = services.transition(eoi, "start_candidate_selection", by=staff)
    for contact in (people["karin"], people["nangula"]):  # every participating municipality accepts her
        selection.decide(entry, "accepted", "", by=contact)
    selection.select_candidate(entry, by=people["nangula"])
    placement = Placement(
        eoi=ExpressionOfInterest.objects.get(pk=eoi.pk),
        candidate=fatou,
        specialist=people["fatou"],
        specialist_model=eoi.specialist_model,
        employer="City of Windhoek",
        start=start,
        end=Placement.default_end(start),
    )
    # The one way to `placed`: the placement saved, then the EOI's step, in one transaction.
    partner = eoi.participants.get(side="partner").municipality
    placement = placement_services.create_placement(placement, [partner], by=staff)
    placement = placement_services.transition(placement, "begin", by=staff)
    _log_activities(placement, people["fatou"], start)
    _publish(placement, people["karin"], people["nangula"])
    _network_event(people)


def _publish(placement, german_contact, partner_contact):
    """Both municipalities opt the partnership and its placement in: the transparency list has a row."""
    for subject in (placement.eoi, placement):
        for contact in (german_contact, partner_contact):
            publication.set_consent(subject, None, True, by=contact)


def _log_activities(placement, specialist, start):
    activities = [
        (20, "Kick-off with the water department", ["municipal_services"], 6, 9, ["cooperation"]),
        (45, "Leak-detection training, team 1", ["climate"], 4, 8, ["inclusion"]),
        (90, "District metering: first two zones", ["climate", "municipal_services"], 3, 5, []),
        (120, "Council briefing on water losses", ["municipal_services"], 7, 6, ["transparency"]),
    ]
    for days, title, themes, women, men, principles in activities:
        Activity.objects.create(
            placement=placement,
            date=start + datetime.timedelta(days=days),
            title=title,
            themes=themes,
            sdgs=[6],
            principles=principles,
            participants_women=women,
            participants_men=men,
            created_by=specialist,
        )


def _network_event(people):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    event = NetworkEvent.objects.create(
        title="Vernetzungstreffen kommunale Fachkräfte",
        description="Erfahrungen aus dem ersten Einsatzjahr; Austausch zu Wasser und Abfall.",
        starts_at=now + datetime.timedelta(days=30),
        ends_at=now + datetime.timedelta(days=30, hours=3),
        online_link="https://meet.example.org/vernetzung",
        capacity=30,
        registration_deadline=now + datetime.timedelta(days=25),
        audience="Fachkräfte im Einsatz",
        created_by=people["staff"],
    )
    events.register(event, people["fatou"])


def seed_journeys():
    people = _people()
    seed_dialogue(people)
    seed_recruitment(people)
    seed_placement(people)
