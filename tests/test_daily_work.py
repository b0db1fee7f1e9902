"""Issue 13: a returned EOI says why, an empty draft is filled in first, invitations speak the partner's language."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Invitation, Status
from fachkraefte.workflow import StepRefused
from partnerships.languages import usual_language
from tests.workflow import submitted

pytestmark = pytest.mark.usefixtures("media")


def detail(client, eoi):
    return client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()


# --- 13.7 a returned EOI says why, where it is read ----------------------------------------------------


@pytest.fixture
def returned(eoi, staff, german_contact, partner_contact):
    eoi = submitted(eoi, german_contact, partner_contact)
    eoi = services.transition(eoi, "start_review", by=staff)
    return services.transition(eoi, "return_for_changes", by=staff, comment="Please describe the water losses.")


def test_the_return_comment_stands_on_top_with_what_to_do(client, returned, german_contact):
    client.force_login(german_contact)
    page = detail(client, returned)
    assert 'id="returned-notice"' in page
    assert page.index('id="returned-notice"') < page.index('id="checklist"')
    assert "Please describe the water losses." in page
    assert 'id="voided-notice"' not in page


def test_a_return_voids_the_confirmations_so_submitting_is_not_the_next_step(client, returned, german_contact):
    assert not returned.confirmations.standing().exists()
    client.force_login(german_contact)
    page = detail(client, returned)
    assert "btn-success" not in page.split('id="submit-button"')[0].rsplit("<button", 1)[-1]
    with pytest.raises(StepRefused):
        services.submit(returned, by=german_contact)


def test_the_notice_goes_once_submitted_again(client, returned, german_contact, partner_contact):
    german, partner = (p.municipality for p in returned.participants.order_by("side"))
    services.confirm(returned, [german], by=german_contact)
    services.confirm(returned, [partner], by=partner_contact)
    eoi = services.submit(returned, by=german_contact)
    assert eoi.status == Status.SUBMITTED
    client.force_login(german_contact)
    assert 'id="returned-notice"' not in detail(client, eoi)


# --- 13.8 the first action on an empty draft is filling it in -------------------------------------------


def test_an_empty_draft_offers_filling_in_first_not_confirming(client, eoi, german_contact):
    client.force_login(german_contact)
    page = detail(client, eoi)
    assert 'id="fill-in-button"' in page and 'id="confirm-button"' not in page
    assert reverse("applications:edit", args=[eoi.pk, "german"]) in page.split('id="fill-in-button"')[0][-300:]


# --- 13.9 invitations in the partner's language -------------------------------------------------------


@pytest.mark.parametrize(("country", "language"), [("TN", "fr"), ("PE", "es"), ("NA", "en"), ("DE", "de")])
def test_the_usual_language_of_a_country(country, language):
    assert usual_language(country) == language


def test_the_invitation_form_defaults_to_the_partners_language(client, eoi, partner_contact, partner_municipality):
    partner_municipality.country = "TN"
    partner_municipality.save()
    client.force_login(partner_contact)
    response = client.get(reverse("applications:detail", args=[eoi.pk]))
    assert response.context["invitation_form"].initial["language"] == "fr"


def test_the_invitation_page_opens_in_the_invitations_language(client, eoi, partner_contact, partner_municipality):
    from applications import invitations
    from applications.notifications import invitation_token

    invitation = invitations.invite(eoi, partner_municipality, "amal@tunis.example", "Amal", "fr", by=partner_contact)
    link = reverse("applications:invitation", args=[invitation_token(invitation)])
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "fr"
    client.cookies["django_language"] = "es"  # the switcher still wins
    assert client.get(link)["Content-Language"] == "es"
    assert Invitation.objects.get(pk=invitation.pk).is_open
