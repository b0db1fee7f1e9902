"""Bulk data for `manage.py seed`: expressions of interest over every status, each with the history that brought
it there: the parts saved, the confirmations and the version they confirmed, every status change as an Event with
its from and to status, the needs dialogue's meetings and terms of reference with everybody's agreement.

Each EOI's story is a list of declared steps; `walk` asks the @transition declarations on the model for each
step's target, so every history is one the workflow allows. Inserted in bulk: no history rows (simple_history),
no e-mails, no PDFs (the portal prints a PDF on request and its periodic task catches up on missing ones).
"""

import datetime
from dataclasses import dataclass

from applications.models import (
    Confirmation,
    Event,
    ExpressionOfInterest,
    Meeting,
    Part,
    Participant,
    Status,
    TermsAgreement,
    TermsOfReference,
    Version,
)
from applications.vocabulary import Theme
from partnerships.bulk import language_of
from partnerships.models import PartnershipParticipant, Side, SpecialistModel, User

# Of the EOIs a run makes, in percent; the placed ones are as many as the scale's placements.
SHARES = {
    Status.DRAFT: 20,
    Status.SUBMITTED: 6,
    Status.IN_REVIEW: 6,
    Status.RETURNED: 4,
    Status.REJECTED: 8,
    Status.NEEDS_DIALOGUE: 12,
    Status.RECRUITMENT: 10,
    Status.CANDIDATE_SELECTION: 6,
    Status.CONTRACTING: 4,
    Status.WITHDRAWN: 14,
}
FORWARD = [
    "submit",
    "start_review",
    "open_needs_dialogue",
    "start_recruitment",
    "start_candidate_selection",
    "start_contracting",
    "place",
]
STEPS_TO = {
    Status.DRAFT: 0,
    Status.SUBMITTED: 1,
    Status.IN_REVIEW: 2,
    Status.NEEDS_DIALOGUE: 3,
    Status.RECRUITMENT: 4,
    Status.CANDIDATE_SELECTION: 5,
    Status.CONTRACTING: 6,
    Status.PLACED: 7,
}
# The contact persona's five EOIs; the one in recruitment is for an integrated expert, so CIM recruits for it.
PERSONA_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.NEEDS_DIALOGUE, Status.RECRUITMENT, Status.PLACED]
GAP_DAYS = {  # from the step before (or the start) to this step
    "submit": (2, 60),
    "start_review": (0.2, 8),
    "return_for_changes": (5, 30),
    "reject": (5, 40),
    "open_needs_dialogue": (5, 40),
    "start_recruitment": (20, 120),
    "reopen_needs_dialogue": (30, 120),
    "start_candidate_selection": (30, 150),
    "start_contracting": (7, 50),
    "place": (20, 80),
    "withdraw": (5, 90),
}
DWELL_DAYS = {  # in the current status until now; beyond the status's limit (settings) some count as overdue
    Status.DRAFT: (0.5, 200),
    Status.SUBMITTED: (0.2, 8),
    Status.IN_REVIEW: (1, 45),
    Status.RETURNED: (1, 60),
    Status.NEEDS_DIALOGUE: (5, 135),
    Status.RECRUITMENT: (10, 270),
    Status.CANDIDATE_SELECTION: (5, 90),
    Status.CONTRACTING: (5, 135),
    Status.REJECTED: (1, 800),
    Status.WITHDRAWN: (1, 800),
    Status.PLACED: (1, 1_000),
}
STAFF_STEPS = {
    "start_review",
    "return_for_changes",
    "reject",
    "open_needs_dialogue",
    "start_recruitment",
    "reopen_needs_dialogue",
    "start_candidate_selection",
    "place",
}
REASONS = {
    "return_for_changes": [
        "Please describe the tasks in more detail and name the departments involved.",
        "The council resolution is missing; please attach it and resubmit.",
    ],
    "reject": [
        "The placement would replace a regular post of the municipality.",
        "The partner municipality is not a municipality in the sense of the programme.",
    ],
    "reopen_needs_dialogue": ["No candidate with this profile could be found; the profile needs to be broadened."],
    "withdraw": [
        "The council decided to fund the post from the municipal budget.",
        "The partner municipality has found a local solution.",
        "Elections change the priorities; we will apply again next year.",
    ],
}
TOPICS = {
    Theme.WASTE: (
        "Waste collection reaches only half of the districts of {partner}.",
        "Plan a collection system with the wards; train supervisors; set up two recycling points.",
        "Municipal waste management",
    ),
    Theme.CLIMATE: (
        "{partner} loses a third of its drinking water in the network before it reaches a tap.",
        "Set up district metering with the water department; train two leak-detection teams.",
        "Water network engineering",
    ),
    Theme.MUNICIPAL_SERVICES: (
        "Citizens of {partner} wait weeks for a birth certificate or a building permit.",
        "Digitise the civil registry and the permits with the municipal IT unit; train the front offices.",
        "E-government and public administration",
    ),
    Theme.URBAN_DEVELOPMENT: (
        "Informal settlements in {partner} grow faster than the land-use plan.",
        "Draft a participatory land-use plan with the settlements' committees.",
        "Urban planning and land management",
    ),
    Theme.SUSTAINABLE_DEVELOPMENT: (
        "{partner} has no energy plan for its schools, clinics and offices.",
        "Audit the public buildings; plan solar roofs and savings with the finance department.",
        "Energy management in public buildings",
    ),
    Theme.NEW_ACTORS: (
        "Civil society and local businesses in {partner} are hardly involved in municipal planning.",
        "Set up a citizens' forum and a business round table; train staff in participation.",
        "Citizen participation and local economic development",
    ),
}


