import re
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import invitations
from applications import services as eoi_services
from applications.models import Event, Invitation
from applications.notifications import invitation_token
from fachkraefte.models import AuditEntry
from partnerships import memberships
from partnerships.models import GrantRecord, MembershipRole, MunicipalityMembership, User
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.workflow import submitted


@pytest.fixture
def invitation(eoi, partner_contact, partner_municipality):
    """The Windhoek contact invites someone for Windhoek."""
    return invitations.invite(eoi, partner_municipality, "new@windhoek.example", "Ndapewa", "fr", by=partner_contact)


def accept_url(invitation):
    return reverse("applications:invitation", args=[invitation_token(invitation)])


def test_invitation_mail_goes_out_in_the_chosen_language_with_a_working_link(
    client, django_capture_on_commit_callbacks, eoi, partner_contact, partner_municipality, settings
):
    settings.PORTAL_URL = "https://portal.example.org"
    client.force_login(partner_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:invite", args=[eoi.pk]),
            {
                "invite-municipality": partner_municipality.pk,
                "invite-email": "new@windhoek.example",
                "invite-name": "Ndapewa",
                "invite-language": "es",
            },
        )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["new@windhoek.example"]
    assert message.body.startswith("Hola, Ndapewa")
    link = re.search(r"https://portal\.example\.org(\S+)", message.body).group(1)
    assert client.get(link).status_code == 200
    assert eoi.events.filter(kind=Event.Kind.INVITED).exists()


def test_invitation_with_bad_address_is_refused_keeping_the_input(client, eoi, partner_contact, partner_municipality):
    client.force_login(partner_contact)
    response = client.post(
        reverse("applications:invite", args=[eoi.pk]),
        {"invite-municipality": partner_municipality.pk, "invite-email": "not an address", "invite-language": "en"},
    )
    assert response.status_code == 200
    assert "not an address" in response.content.decode()
    assert response.context["invitation_form"].errors["email"]
    assert not Invitation.objects.exists()


