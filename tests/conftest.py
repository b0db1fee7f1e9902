import datetime
import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications import invitations, services
from applications.models import Attachment, Document, Message, Status
from partnerships.models import Country, MembershipRole, ModelAvailability, Role, SpecialistModel
from partnerships.two_factor import mark_session_verified, requires_two_factor
from placements import reports
from placements.models import Activity, Candidate, NetworkEvent, ShortlistEntry
from placements.reports import render_report, schedule_reports
from tests import n_plus_one
from tests.factories import (
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)
from tests.subprocess_env import run_manage
from tests.workflow import agree_terms, in_status, make_placement

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside live_server; tests only


def pytest_configure(config):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("The tests run against PostgreSQL: use `make test` (it sets DATABASE_URL).", returncode=2)
    n_plus_one.install()  # every request and task fails on an N+1 (tests/n_plus_one.py)


@pytest.fixture(autouse=True)
def fast_hashing_and_the_test_address(settings):
    """Real hashing costs ~0.3 s a user by design; the tests do not test PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PORTAL_URL = "http://testserver"  # the address every link in an e-mail is built from


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the staff dashboard keeps its figures there)."""
    cache.clear()
    yield
    cache.clear()


class PortalClient(Client):
    """force_login as the login page does it: whoever must use a second factor has used one.

    Pass second_factor=False for the state in between (password given, code not yet).
    """

    def force_login(self, user, backend=None, *, second_factor=True):
        super().force_login(user, backend)
        if second_factor and requires_two_factor(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="test phone", defaults={"confirmed": True})
            session = self.session
            mark_session_verified(session, device)
            session.save()


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, with the second factor the admin now asks for."""
    client = PortalClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def german_municipality(db):
    return GermanMunicipalityFactory(name="Berlin", ags="11000000")


@pytest.fixture
def partner_municipality(db):
    return PartnerMunicipalityFactory(name="Windhoek", country="NA")


@pytest.fixture
def partnership(german_municipality, partner_municipality):
    return PartnershipFactory(german=german_municipality, partner=partner_municipality)


@pytest.fixture
def german_contact(german_municipality):
    return MembershipFactory(municipality=german_municipality, role=MembershipRole.CONTACT).user


@pytest.fixture
def partner_contact(partner_municipality):
    user = UserFactory(preferred_language="fr")
    MembershipFactory(user=user, municipality=partner_municipality, role=MembershipRole.CONTACT)
    return user


@pytest.fixture
def viewer(german_municipality):
    return MembershipFactory(municipality=german_municipality, role=MembershipRole.VIEWER).user


@pytest.fixture
def outsider(db):
    """The contact of a municipality that has nothing to do with the partnership."""
    return MembershipFactory(municipality=GermanMunicipalityFactory(name="Hamburg", ags="02000000")).user


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, roles=[Role.PROGRAMME_STAFF])


@pytest.fixture
def cim_recruiter(db):
    return UserFactory(roles=[Role.CIM_RECRUITER])


@pytest.fixture
def giz_recruiter(db):
    return UserFactory(roles=[Role.GIZ_RECRUITER])


@pytest.fixture
def specialist(db):
    return UserFactory(roles=[Role.SPECIALIST])


@pytest.fixture
def personas(german_contact, partner_contact, viewer, outsider, staff, cim_recruiter, giz_recruiter, specialist):
    return {
        "german_contact": german_contact,
        "partner_contact": partner_contact,
        "viewer": viewer,
        "outsider": outsider,
        "staff": staff,
        "cim_recruiter": cim_recruiter,
        "giz_recruiter": giz_recruiter,
        "specialist": specialist,
    }


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """An SQLite file `manage.py migrate` made from nothing, once per test process: the tests that start the
    portal on the embedded default or in production shape copy it (migrating from nothing takes ~13 s)."""
    database = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    done = run_manage("migrate", "--noinput", "-v0", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr[-3000:]
    return database


@pytest.fixture
def copy_of_migrated_sqlite(migrated_sqlite, tmp_path):
    """A database URL of this test's own copy of `migrated_sqlite`."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(migrated_sqlite, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is not set: run the suite with `make test`.")
    return url