# --- the plan ---------------------------------------------------------------------------------------------------
def allocate(total, shares, rng):
    """`total` statuses in the proportions of `shares`, every status at least once, shuffled."""
    weight = sum(shares.values())
    counts = {status: max(1, total * share // weight) for status, share in shares.items()}
    largest = max(counts, key=counts.get)
    counts[largest] += total - sum(counts.values())
    statuses = [status for status, count in counts.items() for _ in range(count)]
    rng.shuffle(statuses)
    return statuses


def days(rng, bounds):
    return datetime.timedelta(days=rng.uniform(*bounds))


def path_to(rng, status):
    """The declared steps from the draft to `status`, sometimes with a detour (returned once, back to dialogue)."""
    if status in STEPS_TO:
        path = FORWARD[: STEPS_TO[status]]
    elif status == Status.RETURNED:
        path = ["submit", "start_review", "return_for_changes"]
    elif status == Status.REJECTED:
        path = ["submit", "start_review", "reject"]
    else:  # withdrawn, from any status that is not final
        path = [*FORWARD[: rng.randint(0, 6)], "withdraw"]
    if "open_needs_dialogue" in path and rng.random() < 0.15:
        at = path.index("open_needs_dialogue")
        path[at:at] = ["return_for_changes", "submit", "start_review"]
    if "start_candidate_selection" in path and rng.random() < 0.1:
        at = path.index("start_recruitment") + 1
        path[at:at] = ["reopen_needs_dialogue", "start_recruitment"]
    return path


def was_submitted(steps):
    return any(step == "submit" for step, *_rest in steps)


def target(step, source):
    """The status `step` leads to from `source`, as the model declares it; ValueError if it may not run."""
    transition = getattr(ExpressionOfInterest, step)._django_fsm.get_transition(source)
    if transition is None:
        raise ValueError(f"{step} is not declared from {source}")
    return Status(transition.target)


def walk(rng, status, now):
    """[(step, from, to, at)] ending in `status`, and the moment the EOI was started."""
    path = path_to(rng, status)
    gaps = [days(rng, GAP_DAYS[step]) for step in path]
    started = now - sum(gaps, days(rng, DWELL_DAYS[status]))
    steps, at, current = [], started, Status.DRAFT
    for step, gap in zip(path, gaps, strict=True):
        at += gap
        following = target(step, current)
        steps.append((step, current, following, at))
        current = following
    assert current == status, (path, status)
    return steps, started


@dataclass
class Recruited:
    """What the placements' seeder needs of an EOI that reached candidate selection."""

    eoi_pk: int
    status: str
    specialist_model: str
    themes: list
    languages: list
    wished_start: datetime.date
    partner_pks: list
    partner_names: list
    partner_countries: list
    deciders: list  # (municipality pk, name, its contact's pk) of every participating municipality
    german_contact: int
    partner_contact: int
    selection_at: datetime.datetime
    contracting_at: datetime.datetime | None
    placed_at: datetime.datetime | None


# --- the seeder -------------------------------------------------------------------------------------------------
def seed(run):
    if run.replace:
        run.empty("applications")
    partnerships = [p for p in run.made.get("partnerships", []) if p.confirmed]
    if not partnerships:
        return []
    Stories(run, partnerships).make()
    return []


class Stories:
    """The EOIs of one run: planned, told step by step, inserted model by model."""

    def __init__(self, run, partnerships):
        self.run, self.rng, self.now = run, run.rng, run.now
        self.partnerships = {p.pk: p for p in partnerships}
        persona = run.made.get("persona_partnership")
        if persona is not None:
            self.partnerships[persona.pk] = persona
        self.sides = {}
        for participant in PartnershipParticipant.objects.filter(partnership__in=self.partnerships).select_related(
            "municipality"
        ):
            self.sides.setdefault(participant.partnership_id, []).append(participant)
        self.contacts = run.made["contacts"]
        self.names = dict(User.objects.filter(pk__in=self.contacts.values()).values_list("pk", "name"))
        self.emails = dict(User.objects.filter(pk__in=self.contacts.values()).values_list("pk", "email"))
        self.staff = run.made["staff"]
        self.staff_names = dict(User.objects.filter(pk__in=self.staff).values_list("pk", "name"))
        self.events, self.confirmations, self.versions, self.meetings = [], [], [], []
        self.terms, self.agreements = [], []  # agreements: (index into terms, municipality pk or None, user, at)
        self.recruited = []

    def plan(self):
        """[(partnership pk, status, model)]: the contact persona's five EOIs first, the rest spread unevenly."""
        scale, rng = self.run.scale, self.rng
        statuses = allocate(scale.eois - scale.placements, SHARES, rng) + [Status.PLACED] * scale.placements
        rng.shuffle(statuses)
        persona = self.run.made.get("persona_partnership")
        plans = []
        if persona is not None:
            for status in PERSONA_STATUSES:
                statuses.remove(status)
                model = SpecialistModel.INTEGRATED if status == Status.RECRUITMENT else None
                plans.append((persona.pk, status, model))
        regular = [pk for pk in self.partnerships if persona is None or pk != persona.pk]
        rng.shuffle(regular)
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(regular))]  # a few busy partnerships, many quiet ones
        chosen = rng.choices(regular, weights=weights, k=len(statuses))
        plans += [(pk, status, None) for pk, status in zip(chosen, statuses, strict=True)]
        return plans

    def model_for(self, partnership_pk, wanted):
        countries = {str(p.municipality.country) for p in self.sides[partnership_pk] if p.side == Side.PARTNER}
        open_models = set(SpecialistModel.values)
        for country in countries:
            open_models &= set(self.run.made["open_models"].get(country, []))
        if wanted in open_models:
            return wanted
        return self.rng.choice(sorted(open_models)) if open_models else None

    def make(self):
        eois, stories = [], []
        for partnership_pk, status, wanted in self.plan():
            model = self.model_for(partnership_pk, wanted)
            if model is None:
                continue
            steps, started = walk(self.rng, status, self.now)
            eois.append(self.eoi(partnership_pk, status, model, steps, started))
            stories.append((partnership_pk, steps, started))
        eois = self.run.insert(ExpressionOfInterest, eois)
        participants = self.participants(eois, stories)
        for eoi, (_partnership_pk, steps, started) in zip(eois, stories, strict=True):
            self.tell(eoi, participants[eoi.pk], steps, started)
        self.insert_history()
        self.run.made["recruited"] = self.recruited
        recruiting = [(eoi.pk, eoi.specialist_model) for eoi in eois if eoi.status == Status.RECRUITMENT]
        self.run.made["recruiting"] = recruiting

    # --- one EOI ----------------------------------------------------------------------------------------------
    def eoi(self, partnership_pk, status, model, steps, started):
        rng = self.rng
        last = steps[-1][3] if steps else started
        submits = [at for step, _from, _to, at in steps if step == "submit"]
        drafts = [[], [Part.GERMAN], [Part.GERMAN, Part.SHARED], list(Part)]
        parts = list(Part) if was_submitted(steps) else rng.choice(drafts)  # withdrawn drafts too
        content = self.content(partnership_pk, parts, started)
        return ExpressionOfInterest(
            partnership_id=partnership_pk,
            specialist_model=model,
            status=status,
            created_by_id=self.contact(partnership_pk, Side.GERMAN),
            created_at=started,
            updated_at=last if steps else started + (self.now - started) * 0.7,
            submitted_at=submits[-1] if submits else None,
            status_changed_at=last,
            **content,
            **{f"{part}_version": 1 for part in parts},
        )

    def contact(self, partnership_pk, side):
        return next(self.contacts[p.municipality_id] for p in self.sides[partnership_pk] if p.side == side)

    def content(self, partnership_pk, parts, started):
        rng = self.rng
        german = [p.municipality for p in self.sides[partnership_pk] if p.side == Side.GERMAN]
        partner = [p.municipality for p in self.sides[partnership_pk] if p.side == Side.PARTNER]
        theme = rng.choice(list(TOPICS))
        need, tasks, expertise = TOPICS[theme]
        partner_names = " / ".join(m.name for m in partner)
        language = language_of(partner[0].country)
        languages = [{"language": language, "level": rng.choice(["B2", "C1"])}]
        if language != "en" and rng.random() < 0.4:
            languages.append({"language": "en", "level": "B1"})
        german_contact, partner_contact = (self.contact(partnership_pk, side) for side in (Side.GERMAN, Side.PARTNER))
        values = {}
        if Part.GERMAN in parts:
            values |= {
                "motivation": f"{german[0].name} und {partner_names} arbeiten seit Jahren zusammen; "
                f"wir wollen die Zusammenarbeit in einem konkreten Vorhaben vertiefen ({theme.label}).",
                "german_contribution": "Zwei Wochen Personalzeit im Jahr, ein Austauschbesuch, Fachberatung aus der "
                "Verwaltung.",
                "german_departments": rng.choice(
                    ["Umweltamt, Stadtwerke", "Hauptamt, IT-Dienstleister", "Stadtplanung"]
                ),
                "german_contact_name": self.names[german_contact],
                "german_contact_email": self.emails[german_contact],
            }
        if Part.PARTNER in parts:
            values |= {
                "need": need.format(partner=partner_names),
                "tasks_and_goals": tasks,
                "expertise_sought": expertise,
                "places_of_assignment": f"{partner_names} City Council",
                "working_languages": languages,
                "wished_start": (started + days(rng, (200, 400))).date(),
                "partner_contact_name": self.names[partner_contact],
                "partner_contact_email": self.emails[partner_contact],
            }
        if Part.SHARED in parts:
            values |= {
                "principle_transparency": "Progress reports to both councils twice a year; an open data page.",
                "principle_cooperation": "The departments concerned meet every month with the specialist.",
                "principle_inclusion": "Women's groups and the settlements' committees take part in the planning.",
                "themes": sorted({theme.value, *rng.sample(Theme.values, rng.randint(0, 2))}),
                "sdgs": sorted(rng.sample(range(1, 18), rng.randint(1, 3))),
            }
        return values

    def participants(self, eois, stories):
        rows = {
            eoi.pk: [Participant(eoi=eoi, municipality_id=p.municipality_id, side=p.side) for p in self.sides[pk]]
            for eoi, (pk, _steps, _started) in zip(eois, stories, strict=True)
        }
        self.run.insert(Participant, [row for eoi_rows in rows.values() for row in eoi_rows])
        return rows

    def event(self, eoi, kind, at, actor, **fields):
        self.events.append(Event(eoi_id=eoi.pk, kind=kind, created_at=at, actor_id=actor, **fields))

    def tell(self, eoi, participants, steps, started):
        """The rows of one EOI's history, from its start to its current status."""
        rng, pk = self.rng, eoi.partnership_id
        german, partner = self.contact(pk, Side.GERMAN), self.contact(pk, Side.PARTNER)
        self.event(eoi, Event.Kind.CREATED, started, german)
        end_of_drafting = steps[0][3] if steps else self.now
        saved = [part for part in Part if getattr(eoi, f"{part}_version")]
        moments = sorted(started + (end_of_drafting - started) * rng.uniform(0.05, 0.6) for _ in saved)
        for part, at in zip(saved, moments, strict=True):
            actor = partner if part == Part.PARTNER else german
            self.event(eoi, Event.Kind.PART_SAVED, at, actor, params={"part": part.value})
        submitted = was_submitted(steps)
        if submitted or (len(saved) == len(Part) and rng.random() < 0.3):
            confirming = participants if submitted else [p for p in participants if p.side == Side.GERMAN]
            at = started + (end_of_drafting - started) * 0.7
            self.confirm(eoi, participants, confirming, at, submitted=submitted)
        for index, (step, source, following, at) in enumerate(steps):
            if step == "open_needs_dialogue":
                self.dialogue(eoi, participants, at, steps[index + 1][3] if index + 1 < len(steps) else self.now)
            self.step(eoi, step, source, following, at, german, partner)
        if any(step == "start_candidate_selection" for step, *_rest in steps):
            self.note_recruited(eoi, participants, steps, german, partner)

    def confirm(self, eoi, participants, confirming, at, *, submitted):
        """`confirming` confirm the content as it stands (its fingerprint covers every participant)."""
        known = eoi.participants.all()  # what content() reads, filled in without a query
        known._result_cache, known._prefetch_done = list(participants), True
        eoi._prefetched_objects_cache = {"participants": known}
        fingerprint = eoi.fingerprint()
        names = {p.municipality_id: p.municipality.name for p in self.sides[eoi.partnership_id]}
        for number, participant in enumerate(confirming):
            moment = at + datetime.timedelta(hours=number + 1)
            contact = self.contacts[participant.municipality_id]
            self.confirmations.append(
                Confirmation(
                    eoi_id=eoi.pk,
                    municipality_id=participant.municipality_id,
                    confirmed_by_id=contact,
                    fingerprint=fingerprint,
                    confirmed_at=moment,
                )
            )
            params = {"municipalities": [names[participant.municipality_id]]}
            self.event(eoi, Event.Kind.CONFIRMED, moment, contact, params=params)
        self.versions.append(
            Version(
                eoi_id=eoi.pk,
                number=1,
                fingerprint=fingerprint,
                content=eoi.content(),
                created_by_id=self.contacts[confirming[0].municipality_id],
                created_at=at + datetime.timedelta(hours=1),
                submitted=submitted,
            )
        )
        del eoi._prefetched_objects_cache

    def step(self, eoi, step, source, following, at, german, partner):
        actor = self.rng.choice(self.staff) if step in STAFF_STEPS else german
        if step == "start_contracting":
            actor = partner  # the employer picks (placements' seeder adds the candidate to the record)
        if step == "withdraw" and self.rng.random() < 0.3:
            actor = self.rng.choice(self.staff)
        kind = {"submit": Event.Kind.SUBMITTED, "withdraw": Event.Kind.WITHDRAWN}.get(step, Event.Kind.STATUS_CHANGED)
        note = self.rng.choice(REASONS[step]) if step in REASONS else ""
        self.event(eoi, kind, at, actor, from_status=source, to_status=following, note=note, params={"step": step})

    def dialogue(self, eoi, participants, opened, closed):
        """Meetings and the terms of reference between the opening of the dialogue and the next step."""
        rng, staff = self.rng, self.rng.choice(self.staff)
        span = closed - opened
        agreed_all = eoi.status != Status.NEEDS_DIALOGUE or closed < self.now
        for fraction in sorted(rng.uniform(0.05, 0.4) for _ in range(rng.randint(1, 2))):
            day = (opened + span * fraction).date()
            meeting_format = rng.choice([Meeting.Format.ONLINE, Meeting.Format.ON_SITE])
            who = [self.names[self.contacts[p.municipality_id]] for p in participants] + [self.staff_names[staff]]
            self.meetings.append(
                Meeting(
                    eoi_id=eoi.pk,
                    date=day,
                    format=meeting_format,
                    participants=", ".join(who),
                    notes="Expertise, tasks and the place of assignment discussed.",
                    created_by_id=staff,
                    created_at=opened + span * fraction,
                )
            )
            params = {"date": day.isoformat(), "format": meeting_format}
            self.event(eoi, Event.Kind.MEETING, opened + span * fraction, staff, params=params)
        if not agreed_all and rng.random() < 0.4:
            return  # still talking: no terms yet
        proposed = opened + span * 0.5
        self.terms.append(
            TermsOfReference(
                eoi_id=eoi.pk,
                number=1,
                expertise=eoi.expertise_sought,
                tasks_and_goals=eoi.tasks_and_goals,
                places_of_assignment=eoi.places_of_assignment,
                specialist_model=eoi.specialist_model,
                duration_months=24,
                start=eoi.wished_start,
                languages=eoi.working_languages,
                created_by_id=staff,
                created_at=proposed,
            )
        )
        self.event(eoi, Event.Kind.TERMS_PROPOSED, proposed, staff, params={"number": 1})
        parties = [(p.municipality_id, self.contacts[p.municipality_id]) for p in participants] + [(None, staff)]
        if not agreed_all:
            parties = parties[: rng.randint(0, len(parties) - 1)]
        names = {p.municipality_id: p.municipality.name for p in self.sides[eoi.partnership_id]}
        for number, (municipality, user) in enumerate(parties, start=1):
            at = proposed + span * 0.1 * number / len(parties)
            self.agreements.append((len(self.terms) - 1, municipality, user, at))
            if number == len(participants):  # the last municipality (staff agree last): as dialogue.agree_terms
                self.terms[-1].municipalities_agreed_at = at
            done = agreed_all and number == len(parties)
            params = {"number": 1, "parties": [names.get(municipality)], "all_agreed": done}
            self.event(eoi, Event.Kind.TERMS_AGREED, at, user, params=params)

    def note_recruited(self, eoi, participants, steps, german, partner):
        moments = {step: at for step, _from, _to, at in steps}
        names = {p.municipality_id: p.municipality.name for p in self.sides[eoi.partnership_id]}
        partners = [p.municipality for p in self.sides[eoi.partnership_id] if p.side == Side.PARTNER]
        self.recruited.append(
            Recruited(
                eoi_pk=eoi.pk,
                status=eoi.status,
                specialist_model=eoi.specialist_model,
                themes=eoi.themes,
                languages=eoi.working_languages,
                wished_start=eoi.wished_start,
                partner_pks=[m.pk for m in partners],
                partner_names=[m.name for m in partners],
                partner_countries=[str(m.country) for m in partners],
                deciders=[
                    (p.municipality_id, names[p.municipality_id], self.contacts[p.municipality_id])
                    for p in participants
                ],
                german_contact=german,
                partner_contact=partner,
                selection_at=moments["start_candidate_selection"],
                contracting_at=moments.get("start_contracting"),
                placed_at=moments.get("place"),
            )
        )

    def insert_history(self):
        run = self.run
        run.insert(Event, self.events, batch_size=5_000)
        run.insert(Confirmation, self.confirmations)
        run.insert(Version, self.versions, batch_size=1_000)
        run.insert(Meeting, self.meetings)
        terms = run.insert(TermsOfReference, self.terms)
        agreements = [
            TermsAgreement(terms=terms[index], municipality_id=municipality, agreed_by_id=user, agreed_at=at)
            for index, municipality, user, at in self.agreements
        ]
        run.insert(TermsAgreement, agreements)
