"""Bulk data for `manage.py seed`: municipalities, partnerships, the people who act for them, staff, recruiters,
and the named users the benchmark logs in as.

Rows go in through bulk inserts (no save(), no signals, no grant records: those record what a person changed),
but each is a row the portal itself could have written: lower-case e-mail addresses, a valid AGS for every German
city and municipality, partner municipalities only in ODA recipient countries, a contact for every municipality
that takes part in a partnership.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.ags import GERMAN_STATES
from partnerships.demo import CLOSED_IN_DEMO
from partnerships.models import (
    Country,
    MembershipRole,
    ModelAvailability,
    Municipality,
    MunicipalityKind,
    MunicipalityMembership,
    Partnership,
    PartnershipKind,
    PartnershipParticipant,
    Role,
    Side,
    SpecialistModel,
    User,
)
from partnerships.two_factor import secret_for_humans

# Seeded data only: `manage.py seed` refuses to run with production settings.
BENCH_PASSWORD = "bench-Fachkraft-2026"  # noqa: S105  # nosec B105
# The staff and recruiter personas' authenticator key, hex-encoded as django-otp keeps it: b"bench-fachkraefte-2f".
BENCH_TOTP_KEY = "62656e63682d666163686b7261656674652d3266"
BULK_DOMAIN = "bulk.example"  # seeded people's addresses: <name>@<run tag>.bulk.example


@dataclass(frozen=True)
class BenchUser:
    email: str
    name: str
    description: str
    role: Role | None = None
    is_staff: bool = False
    language: str = "de"

    @property
    def needs_device(self):
        return self.is_staff or self.role in (Role.PROGRAMME_STAFF, Role.CIM_RECRUITER, Role.GIZ_RECRUITER)


CONTACT = BenchUser("kontakt@bench.example", "Konstanze Kontakt", "contact of Benchhausen: 5 EOIs")
STAFF = BenchUser("staff@bench.example", "Stefan Stab", "programme staff", Role.PROGRAMME_STAFF, is_staff=True)
RECRUITER = BenchUser("recruiter@bench.example", "Clara Cimmer", "CIM recruiter", Role.CIM_RECRUITER, language="en")
SPECIALIST = BenchUser(
    "fachkraft@bench.example", "Fiete Fachkraft", "specialist: a placement with many activities", Role.SPECIALIST
)
BENCH_USERS = [CONTACT, STAFF, RECRUITER, SPECIALIST]
PERSONA_MUNICIPALITY = "Benchhausen"
PERSONA_PARTNER = ("Asokwa", "GH")

FRENCH = {"BF", "BJ", "BI", "CD", "CF", "CG", "CI", "CM", "DJ", "GA", "GN", "HT", "KM", "MA", "MG", "ML", "NE", "SN"}
FRENCH |= {"TD", "TG", "TN", "DZ", "MR", "RW"}
SPANISH = {"AR", "BO", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA", "PE", "PY", "SV", "VE"}
LIKELY_PARTNER_COUNTRIES = ["TZ", "GH", "NA", "ZA", "BF", "NI", "UG", "KE", "MZ", "BJ", "CM", "SN", "RW", "ET", "ZW"]
LIKELY_PARTNER_COUNTRIES += ["BO", "PE", "UA", "MA", "TN", "IN", "VN", "PH", "ID", "BR", "MX", "EC", "GT", "MW", "ZM"]


def words(text):
    return text.split()


STEMS = words(
    "Linden Birken Eichen Buchen Tannen Erlen Weiden Rosen Sonnen Stein Wald Berg Wiesen Mühl Kirch Hohen Nieder Ober "
    "Alt Neu Grün Brunnen Fels Hasel Ahorn Fichten Lerchen Falken Adler Hirsch Fuchs Wolfs Bären Schwan Kranich Storch "
    "Otter Biber Hagen Espen Ulmen Kiefern Moor Heide Marien Johannis"
)
SUFFIXES = words("dorf hausen heim feld berg burg stadt bach au rode ingen stedt hagen beck brück furt wald kirchen")
SYLLABLES = words("ka mo ta bu ni sa lo me ri zu an ki da ho ma li ba to we ga ru so ne ku la pe mi")
FIRST_NAMES = words(
    "Anna Ben Clara David Eva Felix Greta Hannes Ida Jonas Katrin Lukas Mia Nils Olga Paul Rosa "
    "Amani Kwame Nangula Thandiwe Ama Kofi Fatou Moussa Lucía Mateo Ana Diego Priya Minh Oksana"
)
LAST_NAMES = words(
    "Becker Schulz Wagner Hoffmann Koch Richter Klein Wolf Neumann Schwarz Braun Krüger Hartmann "
    "Mensah Owusu Shikongo Dlamini Mwinyi Diallo Traoré Ouédraogo García López Quispe Nguyen Kovalenko"
)


def seed(run):
    """Everything this app makes for a run; notes in run.made what the other apps build on."""
    if run.replace:
        run.empty("partnerships", keep={"Country", "OdaListing"})
    open_models = ensure_availability(run)
    german = german_municipalities(run, run.scale.municipalities // 2)
    partner = partner_municipalities(run, run.scale.municipalities - len(german), open_models)
    partnerships = make_partnerships(run, german, partner)
    run.made.update(partnerships=partnerships, open_models=open_models, **make_people(run, partnerships))
    return seed_bench_users(run, open_models)


# --- reference data ---------------------------------------------------------------------------------------------
def ensure_availability(run):
    """Every ODA recipient's row in the country × model table (open but for the demo's closed cells);
    returns {country code: [open models]} of the countries with at least one open model."""
    codes = [str(code) for code in Country.objects.oda_recipients().values_list("code", flat=True)]
    countries = {str(country.code): country for country in Country.objects.filter(code__in=codes)}
    cells = [
        ModelAvailability(country=countries[code], model=model, is_open=(code, model) not in CLOSED_IN_DEMO)
        for code in codes
        for model in SpecialistModel
    ]
    ModelAvailability.objects.bulk_create(cells, ignore_conflicts=True)
    open_models = {}
    for code, model in ModelAvailability.objects.filter(is_open=True, country__code__in=codes).values_list(
        "country__code", "model"
    ):
        open_models.setdefault(str(code), []).append(model)
    return open_models


# --- municipalities ---------------------------------------------------------------------------------------------
def german_name(rng):
    name = f"{rng.choice(STEMS)}{rng.choice(SUFFIXES)}"
    roll = rng.random()
    if roll < 0.08:
        return f"Bad {name}"
    if roll < 0.14:
        return f"{name} am {rng.choice(['See', 'Main', 'Rhein', 'Neckar', 'Harz'])}"
    return name


def partner_name(rng):
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return word.capitalize()


def free_ags(rng, taken):
    """An eight-digit key with a Land prefix that no municipality has yet."""
    states = list(GERMAN_STATES)
    for _ in range(1_000):
        ags = f"{rng.choice(states)}{rng.randint(0, 999_999):06d}"
        if ags not in taken:
            taken.add(ags)
            return ags
    raise RuntimeError("No free AGS found")


def german_municipalities(run, count):
    rng = run.rng
    taken = set(Municipality.objects.exclude(ags=None).values_list("ags", flat=True))
    rows = []
    for _ in range(count):
        roll, name = rng.random(), german_name(rng)
        if roll < 0.03:
            rows.append(Municipality(name=f"Stadtbezirk {name}", country="DE", kind=MunicipalityKind.BOROUGH))
        elif roll < 0.05:
            rows.append(Municipality(name=f"Verbandsgemeinde {name}", country="DE", kind=MunicipalityKind.ASSOCIATION))
        elif roll < 0.15:
            ags = free_ags(rng, taken)
            rows.append(Municipality(name=f"Landkreis {name}", country="DE", kind=MunicipalityKind.DISTRICT, ags=ags))
        else:
            kind = MunicipalityKind.CITY if roll < 0.45 else MunicipalityKind.MUNICIPALITY
            rows.append(Municipality(name=name, country="DE", kind=kind, ags=free_ags(rng, taken)))
    municipalities = run.insert(Municipality, rows)
    join_associations(run, municipalities)
    return municipalities


def join_associations(run, municipalities):
    """A municipal association brings a few of the new municipalities together."""
    members = [m for m in municipalities if m.kind in (MunicipalityKind.CITY, MunicipalityKind.MUNICIPALITY)]
    through = Municipality.members.through
    links = [
        through(from_municipality_id=association.pk, to_municipality_id=member.pk)
        for association in municipalities
        if association.kind == MunicipalityKind.ASSOCIATION
        for member in run.rng.sample(members, min(3, len(members)))
    ]
    run.insert(through, links)


def partner_municipalities(run, count, open_models):
    rng = run.rng
    likely = [code for code in LIKELY_PARTNER_COUNTRIES if code in open_models]
    others = sorted(open_models)
    rows = []
    for _ in range(count):
        country = rng.choice(likely) if likely and rng.random() < 0.75 else rng.choice(others)
        rows.append(Municipality(name=partner_name(rng), country=country, kind=MunicipalityKind.PARTNER))
    return run.insert(Municipality, rows)


# --- partnerships -----------------------------------------------------------------------------------------------
def make_partnerships(run, german, partner):
    """One German and one partner municipality each, a tenth with a third; bigger towns in several."""
    rng = run.rng
    busy_german = german[: max(1, len(german) * 2 // 3)]  # a third of the municipalities never have a partnership
    rows, sides = [], []
    for number in range(run.scale.partnerships):
        germans = [rng.choice(busy_german)]
        partners = [partner[number % len(partner)] if number < len(partner) else rng.choice(partner)]
        if rng.random() < 0.1:
            extra = rng.choice(busy_german)
            germans += [extra] if extra not in germans else []
        rows.append(
            Partnership(
                name=f"{' / '.join(m.name for m in germans)} – {' / '.join(m.name for m in partners)}",
                kind=rng.choices(list(PartnershipKind), weights=[70, 15, 5, 10])[0],
                since=run.now.date().replace(year=rng.randint(1965, 2024), month=rng.randint(1, 12), day=1),
                active=rng.random() < 0.95,
                confirmed=rng.random() < 0.97,
            )
        )
        sides.append((germans, partners))
    partnerships = run.insert(Partnership, rows)
    participants = [
        PartnershipParticipant(partnership=partnership, municipality=municipality, side=side)
        for partnership, (germans, partners) in zip(partnerships, sides, strict=True)
        for side, municipalities in ((Side.GERMAN, germans), (Side.PARTNER, partners))
        for municipality in municipalities
    ]
    run.insert(PartnershipParticipant, participants)
    return partnerships


# --- people -----------------------------------------------------------------------------------------------------
def language_of(country):
    country = str(country)
    if country in ("DE", "AT", "CH"):
        return "de"
    return "fr" if country in FRENCH else "es" if country in SPANISH else "en"


def person_name(rng):
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def bulk_user(run, local_part, **fields):
    """A seeded user who never logs in: no usable password (hashing one costs ~0.3 s by design)."""
    return User(
        email=f"{local_part}@{run.tag}.{BULK_DOMAIN}",
        password=make_password(None),
        name=fields.pop("name", None) or person_name(run.rng),
        date_joined=run.now,
        **fields,
    )


def make_people(run, partnerships):
    """A contact for every municipality in the new partnerships (some an editor and a viewer too), staff, recruiters."""
    rng = run.rng
    municipalities = {
        p.municipality_id: p.municipality
        for p in PartnershipParticipant.objects.filter(partnership__in=partnerships).select_related("municipality")
    }
    users, memberships = [], []
    for number, (pk, municipality) in enumerate(sorted(municipalities.items())):
        language = language_of(municipality.country)
        roles = [MembershipRole.CONTACT]
        roles += [MembershipRole.EDITOR] if rng.random() < 0.25 else []
        roles += [MembershipRole.VIEWER] if rng.random() < 0.1 else []
        for role in roles:
            email_updates = rng.choice(["immediately", "immediately", "daily", "none"])
            users.append(bulk_user(run, f"{role}-{number}", preferred_language=language, email_updates=email_updates))
            memberships.append((pk, role))
    users = run.insert(User, users)
    rows = [
        MunicipalityMembership(user=user, municipality_id=pk, role=role)
        for user, (pk, role) in zip(users, memberships, strict=True)
    ]
    run.insert(MunicipalityMembership, rows)
    contacts = {m.municipality_id: m.user_id for m in rows if m.role == MembershipRole.CONTACT}
    staff = role_users(run, Role.PROGRAMME_STAFF, "staff", 8, is_staff=True)
    cim = role_users(run, Role.CIM_RECRUITER, "cim", 3)
    giz = role_users(run, Role.GIZ_RECRUITER, "giz", 3)
    return {"contacts": contacts, "staff": staff, "cim": cim, "giz": giz}


def role_users(run, role, local_part, count, **fields):
    users = run.insert(User, [bulk_user(run, f"{local_part}-{n}", **fields) for n in range(count)])
    add_to_group(run, users, role)
    return [user.pk for user in users]


def add_to_group(run, users, role):
    group = Group.objects.get(name=role.value)
    through = User.groups.through
    run.insert(through, [through(user_id=user.pk, group_id=group.pk) for user in users])


# --- the benchmark's personas -----------------------------------------------------------------------------------
def seed_bench_users(run, open_models):
    """The named users, once: a later run that adds data leaves them (and the contact's five EOIs) as they are."""
    created = []
    for persona in BENCH_USERS:
        user = User.objects.with_email(persona.email).first()
        if user is None:
            user = User(email=persona.email, name=persona.name, is_staff=persona.is_staff)
            user.preferred_language, user.date_joined = persona.language, run.now
            user.set_password(BENCH_PASSWORD)
            user.save()
            if persona.role:
                user.groups.add(Group.objects.get(name=persona.role.value))
            if persona.needs_device:
                TOTPDevice.objects.create(user=user, name="bench authenticator", key=BENCH_TOTP_KEY, confirmed=True)
            created.append(persona)
        run.made[persona.email] = user.pk
    run.made["new_personas"] = {persona.email for persona in created}
    if CONTACT in created:
        run.made["persona_partnership"] = persona_partnership(run, run.made[CONTACT.email], open_models)
    return bench_logins()


def persona_partnership(run, contact_pk, open_models):
    """Benchhausen and its partner: the contact persona's municipality takes part in nothing else."""
    taken = set(Municipality.objects.exclude(ags=None).values_list("ags", flat=True))
    german = run.insert(
        Municipality,
        [
            Municipality(
                name=PERSONA_MUNICIPALITY, country="DE", kind=MunicipalityKind.CITY, ags=free_ags(run.rng, taken)
            )
        ],
    )[0]
    name, country = PERSONA_PARTNER
    if country not in open_models:
        country = sorted(open_models)[0]
    partner = run.insert(Municipality, [Municipality(name=name, country=country, kind=MunicipalityKind.PARTNER)])[0]
    partnership = run.insert(Partnership, [Partnership(name=f"{german.name} – {partner.name}")])[0]
    run.insert(
        PartnershipParticipant,
        [
            PartnershipParticipant(partnership=partnership, municipality=german, side=Side.GERMAN),
            PartnershipParticipant(partnership=partnership, municipality=partner, side=Side.PARTNER),
        ],
    )
    partner_contact = run.insert(User, [bulk_user(run, "persona-partner", preferred_language="en")])[0]
    run.insert(
        MunicipalityMembership,
        [
            MunicipalityMembership(user_id=contact_pk, municipality=german, role=MembershipRole.CONTACT),
            MunicipalityMembership(user=partner_contact, municipality=partner, role=MembershipRole.CONTACT),
        ],
    )
    run.made["contacts"] = {**run.made.get("contacts", {}), german.pk: contact_pk, partner.pk: partner_contact.pk}
    return partnership


def bench_logins():
    lines = [f"The benchmark's users (password {BENCH_PASSWORD}):"]
    for persona in BENCH_USERS:
        second = "  (+ a code from the bench authenticator key)" if persona.needs_device else ""
        lines.append(f"  {persona.email:<26} {persona.description}{second}")
    lines.append(
        f"  Bench authenticator key (type it into an app): {secret_for_humans(BENCH_TOTP_KEY).replace(' ', '')}"
    )
    return lines
