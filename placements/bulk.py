"""Bulk data for `manage.py seed`: candidates and shortlists for the EOIs that reached candidate selection (the
picked one selected, the record of the pick completed), a placement for every placed EOI with its specialist's
account, its steps as records, its reports as placements/reports.py schedules them (submitted ones with their
frozen totals), the activity log, and the programme's network events with registrations.

Every placement step is checked against the @transition declarations on Placement, as the EOIs' are in
applications/bulk.py. Inserted in bulk: no history rows, no e-mails, no PDFs (a periodic task prints the
missing report PDFs).
"""

import bisect
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.models import CHANNEL_OF_MODEL, Event, Participant, Status
from applications.vocabulary import CefrLevel, Theme, WorkingLanguage
from partnerships.bulk import BULK_DOMAIN, RECRUITER, SPECIALIST, language_of, person_name
from partnerships.models import Role, SpecialistModel, User
from placements import eligibility
from placements.models import (
    Activity,
    Candidate,
    NetworkEvent,
    Placement,
    PlacementEvent,
    PlacementStatus,
    Principle,
    PublicationConsent,
    Registration,
    Report,
    ShortlistDecision,
    ShortlistEntry,
    add_months,
)
from placements.publication import PUBLIC_EOI_STATES
from placements.reports import FINAL_DUE_DAYS, GENDERS, INTERIM_DUE_DAYS, interim_periods, period_of, with_participants

DAY = datetime.timedelta(days=1)
EU = sorted(eligibility.EU_COUNTRIES)
EU_EFTA = sorted(eligibility.EU_EFTA_COUNTRIES)
ELSEWHERE = ["US", "CA", "GB", "AU", "TR", "RS"]
ACTIVITY_TITLES = [
    "Kick-off with the department",
    "Training of the field team",
    "Council briefing",
    "Workshop with the settlements' committees",
    "Site visit with the engineers",
    "Planning meeting with the finance department",
    "Exchange call with the German partner",
    "Public information evening",
    "Data collection in the districts",
    "Steering group meeting",
]
DEPARTMENTS = ["Water department", "Planning office", "Finance department", "IT unit", "Mayor's office", "NGO partner"]
EVENT_TITLES = ["Vernetzungstreffen kommunale Fachkräfte", "Austausch Wasser und Abfall", "Regionaltreffen Afrika"]
EVENT_TITLES += ["Regionaltreffen Lateinamerika", "Online-Werkstatt Bürgerbeteiligung", "Fachtag Klimaanpassung"]
REASONS = {
    "extend": "The council asked for another year to finish the metering programme.",
    "end_early": "The specialist returned home for family reasons.",
}


def seed(run):
    if run.replace:
        run.empty("placements")
    Recruitment(run).make()
    publication_consents(run)
    return []


def publication_consents(run):
    """Opt-ins to the transparency list as municipalities give them, for the EOIs past their submission that have
    none yet: four in five placed EOIs and their placements by every municipality (public); of the others, two in
    five by every municipality (public), one in ten by one municipality only (not public); one in twenty withdrawn
    a month later."""
    rows = (
        Participant.objects.filter(eoi__status__in=PUBLIC_EOI_STATES)
        .exclude(Exists(PublicationConsent.objects.filter(eoi=OuterRef("eoi"))))
        .order_by("eoi_id", "pk")
        .values_list("eoi_id", "municipality_id", "eoi__submitted_at")
    )
    by_eoi = {}
    for eoi_id, municipality_id, submitted_at in rows:
        by_eoi.setdefault(eoi_id, (submitted_at, []))[1].append(municipality_id)
    placements = dict(Placement.objects.filter(eoi__in=list(by_eoi)).values_list("eoi_id", "pk"))
    consents = []

    def consent(given_at, municipalities, **subject):
        for municipality_id in municipalities:
            revoked_at = given_at + 30 * DAY if len(consents) % 20 == 7 else None
            consents.append(
                PublicationConsent(municipality_id=municipality_id, given_at=given_at, revoked_at=revoked_at, **subject)
            )

    placed = 0
    for number, (eoi_id, (submitted_at, municipalities)) in enumerate(by_eoi.items()):
        given_at = (submitted_at or run.now) + 7 * DAY
        if eoi_id in placements:
            placed += 1
            if placed % 5:
                consent(given_at, municipalities, eoi_id=eoi_id)
                consent(given_at, municipalities, placement_id=placements[eoi_id])
        elif number % 5 < 2:
            consent(given_at, municipalities, eoi_id=eoi_id)
        elif number % 10 == 2:
            consent(given_at, municipalities[:1], eoi_id=eoi_id)
    run.insert(PublicationConsent, consents)