def test_new_user_registers_from_the_invitation_and_becomes_editor(client, invitation, partner_municipality):
    page = client.get(accept_url(invitation))
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(
        accept_url(invitation),
        {"name": "Ndapewa Nangolo", "preferred_language": "fr", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[invitation.eoi_id])
    user = User.objects.get(email="new@windhoek.example")
    membership = MunicipalityMembership.objects.get(user=user)
    assert (membership.municipality, membership.role) == (partner_municipality, MembershipRole.EDITOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get(reverse("applications:detail", args=[invitation.eoi_id])).status_code == 200


def test_registration_with_a_weak_password_keeps_the_name(client, invitation):
    response = client.post(
        accept_url(invitation),
        {"name": "Ndapewa Nangolo", "preferred_language": "fr", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 200
    assert "Ndapewa Nangolo" in response.content.decode()
    assert not User.objects.filter(email="new@windhoek.example").exists()


def test_logged_in_invitee_accepts_and_joins_as_editor(client, invitation, partner_contact):
    user = UserFactory(email="new@windhoek.example")
    client.force_login(user)
    assert client.post(accept_url(invitation)).status_code == 302
    membership = MunicipalityMembership.objects.get(user=user, municipality=invitation.municipality)
    assert membership.role == MembershipRole.EDITOR
    grant = GrantRecord.objects.get(user=user)
    assert (grant.kind, grant.before, grant.after) == (GrantRecord.Kind.MEMBERSHIP, "", MembershipRole.EDITOR)
    assert (grant.by, grant.via, grant.reference) == (partner_contact, GrantRecord.Via.INVITATION, str(invitation.pk))


def test_existing_account_is_asked_to_log_in(client, invitation):
    UserFactory(email="new@windhoek.example")
    response = client.get(accept_url(invitation))
    assert response.context["form"] is None
    assert reverse("login") in response.content.decode()


def test_used_link_shows_a_clear_page(client, invitation):
    invitations.accept_invitation(invitation, user=UserFactory(email="new@windhoek.example"))
    response = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_tampered_link_shows_a_clear_page(client, invitation):
    token = invitation_token(invitation)
    response = client.get(reverse("applications:invitation", args=[token[:-2] + "xx"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_expired_link_shows_a_clear_page(client, invitation, monkeypatch):
    fifteen_days_ago = time.time() - 15 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: fifteen_days_ago)
    token = invitation_token(invitation)
    monkeypatch.undo()
    response = client.get(reverse("applications:invitation", args=[token]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_revoked_link_shows_a_clear_page(client, invitation, partner_contact):
    client.force_login(partner_contact)
    client.post(reverse("applications:invitation_revoke", args=[invitation.eoi_id, invitation.pk]))
    client.logout()
    response = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "revoked" in response.content.decode()


def test_resend_sends_the_mail_again(client, django_capture_on_commit_callbacks, invitation, partner_contact):
    client.force_login(partner_contact)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:invitation_resend", args=[invitation.eoi_id, invitation.pk]))
    assert [m.to for m in mail.outbox] == [["new@windhoek.example"]]
    assert invitation.eoi.events.filter(kind=Event.Kind.INVITATION_RESENT).exists()


def test_viewer_and_outsider_cannot_invite_resend_or_revoke(client, invitation, viewer, outsider):
    eoi = invitation.eoi
    urls = [
        reverse("applications:invite", args=[eoi.pk]),
        reverse("applications:invitation_resend", args=[eoi.pk, invitation.pk]),
        reverse("applications:invitation_revoke", args=[eoi.pk, invitation.pk]),
    ]
    for user, expected in ((viewer, 403), (outsider, 404)):
        client.force_login(user)
        for url in urls:
            assert client.post(url, {"email": "x@example.org"}).status_code == expected
    invitation.refresh_from_db()
    assert invitation.is_open


def test_invitation_of_another_eoi_is_404(client, invitation, german_contact, partnership, models_open_in_namibia):
    other = eoi_services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    client.force_login(german_contact)
    url = reverse("applications:invitation_revoke", args=[other.pk, invitation.pk])
    assert client.post(url).status_code == 404


# Issue 12, hole 1: invitations minted contacts. Only a municipality's contacts (and programme staff)
# invite for it, and the invitee joins as an editor.


def invite(client, eoi, municipality, email="second@example.org"):
    data = {
        "invite-municipality": municipality.pk,
        "invite-email": email,
        "invite-name": "",
        "invite-language": "en",
    }
    return client.post(reverse("applications:invite", args=[eoi.pk]), data)


def test_windhoek_contact_cannot_invite_for_berlin(client, eoi, partner_contact, german_municipality):
    client.force_login(partner_contact)
    assert invite(client, eoi, german_municipality).status_code == 403
    assert not Invitation.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=partner_contact).exists()


def test_berlin_editor_cannot_invite_a_second_address_of_their_own(client, eoi, german_municipality):
    editor = MembershipFactory(municipality=german_municipality, role=MembershipRole.EDITOR).user
    client.force_login(editor)
    assert invite(client, eoi, german_municipality, email="my-other-address@example.org").status_code == 403
    assert not Invitation.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=editor).exists()


def test_the_form_offers_only_the_municipalities_the_user_is_a_contact_of(
    client, eoi, german_contact, german_municipality
):
    client.force_login(german_contact)
    form = client.get(reverse("applications:detail", args=[eoi.pk])).context["invitation_form"]
    offered = [value for value, _label in form.fields["municipality"].widget.choices if value]
    assert offered == [german_municipality.pk]


def test_berlin_contact_invites_for_berlin_and_the_invitee_joins_as_editor(
    client, eoi, german_contact, german_municipality
):
    client.force_login(german_contact)
    assert invite(client, eoi, german_municipality, email="colleague@berlin.example").status_code == 302
    invitation = Invitation.objects.get()
    invitee = UserFactory(email="colleague@berlin.example")
    client.force_login(invitee)
    assert client.post(accept_url(invitation)).status_code == 302
    membership = MunicipalityMembership.objects.get(user=invitee)
    assert (membership.municipality, membership.role) == (german_municipality, MembershipRole.EDITOR)


def test_programme_staff_may_invite_for_any_municipality(client, eoi, staff, german_municipality):
    client.force_login(staff)
    assert invite(client, eoi, german_municipality).status_code == 302
    assert Invitation.objects.get().municipality == german_municipality


def test_accepting_never_raises_an_existing_role(client, invitation, partner_municipality):
    viewer = MembershipFactory(
        user=UserFactory(email="new@windhoek.example"), municipality=partner_municipality, role=MembershipRole.VIEWER
    ).user
    client.force_login(viewer)
    assert client.post(accept_url(invitation)).status_code == 302
    assert MunicipalityMembership.objects.get(user=viewer).role == MembershipRole.VIEWER
    assert not GrantRecord.objects.exists()


def test_an_invitation_for_berlin_sent_by_the_windhoek_contact_cannot_be_accepted(
    client, eoi, partner_contact, german_municipality
):
    """One sent before the rule (or by someone who has lost the right since) grants nothing."""
    invitation = Invitation.objects.create(
        eoi=eoi, municipality=german_municipality, email="mole@example.org", language="en", invited_by=partner_contact
    )
    client.force_login(UserFactory(email="mole@example.org", preferred_language="en"))
    response = client.post(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "can no longer invite" in response.content.decode()
    assert not MunicipalityMembership.objects.filter(user__email="mole@example.org").exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_invitation_of_a_contact_demoted_since_cannot_be_accepted(client, invitation, partner_contact, staff):
    membership = partner_contact.memberships.get()
    memberships.change_role(membership, MembershipRole.EDITOR, by=staff, via=memberships.Via.ADMIN)
    client.force_login(UserFactory(email="new@windhoek.example"))
    assert client.post(accept_url(invitation)).status_code == 410
    assert not MunicipalityMembership.objects.filter(user__email="new@windhoek.example").exists()


@pytest.mark.parametrize(
    ("who", "expected"), [("german_contact", 403), ("partner_contact", 302), ("staff", 302)], ids=lambda x: str(x)
)
def test_only_who_may_invite_for_the_municipality_resends_or_revokes(client, invitation, personas, who, expected):
    client.force_login(personas[who])
    for name in ("applications:invitation_resend", "applications:invitation_revoke"):
        response = client.post(reverse(name, args=[invitation.eoi_id, invitation.pk]))
        assert response.status_code == expected
    invitation.refresh_from_db()
    assert invitation.is_open == (expected == 403)


# Issue 12, hole 2: an invitation was accepted by whoever was logged in.


def test_logged_in_hamburg_contact_opening_a_windhoek_invitation_gets_nothing_and_may_log_out(
    client, invitation, outsider
):
    client.force_login(outsider)
    page = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "new@windhoek.example" in html and outsider.email in html
    assert f'action="{reverse("logout")}"' in html
    assert f'name="next" value="{accept_url(invitation)}"' in html
    assert client.post(accept_url(invitation)).status_code == 403
    assert not MunicipalityMembership.objects.filter(municipality=invitation.municipality, user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.accepted_by is None
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=outsider).exists()


def test_logging_out_from_the_page_returns_to_the_invitation_to_sign_up(client, invitation, outsider):
    client.force_login(outsider)
    response = client.post(reverse("logout"), {"next": accept_url(invitation)})
    assert response.status_code == 302 and response["Location"] == accept_url(invitation)
    page = client.get(accept_url(invitation))
    assert page.context["form"] is not None  # the sign-up for the invited address


def test_invited_address_is_compared_in_any_case(client, eoi, partner_contact, partner_municipality):
    invitation = invitations.invite(eoi, partner_municipality, "New@Windhoek.Example ", "", "en", by=partner_contact)
    user = UserFactory(email="new@windhoek.example")
    client.force_login(user)
    assert client.post(accept_url(invitation)).status_code == 302
    assert MunicipalityMembership.objects.filter(user=user, municipality=partner_municipality).exists()


def test_service_refuses_another_account(invitation, outsider):
    with pytest.raises(PermissionDenied):
        invitations.accept_invitation(invitation, user=outsider)
    invitation.refresh_from_db()
    assert invitation.is_open


def test_an_eoi_past_its_draft_shows_no_invitations_and_asks_nothing_about_them(
    client, invitation, german_contact, partner_contact
):
    eoi = invitation.eoi
    client.force_login(partner_contact)
    assert 'id="invite-heading"' in client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    submitted(eoi, german_contact, partner_contact)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    assert 'id="invite-heading"' not in page
    assert "invitation_revoke" not in page and "/resend/" not in page  # the list of invitations is not drawn
    assert not [q["sql"] for q in queries if "applications_invitation" in q["sql"] or '"role" = ' in q["sql"]]


def test_an_invitation_is_not_sent_again_once_the_eoi_is_submitted(
    client, invitation, german_contact, partner_contact, django_capture_on_commit_callbacks
):
    """Invitations go out while the EOI is edited; the page hides the button, a forged POST is refused too."""
    eoi = submitted(invitation.eoi, german_contact, partner_contact)
    mail.outbox.clear()
    client.force_login(partner_contact)
    resend = reverse("applications:invitation_resend", args=[eoi.pk, invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend).status_code == 403
    assert not mail.outbox and not eoi.events.filter(kind=Event.Kind.INVITATION_RESENT).exists()
    with pytest.raises(PermissionDenied):
        invitations.invite(eoi, invitation.municipality, "late@windhoek.example", "", "en", by=partner_contact)
    revoke = reverse("applications:invitation_revoke", args=[eoi.pk, invitation.pk])
    assert client.post(revoke).status_code == 302  # taking one back needs no editing
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
