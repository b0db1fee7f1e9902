import re
import time

import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import Event, Invitation
from applications.notifications import invitation_token
from partnerships.models import MembershipRole, MunicipalityMembership, User
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def invitation(eoi, german_contact, partner_municipality):
    return services.invite(eoi, partner_municipality, "new@windhoek.example", "Ndapewa", "fr", by=german_contact)


def accept_url(invitation):
    return reverse("applications:invitation", args=[invitation_token(invitation)])


def test_invitation_mail_goes_out_in_the_chosen_language_with_a_working_link(
    client, django_capture_on_commit_callbacks, eoi, german_contact, partner_municipality, settings
):
    settings.PORTAL_URL = "https://portal.example.org"
    client.force_login(german_contact)
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


def test_invitation_with_bad_address_is_refused_keeping_the_input(client, eoi, german_contact, partner_municipality):
    client.force_login(german_contact)
    response = client.post(
        reverse("applications:invite", args=[eoi.pk]),
        {"invite-municipality": partner_municipality.pk, "invite-email": "not an address", "invite-language": "en"},
    )
    assert response.status_code == 200
    assert "not an address" in response.content.decode()
    assert response.context["invitation_form"].errors["email"]
    assert not Invitation.objects.exists()


def test_new_user_registers_from_the_invitation_and_becomes_contact(client, invitation, partner_municipality):
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
    assert (membership.municipality, membership.role) == (partner_municipality, MembershipRole.CONTACT)
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


def test_logged_in_user_accepts(client, invitation):
    user = UserFactory(email="other@windhoek.example")
    client.force_login(user)
    assert client.post(accept_url(invitation)).status_code == 302
    assert MunicipalityMembership.objects.filter(user=user, municipality=invitation.municipality).exists()


def test_existing_account_is_asked_to_log_in(client, invitation):
    UserFactory(email="new@windhoek.example")
    response = client.get(accept_url(invitation))
    assert response.context["form"] is None
    assert reverse("login") in response.content.decode()


def test_used_link_shows_a_clear_page(client, invitation):
    services.accept_invitation(invitation, user=UserFactory())
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


def test_revoked_link_shows_a_clear_page(client, invitation, german_contact):
    client.force_login(german_contact)
    client.post(reverse("applications:invitation_revoke", args=[invitation.eoi_id, invitation.pk]))
    client.logout()
    response = client.get(accept_url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 410
    assert "revoked" in response.content.decode()


def test_resend_sends_the_mail_again(client, django_capture_on_commit_callbacks, invitation, german_contact):
    client.force_login(german_contact)
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
    other = services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    client.force_login(german_contact)
    url = reverse("applications:invitation_revoke", args=[other.pk, invitation.pk])
    assert client.post(url).status_code == 404
