import os

import pytest
from django.conf import settings

from partnerships.models import MembershipRole, Role
from tests.factories import (
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside live_server; tests only


def pytest_configure(config):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("The tests run against PostgreSQL: use `make test` (it sets DATABASE_URL).", returncode=2)


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


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail("TEST_REDIS_URL is not set: run the suite with `make test`.")
    return url
