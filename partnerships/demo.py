"""Demo data for trying the portal on one laptop: real partnerships, a model grid, one user per persona."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

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
from partnerships.two_factor import ROLES_THAT_NEED_TWO_FACTORS, otpauth_uri, secret_for_humans

DEMO_PARTNERSHIPS = Path(__file__).resolve().parent / "data" / "demo-partnerships.csv"
# Demo only: seed_demo refuses to run with production settings.
DEMO_PASSWORD = "demo-Fachkraft-2026"  # noqa: S105  # nosec B105
# The authenticator key of every demo user who must log in with a second factor (staff, recruiters), hex-encoded
# as django-otp keeps it: b"demo-fachkraefte-2fa". Demo only, like the password.
DEMO_TOTP_KEY = "64656d6f2d666163686b7261656674652d326661"

# A few closed cells so the grid shows both states; everything else is open in the demo.
CLOSED_IN_DEMO = {
    ("ZA", SpecialistModel.DEVELOPMENT_WORKER),
    ("BO", SpecialistModel.INTEGRATED),
    ("ET", SpecialistModel.INTEGRATED),
}


@dataclass(frozen=True)
class Persona:
    email: str
    name: str
    description: str
    language: str = "de"
    role: Role | None = None
    is_staff: bool = False
    municipality: str = ""
    membership: MembershipRole | None = None

    @property
    def needs_second_factor(self):
        return self.is_staff or self.role in ROLES_THAT_NEED_TWO_FACTORS


PERSONAS = [
    Persona(
        "kontakt@berlin.example",
        "Karin Kontakt",
        "German municipality contact (Berlin)",
        municipality="Berlin",
        membership=MembershipRole.CONTACT,
    ),
    Persona(
        "contact@windhoek.example",
        "Nangula Shikongo",
        "partner municipality contact (Windhoek)",
        language="en",
        municipality="Windhoek",
        membership=MembershipRole.CONTACT,
    ),
    Persona(
        "lesen@berlin.example",
        "Volker Viewer",
        "viewer (Berlin)",
        municipality="Berlin",
        membership=MembershipRole.VIEWER,
    ),
    Persona(
        "kontakt@hamburg.example",
        "Hanna Hamburg",
        "contact of an unrelated municipality (Hamburg)",
        municipality="Hamburg",
        membership=MembershipRole.CONTACT,
    ),
    Persona(
        "contact@daressalaam.example",
        "Amani Mwinyi",
        "partner contact of Hamburg's partner (Dar es Salaam)",
        language="en",
        municipality="Dar es Salaam",
        membership=MembershipRole.CONTACT,
    ),
    Persona("staff@skew.example", "Paula Programm", "programme staff (SKEW)", role=Role.PROGRAMME_STAFF, is_staff=True),
    Persona("recruiter@cim.example", "Carla CIM", "CIM recruiter", role=Role.CIM_RECRUITER),
    Persona("recruiter@giz.example", "Gerd GIZ", "GIZ recruiter", role=Role.GIZ_RECRUITER),
    Persona("fachkraft@demo.example", "Fatou Fachkraft", "specialist", language="fr", role=Role.SPECIALIST),
]


def german_municipality(name, ags):
    municipality, _ = Municipality.objects.get_or_create(
        ags=ags, defaults={"name": name, "country": "DE", "kind": MunicipalityKind.CITY}
    )
    return municipality


def partner_municipality(name, country):
    municipality, _ = Municipality.objects.get_or_create(
        name=name, country=country, defaults={"kind": MunicipalityKind.PARTNER}
    )
    return municipality


def seed_partnerships():
    with DEMO_PARTNERSHIPS.open(newline="", encoding="utf-8") as data:
        for row in csv.DictReader(data):
            german = german_municipality(row["german_municipality"], row["ags"])
            partner = partner_municipality(row["partner_municipality"], row["partner_country_iso2"])
            name = f"{german.name} – {partner.name}"
            partnership, created = Partnership.objects.get_or_create(
                name=name, defaults={"kind": PartnershipKind.PARTNERSHIP}
            )
            if created:
                PartnershipParticipant.objects.create(partnership=partnership, municipality=german, side=Side.GERMAN)
                PartnershipParticipant.objects.create(partnership=partnership, municipality=partner, side=Side.PARTNER)


def seed_availability():
    for country in Country.objects.oda_recipients():
        for model in SpecialistModel:
            ModelAvailability.objects.get_or_create(
                country=country,
                model=model,
                defaults={"is_open": (country.code.code, model) not in CLOSED_IN_DEMO, "note": "Demo"},
            )


def seed_persona(persona):
    user, created = User.objects.get_or_create(
        email=persona.email,
        defaults={"name": persona.name, "preferred_language": persona.language, "is_staff": persona.is_staff},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if persona.role:
        user.groups.add(Group.objects.get(name=persona.role.value))
    if persona.needs_second_factor:
        TOTPDevice.objects.get_or_create(
            user=user, name="demo authenticator", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
        )
    if persona.municipality:
        MunicipalityMembership.objects.get_or_create(
            user=user,
            municipality=Municipality.objects.get(name=persona.municipality),
            defaults={"role": persona.membership},
        )
    return user


@transaction.atomic
def seed_demo():
    """Create the demo data; running it again changes nothing."""
    seed_partnerships()
    seed_availability()
    for persona in PERSONAS:
        seed_persona(persona)


# Prints the code an authenticator app would show now, for developers without one at hand.
CODE_ONE_LINER = (
    '.venv/bin/python -c "from django_otp.oath import totp; print(f\'{{totp(bytes.fromhex(\\"{key}\\")):06d}}\')"'
)


def demo_logins():
    """What `seed_demo` prints: each persona's login and the demo authenticator key with its one-liner."""
    lines = [f"Every demo user's password: {DEMO_PASSWORD}"]
    for persona in PERSONAS:
        second = "  (+ code from the demo authenticator key)" if persona.needs_second_factor else ""
        lines.append(f"  {persona.email:<30} {persona.description}{second}")
    lines.append("Staff and recruiters log in with a code too. Demo authenticator key (type it into an app):")
    lines.append(f"  secret: {secret_for_humans(DEMO_TOTP_KEY).replace(' ', '')}")
    for persona in PERSONAS:
        if persona.needs_second_factor:
            user = User.objects.get(email=persona.email)
            lines.append(f"  {persona.email:<30} {otpauth_uri(user, DEMO_TOTP_KEY)}")
    lines.append("The code an app would show now (each code logs in once):")
    lines.append(f"  {CODE_ONE_LINER.format(key=DEMO_TOTP_KEY)}")
    return lines