def target(step, source):
    """The status `step` leads to from `source`, as Placement declares it; ValueError if it may not run."""
    transition = getattr(Placement, step)._django_fsm.get_transition(source)
    if transition is None:
        raise ValueError(f"{step} is not declared from {source}")
    return PlacementStatus(transition.target)


def at_nine(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


class Recruitment:
    """Candidates, shortlists, placements, their reports and activities, network events: one run's worth."""

    def __init__(self, run):
        self.run, self.rng, self.now = run, run.rng, run.now
        self.today = timezone.localdate(run.now)
        self.scale = run.scale
        self.staff = run.made["staff"]
        persona_recruiter = [run.made[RECRUITER.email]] if RECRUITER.email in run.made.get("new_personas", ()) else []
        self.recruiters = {
            SpecialistModel.INTEGRATED: run.made["cim"] + persona_recruiter * 3,  # the persona records the most
            SpecialistModel.DEVELOPMENT_WORKER: run.made["giz"],
            SpecialistModel.LOCAL: self.staff,
        }
        self.persona_specialist = (
            run.made[SPECIALIST.email] if SPECIALIST.email in run.made.get("new_personas", ()) else None
        )
        self.recruited = run.made.get("recruited", [])
        placed = [note for note in self.recruited if note.placed_at]
        # The persona's placement is the earliest (Placements sorts by the day of placing): the longest log.
        self.persona_eoi = min(placed, key=lambda note: note.placed_at).eoi_pk if placed else None
        self.candidates, self.entries = [], []  # entries: (EOI's note, candidate index, leading?, added by)
        self.counter = 0

    def make(self):
        selected = self.shortlists()
        candidates = self.run.insert(Candidate, self.candidates)
        self.decide(candidates)
        self.complete_the_picks(selected, candidates)
        placed = [(note, candidates[selected[note.eoi_pk]]) for note in self.recruited if note.placed_at]
        specialists = Placements(self).make(placed)
        NetworkEvents(self).make(specialists)

    # --- candidates and shortlists ------------------------------------------------------------------------------
    def candidate(self, model, countries, *, created_at, by, languages=(), themes=(), eoi=None):
        """A candidate whom `model` lets place in `countries`; returns its index in self.candidates."""
        rng = self.rng
        if model == SpecialistModel.LOCAL:
            nationality = rng.choice(countries)
        else:
            nationality = rng.choice(EU if model == SpecialistModel.DEVELOPMENT_WORKER else EU_EFTA)
        known = [{"language": entry["language"], "level": rng.choice(["C1", "C2"])} for entry in languages]
        self.counter += 1
        self.candidates.append(
            Candidate(
                name=person_name(rng),
                email=f"candidate-{self.counter}@{self.run.tag}.{BULK_DOMAIN}",
                nationalities=[nationality],
                date_of_birth=datetime.date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                languages=known or self.some_languages(),
                expertise=sorted(set(themes) | set(rng.sample(Theme.values, rng.randint(0, 1)))),
                years_of_experience=rng.randint(2, 25),
                vocational_training=True,
                qualification=rng.choice(["M.Sc. Civil Engineering", "Dipl.-Ing. Wasserwirtschaft", "MBA", "B.A."]),
                available_from=(created_at + datetime.timedelta(days=rng.randint(30, 200))).date(),
                consent_text_version=settings.CANDIDATE_CONSENT_VERSION,
                consent_given_at=created_at,
                pool_consent=True,
                applied_for_id=eoi if rng.random() < 0.5 else None,
                retention_until=add_months(timezone.localdate(created_at), 24),
                created_by_id=by,
                created_at=created_at,
                channel=CHANNEL_OF_MODEL[model],
            )
        )
        return len(self.candidates) - 1

    def some_languages(self):
        chosen = self.rng.sample(WorkingLanguage.values[:-1], self.rng.randint(1, 3))
        return [{"language": language, "level": self.rng.choice(CefrLevel.values)} for language in chosen]

    def pool(self, count):
        """Candidates nobody has picked: for matching. Most from the EU, some from partner countries."""
        rng, partner_countries = self.rng, sorted(self.run.made["open_models"])
        first = len(self.candidates)
        for _ in range(count):
            model = rng.choice(list(SpecialistModel))
            created_at = self.now - datetime.timedelta(days=rng.uniform(1, 170))
            roll = rng.random()
            countries = [rng.choice(partner_countries)] if roll < 0.2 else [rng.choice(ELSEWHERE)]
            index = self.candidate(
                model if roll < 0.9 else SpecialistModel.LOCAL,
                countries,
                created_at=created_at,
                by=rng.choice(self.recruiters[model]),
            )
            candidate = self.candidates[index]
            candidate.years_of_experience = rng.randint(0, 25)
            candidate.vocational_training = rng.random() < 0.8
            candidate.available_from = (self.now + datetime.timedelta(days=rng.randint(-120, 300))).date()
            candidate.pool_consent = rng.random() < 0.5
            candidate.applied_for_id = None
            if not candidate.pool_consent:  # kept six months from being recorded
                candidate.retention_until = add_months(timezone.localdate(created_at), 6)
        return list(range(first, len(self.candidates)))

    def apply_for_recruiting(self, pool):
        """A quarter of the pool applied for an EOI in recruitment (their deadline is open until it ends)."""
        recruiting = self.run.made.get("recruiting", [])
        for index in pool:
            candidate = self.candidates[index]
            if recruiting and not candidate.pool_consent and self.rng.random() < 0.25:
                candidate.applied_for_id, _model = self.rng.choice(recruiting)
                candidate.retention_until = None

    def shortlists(self):
        """Each EOI that reached candidate selection: its own candidate (picked when it went on to contracting)
        and up to three eligible ones from the pool. Returns {eoi pk: index of the picked or leading candidate}."""
        rng = self.rng
        pool = self.pool(max(5, self.scale.candidates - len(self.recruited)))
        self.apply_for_recruiting(pool)
        leading = {}
        for note in self.recruited:
            by = rng.choice(self.recruiters[note.specialist_model])
            created_at = note.selection_at - datetime.timedelta(days=rng.uniform(30, 60))
            index = self.candidate(
                note.specialist_model,
                note.partner_countries,
                created_at=created_at,
                by=by,
                languages=note.languages,
                themes=note.themes,
                eoi=note.eoi_pk,
            )
            leading[note.eoi_pk] = index
            if note.eoi_pk == self.persona_eoi and self.persona_specialist is not None:
                self.candidates[index].name, self.candidates[index].email = SPECIALIST.name, SPECIALIST.email
            others = self.eligible_from(pool, note)
            for number, candidate_index in enumerate([index, *others]):
                self.entries.append((note, candidate_index, number == 0, by))
                self.predate(candidate_index, note.selection_at)
        return leading

    def eligible_from(self, pool, note):
        wanted, chosen = self.rng.randint(0, 3), []
        for index in self.rng.sample(pool, min(len(pool), 12)):
            candidate = self.candidates[index]
            if len(chosen) < wanted and not eligibility.check(
                candidate, note.specialist_model, note.partner_countries, on=note.wished_start
            ):
                chosen.append(index)
        return chosen

    def predate(self, index, selection_at):
        """A shortlisted candidate was recorded before the shortlist; consent renewed since, so still kept."""
        candidate, rng = self.candidates[index], self.rng
        recorded = selection_at - datetime.timedelta(days=rng.uniform(30, 60))
        if candidate.created_at > recorded:
            candidate.created_at = recorded
        consent = max(candidate.created_at, self.now - datetime.timedelta(days=rng.uniform(1, 600)))
        candidate.pool_consent, candidate.consent_given_at = True, consent
        candidate.retention_until = add_months(timezone.localdate(consent), 24)
        candidate.available_from = max(candidate.available_from, recorded.date())

    def decision(self, note, leading):
        """One municipality's decision on an entry, or None while it has not decided: the picked candidate was
        accepted by every municipality; the leading one of a selection still running is declined by none."""
        Decision = ShortlistDecision.Decision
        if note.contracting_at and leading:
            return Decision.ACCEPTED
        if leading:
            return self.rng.choice([None, Decision.ACCEPTED])
        return self.rng.choice([None, Decision.ACCEPTED, Decision.DECLINED])

    def decide(self, candidates):
        """The shortlist entries, each municipality's decisions and their records."""
        rng = self.rng
        entries = self.run.insert(
            ShortlistEntry,
            [
                ShortlistEntry(
                    eoi_id=note.eoi_pk,
                    candidate=candidates[index],
                    added_by_id=by,
                    added_at=note.selection_at - datetime.timedelta(days=rng.uniform(1, 25)),
                    selected=bool(note.contracting_at and leading),
                )
                for note, index, leading, by in self.entries
            ],
        )
        decisions, events = [], []
        for entry, (note, _index, leading, _by) in zip(entries, self.entries, strict=True):
            until = note.contracting_at or self.now
            for municipality, name, contact in note.deciders:
                decision = self.decision(note, leading)
                if decision is None:
                    continue
                at = note.selection_at + (until - note.selection_at) * rng.uniform(0.1, 0.8)
                declined = decision == ShortlistDecision.Decision.DECLINED
                reason = "The profile lacks experience in local government." if declined else ""
                decisions.append(
                    ShortlistDecision(
                        entry=entry,
                        municipality_id=municipality,
                        decision=decision,
                        reason=reason,
                        decided_by_id=contact,
                        decided_at=at,
                    )
                )
                params = {
                    "candidate_id": entry.candidate_id,
                    "candidate": str(entry.candidate),
                    "municipality": name,
                    "decision": decision.value,
                }
                events.append(
                    Event(
                        eoi_id=note.eoi_pk,
                        kind=Event.Kind.SHORTLIST_DECIDED,
                        actor_id=contact,
                        created_at=at,
                        params=params,
                    )
                )
        self.run.insert(ShortlistDecision, decisions)
        self.run.insert(Event, events, batch_size=5_000)

    def complete_the_picks(self, leading, candidates):
        """The start_contracting record names the candidate picked, as placements/selection.py records it."""
        picked = {note.eoi_pk: candidates[leading[note.eoi_pk]] for note in self.recruited if note.contracting_at}
        events = list(
            Event.objects.filter(
                eoi_id__in=picked, from_status=Status.CANDIDATE_SELECTION, to_status=Status.CONTRACTING
            )
        )
        for event in events:
            candidate = picked[event.eoi_id]
            event.params = {**event.params, "candidate": candidate.name, "candidate_id": candidate.pk}
        Event.objects.bulk_update(events, ["params"], batch_size=2_000)


class Placements:
    """A placement for each placed EOI: its specialist, steps, reports and activity log."""

    def __init__(self, recruitment):
        self.recruitment = recruitment
        self.run, self.rng, self.now, self.today = recruitment.run, recruitment.rng, recruitment.now, recruitment.today
        self.events, self.reports, self.activities, self.submissions = [], [], [], []

    def make(self, placed):
        """Returns the pks of the specialists' accounts."""
        if not placed:
            return []
        placed.sort(key=lambda pair: pair[0].placed_at)
        specialists = self.specialists(placed)
        rows, stories = [], []
        for number, ((note, candidate), specialist) in enumerate(zip(placed, specialists, strict=True)):
            persona = number == 0 and self.recruitment.persona_specialist is not None
            start = note.placed_at.date() + datetime.timedelta(days=self.rng.randint(10, 60))
            if persona and start > self.today - datetime.timedelta(days=30):
                start = self.today - datetime.timedelta(days=30)  # running, with a log to read
            story = self.story(start, Placement.default_end(start), note.placed_at, running=persona)
            rows.append(self.placement(note, candidate, specialist, start, story))
            stories.append((note, specialist, start, story, persona))
        placements = self.run.insert(Placement, rows)
        through = Placement.places.through
        self.run.insert(
            through,
            [
                through(placement_id=p.pk, municipality_id=m)
                for p, (note, *_rest) in zip(placements, stories, strict=True)
                for m in note.partner_pks
            ],
        )
        budget = self.activity_budget(placements, stories)
        for placement, (note, specialist, _start, story, _persona), count in zip(
            placements, stories, budget, strict=True
        ):
            self.tell(placement, note, specialist, story, count)
        self.insert()
        return [user.pk for user in specialists]

    def specialists(self, placed):
        """An account for each placed candidate (the persona's for the first placement, if new)."""
        persona = self.recruitment.persona_specialist
        users = []
        for number, (note, candidate) in enumerate(placed):
            if number == 0 and persona is not None:
                continue
            candidate_language = language_of(candidate.nationalities[0])
            users.append(
                User(
                    email=candidate.email,
                    name=candidate.name,
                    password=make_password(None),  # a seeded specialist who never logs in
                    preferred_language=candidate_language,
                    date_joined=note.placed_at,
                )
            )
        users = self.run.insert(User, users)
        group = Group.objects.get(name=Role.SPECIALIST.value)
        through = User.groups.through
        self.run.insert(through, [through(user_id=user.pk, group_id=group.pk) for user in users])
        if persona is not None:
            users.insert(0, User.objects.get(pk=persona))
        return users

    def story(self, start, end, placed_at, *, running=False):
        """(status, end, [(step, from, to, at, params, note)], end planned before an early end or None)."""
        rng, today = self.rng, self.today
        steps = [("created", "", PlacementStatus.PLANNED, placed_at, {}, "")]
        if start > today:
            return PlacementStatus.PLANNED, end, steps, None
        status = self.take(steps, "begin", PlacementStatus.PLANNED, at_nine(start))
        if (running and end < today) or (not running and rng.random() < 0.12 and end - 90 * DAY <= today):
            new_end = add_months(end, 12 if running else rng.choice([6, 12]))
            while running and new_end < today + 60 * DAY:
                new_end = add_months(new_end, 12)
            at = at_nine(min(end - 60 * DAY, today - DAY))
            status = self.take(steps, "extend", status, at, {"new_end": new_end.isoformat()}, REASONS["extend"])
            end = new_end
        if running:
            return status, end, steps, None
        earliest, latest = start + 60 * DAY, min(end - DAY, today - DAY)
        if status == PlacementStatus.EXTENDED:
            earliest = max(earliest, steps[-1][3].date() + DAY)  # ended after the extension, not before it
        if rng.random() < 0.1 and earliest <= latest:
            early = earliest + rng.randint(0, (latest - earliest).days) * DAY
            at = at_nine(min(early + rng.randint(1, 10) * DAY, today))
            status = self.take(steps, "end_early", status, at, {"end": early.isoformat()}, REASONS["end_early"])
            return status, early, steps, end
        if end < today - 14 * DAY:
            status = self.take(steps, "complete", status, at_nine(end + rng.randint(1, 14) * DAY))
        return status, end, steps, None

    def take(self, steps, step, source, at, params=None, note=""):
        after = steps[-1][3] + datetime.timedelta(hours=1)
        at = min(max(at, after), self.now)
        following = target(step, source)
        steps.append((step, source, following, at, params or {}, note))
        return following

    def placement(self, note, candidate, specialist, start, story):
        status, end, _steps, _before = story
        integrated = note.specialist_model == SpecialistModel.INTEGRATED
        return Placement(
            eoi_id=note.eoi_pk,
            candidate=candidate,
            specialist=specialist,
            status=status,
            specialist_model=note.specialist_model,
            employer=note.partner_names[0],
            start=start,
            end=end,
            monthly_top_up=Decimal(self.rng.randrange(800, 2_500, 50)) if integrated else None,
            top_up_currency="EUR" if integrated else "",
            end_reason=next((reason for *_step, reason in reversed(story[2]) if reason), ""),
            created_by_id=self.rng.choice(self.recruitment.staff),
            created_at=note.placed_at,
        )

    def activity_budget(self, placements, stories):
        """The scale's activities shared by the days each placement has run; the persona gets a long log."""
        scale = self.run.scale
        persona_count = max(40, scale.activities // 200)
        days = [self.running_days(p.start, p.end) for p in placements]
        personas = [story[4] for story in stories]
        rest = max(0, scale.activities - (persona_count if any(personas) else 0))
        total = sum(d for d, persona in zip(days, personas, strict=True) if not persona) or 1
        return [persona_count if persona else rest * d // total for d, persona in zip(days, personas, strict=True)]

    def running_days(self, start, end):
        return max(0, (min(end, self.today) - start).days + 1) if start <= self.today else 0

    def tell(self, placement, note, specialist, story, count):
        status, end, steps, before = story
        staff = self.recruitment.staff
        for step, source, following, at, params, reason in steps:
            self.events.append(
                PlacementEvent(
                    placement=placement,
                    kind=step,
                    from_status=source,
                    to_status=following,
                    params=params,
                    note=reason,
                    actor_id=self.rng.choice(staff),
                    created_at=at,
                )
            )
        dates = self.log(placement, note, specialist, count)
        self.schedule(placement, specialist, status, before, dates)

    def log(self, placement, note, specialist, count):
        """`count` activities between the start and today (or the end); returns their (date, participants) sorted."""
        rng, days = self.rng, self.running_days(placement.start, placement.end)
        logged = []
        for _ in range(count if days else 0):
            day = placement.start + rng.randrange(days) * DAY
            people = {gender: rng.choice([0, 0, 1, 2, 3, 5, 8, 12]) for gender in GENDERS}
            created = min(at_nine(day) + datetime.timedelta(hours=rng.uniform(1, 72)), self.now)
            self.activities.append(
                Activity(
                    placement=placement,
                    date=day,
                    title=rng.choice(ACTIVITY_TITLES),
                    description=rng.choice(
                        ["", "Minutes shared with the partner municipality.", "Photos in the file."]
                    ),
                    themes=rng.sample(
                        note.themes or Theme.values, min(len(note.themes or Theme.values), rng.randint(0, 2))
                    ),
                    sdgs=rng.sample(range(1, 18), rng.randint(0, 2)),
                    departments=", ".join(rng.sample(DEPARTMENTS, rng.randint(1, 2))),
                    principles=rng.sample(Principle.values, rng.randint(0, 2)),
                    created_by_id=specialist.pk,
                    created_at=created,
                    updated_at=created,
                    **{f"participants_{gender}": n for gender, n in people.items()},
                )
            )
            logged.append((day, people))
        logged.sort(key=lambda pair: pair[0])
        return logged

    def schedule(self, placement, specialist, status, before, logged):
        """The reports placements/reports.py would keep for these dates; the periods past, mostly submitted."""
        start, end = placement.start, placement.end
        wanted = interim_periods(start, end)
        dropped = [period for period in interim_periods(start, before) if period not in wanted] if before else []
        for period_start, period_end in wanted:
            self.report(placement, specialist, Report.Kind.INTERIM, period_start, period_end, logged, status)
        for period_start, period_end in dropped:
            due = period_end + INTERIM_DUE_DAYS * DAY
            self.reports.append(
                Report(
                    placement=placement,
                    kind=Report.Kind.INTERIM,
                    period_start=period_start,
                    period_end=period_end,
                    due_date=due,
                    state=Report.State.CANCELLED,
                )
            )
        self.report(placement, specialist, Report.Kind.FINAL, start, end, logged, status)

    def report(self, placement, specialist, kind, period_start, period_end, logged, status):
        rng = self.rng
        due = period_end + (FINAL_DUE_DAYS if kind == Report.Kind.FINAL else INTERIM_DUE_DAYS) * DAY
        report = Report(placement=placement, kind=kind, period_start=period_start, period_end=period_end, due_date=due)
        over = kind == Report.Kind.INTERIM or status in (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)
        chance = 0.9 if due < self.today else 0.5
        if status != PlacementStatus.PLANNED and over and period_end < self.today and rng.random() < chance:
            submitted = at_nine(period_end + rng.randint(1, 40) * DAY)
            report.state = Report.State.SUBMITTED
            report.submitted_at = min(submitted, self.now - datetime.timedelta(hours=1))
            report.submitted_by = specialist
            report.summary = "The work went to plan; the teams are trained and the first results are visible."
            report.results = "Two districts metered; losses down by a tenth; the council adopted the plan."
            report.challenges = "Staff turnover in the department." if rng.random() < 0.5 else ""
            report.next_steps = "Extend the metering to the remaining districts."
            report.totals = self.totals(logged, period_start, period_end)
            self.submissions.append(report)
        self.reports.append(report)

    def totals(self, logged, period_start, period_end):
        """What placements.reports.period_totals would freeze: activities and participants by gender."""
        days = [day for day, _people in logged]
        inside = logged[bisect.bisect_left(days, period_start) : bisect.bisect_right(days, period_end)]
        totals = {"activities": len(inside), **{g: sum(people[g] for _day, people in inside) for g in GENDERS}}
        return with_participants(totals)

    def insert(self):
        run = self.run
        run.insert(Activity, self.activities, batch_size=5_000)
        run.insert(Report, self.reports)
        for report in self.submissions:
            self.events.append(
                PlacementEvent(
                    placement=report.placement,
                    kind=PlacementEvent.Kind.REPORT_SUBMITTED,
                    params=period_of(report),
                    actor=report.submitted_by,
                    created_at=report.submitted_at,
                )
            )
        run.insert(PlacementEvent, self.events)


class NetworkEvents:
    """The programme's network events over two years past and half a year ahead, with the specialists' places."""

    def __init__(self, recruitment):
        self.run, self.rng, self.now = recruitment.run, recruitment.rng, recruitment.now
        self.staff = recruitment.staff

    def make(self, specialists):
        rng, events = self.rng, []
        for _ in range(self.run.scale.network_events):
            starts = (self.now + datetime.timedelta(days=rng.uniform(-720, 180))).replace(
                minute=0, second=0, microsecond=0
            )
            online = rng.random() < 0.5
            events.append(
                NetworkEvent(
                    title=rng.choice(EVENT_TITLES),
                    description="Erfahrungen aus dem Einsatz teilen; Austausch zwischen Fachkräften und Kommunen.",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=rng.choice([2, 3, 8, 30])),
                    place="" if online else rng.choice(["Bonn", "Berlin", "Accra", "Windhoek", "Lima"]),
                    online_link="https://meet.example.org/vernetzung" if online else "",
                    capacity=rng.randint(15, 60),
                    registration_deadline=starts - datetime.timedelta(days=5),
                    audience="Fachkräfte im Einsatz",
                    reminder_sent_at=starts - datetime.timedelta(days=3) if starts < self.now else None,
                    created_by_id=rng.choice(self.staff),
                )
            )
        events = self.run.insert(NetworkEvent, events)
        self.run.insert(Registration, [r for event in events for r in self.registrations(event, specialists)])

    def registrations(self, event, specialists):
        """Places in the order people registered; beyond the capacity the waiting list; some cancelled."""
        rng, State = self.rng, Registration.State
        wanted = min(len(specialists), rng.randint(event.capacity // 2, event.capacity + 10))
        opened = event.registration_deadline - datetime.timedelta(days=60)
        closed = min(event.registration_deadline, self.now)
        if closed <= opened:
            return []
        registered, rows = 0, []
        past = event.ends_at < self.now
        for number, specialist in enumerate(sorted(rng.sample(specialists, wanted))):
            if rng.random() < 0.08:
                state = State.CANCELLED  # a cancelled place went to the next in line, so nobody waits for it
            else:
                state = State.REGISTERED if registered < event.capacity else State.WAITLISTED
                registered += state == State.REGISTERED
            attended = (rng.random() < 0.85) if past and state == State.REGISTERED else None
            at = opened + (closed - opened) * (number + 1) / (wanted + 1)
            rows.append(
                Registration(event=event, specialist_id=specialist, state=state, created_at=at, attended=attended)
            )
        return rows
