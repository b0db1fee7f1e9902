"""Issue 13.11: the specialist gets in by invitation, sets their own password, and sees their placement only."""

import datetime
import re

import pytest
from django.urls import reverse

from fachkraefte.models import OutboundEmail
from partnerships.models import GrantRecord, Role, User
from placements import services, specialist_invitations
from placements.models import Candidate, Placement, PlacementEvent
from tests.factories import PASSWORD, UserFactory
from tests.workflow import in_status

pytestmark = pytest.mark.usefixtures("media")
EMAIL = "fatou@example.org"


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact):
    candidate = Candidate.objects.create(
        name="Fatou Diallo", email=EMAIL, nationalities=["FR"], languages=[{"language": "fr", "level": "C2"}]
    )
    eoi = in_status(
        eoi, "contracting", staff=staff, german_contact=german_contact, partner_contact=partner_contact,
        candidate=candidate,
    )  # fmt: skip
    start = eoi.agreed_terms().start or datetime.date(2027, 1, 1)
    new = Placement(
        eoi=eoi, candidate=candidate, specialist_model=eoi.specialist_model, employer="Windhoek", start=start,
        end=Placement.default_end(start),
    )  # fmt: skip
    return services.create_placement(new, [p.municipality for p in eoi.participants.filter(side="partner")], by=staff)


def link_of(mail):
    return re.search(r"http://testserver(\S+)", mail.text).group(1)


def test_creating_the_placement_invites_the_selected_candidate_in_their_language(placement):
    mail = OutboundEmail.objects.get(template="specialist-invitation")
    assert (mail.to, mail.language) == ([EMAIL], "fr")
    assert mail.text.startswith("Bonjour Fatou Diallo")
    assert placement.events.filter(kind=PlacementEvent.Kind.SPECIALIST_INVITED).exists()


def test_the_specialist_sets_their_own_password_and_sees_their_placement(client, placement):
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    page = client.get(link)
    assert page.status_code == 200 and page["Content-Language"] == "fr"
    data = {"name": "Fatou Diallo", "preferred_language": "fr", "password1": PASSWORD, "password2": PASSWORD}
    response = client.post(link, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement_detail", args=[placement.pk])
    user = User.objects.get(email=EMAIL)
    assert user.check_password(PASSWORD) and [g.name for g in user.groups.all()] == [Role.SPECIALIST]
    assert not user.memberships.exists() and not user.is_staff
    placement.refresh_from_db()
    assert placement.specialist == user
    assert GrantRecord.objects.filter(user=user, kind=GrantRecord.Kind.GROUPS).exists()
    assert client.get(reverse("placements:placement_detail", args=[placement.pk])).status_code == 200
    assert client.get(reverse("applications:detail", args=[placement.eoi_id])).status_code == 404


def test_the_link_works_once(client, placement):
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    data = {"name": "Fatou", "preferred_language": "fr", "password1": PASSWORD, "password2": PASSWORD}
    client.post(link, data)
    client.logout()
    response = client.get(link)  # used: log in to reach the placement
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_bad_input_keeps_what_was_typed_and_creates_nothing(client, placement):
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    data = {"name": "Fatou Typed", "preferred_language": "fr", "password1": PASSWORD, "password2": "other"}
    response = client.post(link, data)
    assert response.status_code == 200 and "Fatou Typed" in response.content.decode()
    assert not User.objects.filter(email=EMAIL).exists()


def test_a_tampered_link_is_refused(client, placement):
    page = client.get(reverse("placements:specialist_welcome", args=["x" + "a" * 20]))
    assert page.status_code == 410
    assert re.search(r'id="problem-next" href="([^"]+)"', page.content.decode()).group(1) == reverse("login")


def test_someone_else_logged_in_gets_nothing(client, placement, outsider):
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    client.force_login(outsider)
    assert 'id="wrong-account"' in client.get(link).content.decode()
    assert client.post(link).status_code == 403
    placement.refresh_from_db()
    assert placement.specialist is None


def test_an_existing_account_of_that_address_takes_the_placement_once_logged_in(client, placement):
    owner = UserFactory(email=EMAIL)
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    assert "login" in client.get(link).content.decode()
    client.force_login(owner)
    assert client.post(link).status_code == 302
    placement.refresh_from_db()
    assert placement.specialist == owner and owner.groups.filter(name=Role.SPECIALIST).exists()


def test_no_address_no_invitation(placement, staff):
    placement.specialist = None
    placement.candidate.email = ""
    assert specialist_invitations.invite(placement, by=staff) is False


@pytest.mark.parametrize("role", [Role.CIM_RECRUITER, Role.PROGRAMME_STAFF])
def test_an_account_that_oversees_placements_cannot_take_one(client, placement, role):
    """A recruiter (or staff) whose address is the candidate's, e.g. typed in by the recruiter, gets nothing."""
    owner = UserFactory(email=EMAIL, roles=[role], is_staff=role == Role.PROGRAMME_STAFF, preferred_language="en")
    link = link_of(OutboundEmail.objects.get(template="specialist-invitation"))
    client.force_login(owner)
    page = client.get(link)
    assert page.status_code == 410 and "recruiting organisation" in page.content.decode()
    next_step = re.search(r'id="problem-next" href="([^"]+)">([^<]+)<', page.content.decode())
    assert next_step.groups() == (reverse("home"), "Home")  # logged in already: not a "Log in" button
    assert client.post(link).status_code == 410
    placement.refresh_from_db()
    assert placement.specialist is None and not owner.groups.filter(name=Role.SPECIALIST).exists()
    assert not GrantRecord.objects.filter(user=owner).exists()