@pytest.fixture
def models_open_in_namibia(db):
    # get_or_create: a transactional test before this one may have flushed the migrations' data;
    # the roles come back by themselves (post_migrate), the ODA list does not.
    namibia, _ = Country.objects.get_or_create(code="NA")
    namibia.oda_listings.get_or_create(valid_from=datetime.date(2024, 1, 1))
    for model in SpecialistModel:
        ModelAvailability.objects.update_or_create(country=namibia, model=model, defaults={"is_open": True})
    return namibia


@pytest.fixture
def eoi(partnership, german_contact, partner_contact, models_open_in_namibia):
    """A draft EOI of Berlin and Windhoek, started by the German contact."""

    return services.start(partnership, list(partnership.municipalities.all()), "integrated", by=german_contact)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eoi_world(eoi, german_contact, partner_contact, partner_municipality, media):
    """An EOI with one of everything that hangs on it: invitation, attachment, ready PDF."""

    pdf = b"%PDF-1.4 test"
    terms = agree_terms(eoi, german_contact)
    return {
        "eoi": eoi,
        "terms": terms,
        "message": Message.objects.create(
            eoi=eoi,
            author=german_contact,
            body="Hello",
            attachment=ContentFile(pdf, name="m.pdf"),
            attachment_name="m.pdf",
        ),
        "invitation": invitations.invite(eoi, partner_municipality, "x@example.org", "", "en", by=partner_contact),
        "attachment": Attachment.objects.create(
            eoi=eoi,
            file=ContentFile(pdf, name="a.pdf"),
            original_name="a.pdf",
            content_type="application/pdf",
            size=len(pdf),
            uploaded_by=german_contact,
        ),
        "document": Document.objects.create(
            eoi=eoi,
            language="de",
            fingerprint=eoi.fingerprint(),
            state=Document.State.READY,
            file=ContentFile(pdf, name="d.pdf"),
        ),
    }


def submitted_report(placement, specialist):
    report = placement.reports.first()
    reports.submit(report, {"summary": "Summary", "results": "Results"}, by=specialist)
    render_report(report.pk)
    return report


@pytest.fixture
def world(eoi_world, partnership, staff, german_contact, partner_contact, specialist, cim_recruiter):
    """One object of every kind a URL can name: EOIs in draft, dialogue and recruitment, a placement, ..."""
    municipalities = list(partnership.municipalities.all())
    people = {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}
    dialogue = services.start(partnership, municipalities, "local", by=german_contact)
    recruiting = services.start(partnership, municipalities, "integrated", by=german_contact)
    placed = services.start(partnership, municipalities, "local", by=german_contact)
    recruiting = in_status(recruiting, Status.RECRUITMENT, **people)
    placement = make_placement(placed, **people, specialist=specialist)
    schedule_reports(placement)
    cv = ContentFile(b"%PDF-1.4 cv", name="cv.pdf")
    candidate = Candidate.objects.create(name="Eva Europa", nationalities=["DE"], created_by=cim_recruiter, cv=cv)
    now = timezone.now()
    return {
        **eoi_world,
        "dialogue_eoi": in_status(dialogue, Status.NEEDS_DIALOGUE, **people),
        "recruiting_eoi": recruiting,
        "candidate": candidate,
        "shortlist_entry": ShortlistEntry.objects.create(eoi=recruiting, candidate=candidate, added_by=staff),
        "placement": placement,
        "activity": Activity.objects.create(
            placement=placement, date=now.date(), title="Workshop", created_by=specialist
        ),
        "report": submitted_report(placement, specialist),
        "network_event": NetworkEvent.objects.create(
            title="Exchange",
            starts_at=now + datetime.timedelta(days=30),
            ends_at=now + datetime.timedelta(days=31),
            capacity=10,
            registration_deadline=now + datetime.timedelta(days=20),
            created_by=staff,
        ),
    }
