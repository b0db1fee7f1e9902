"""Whoever starts an EOI starts it for a municipality they act for; the others join as its partners.

In a triangular partnership (Berlin and Potsdam with Windhoek) an editor of Berlin may not start an EOI
of Potsdam and Windhoek alone: Potsdam never started it, and its creator could not even see it.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications import services
from applications.models import ExpressionOfInterest
from fachkraefte.models import AuditEntry
from partnerships.models import MembershipRole, PartnershipParticipant, Side
from tests.factories import GermanMunicipalityFactory, MembershipFactory

REFUSAL = "You can only start an expression of interest for a municipality you act for"


@pytest.fixture
def potsdam(partnership):
    """A second German municipality in the partnership: Berlin and Potsdam with Windhoek."""
    potsdam = GermanMunicipalityFactory(name="Potsdam", ags="12054000")
    PartnershipParticipant.objects.create(partnership=partnership, municipality=potsdam, side=Side.GERMAN)
    return potsdam


@pytest.fixture
def berlin_editor(german_municipality):
    return MembershipFactory(
        municipality=german_municipality, role=MembershipRole.EDITOR, user__preferred_language="en"
    ).user


def start(client, partnership, municipalities):
    return client.post(
        reverse("applications:start", args=[partnership.pk]),
        {"municipalities": [m.pk for m in municipalities], "specialist_model": "local"},
    )


def participants(eoi):
    return {p.municipality for p in eoi.participants.all()}


def test_editor_may_not_start_for_another_german_municipality_alone(
    client, partnership, potsdam, partner_municipality, berlin_editor, models_open_in_namibia
):
    client.force_login(berlin_editor)
    response = start(client, partnership, [potsdam, partner_municipality])
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert "Berlin" in response.context["form"].errors["municipalities"][0]
    assert response.context["form"]["municipalities"].value() == [str(potsdam.pk), str(partner_municipality.pk)]
    assert not ExpressionOfInterest.objects.exists()
    refusal = AuditEntry.objects.get(kind=AuditEntry.Kind.ACCESS_REFUSED)
    assert (refusal.user, refusal.object_id) == (berlin_editor, str(partnership.pk))


def test_the_refused_editor_starts_for_their_own_municipality_with_the_partner(
    client, partnership, potsdam, partner_municipality, german_municipality, berlin_editor, models_open_in_namibia
):
    client.force_login(berlin_editor)
    assert REFUSAL in start(client, partnership, [potsdam, partner_municipality]).content.decode()
    response = start(client, partnership, [german_municipality, partner_municipality])
    eoi = ExpressionOfInterest.objects.get()
    assert response.status_code == 302 and eoi.created_by == berlin_editor
    assert participants(eoi) == {german_municipality, partner_municipality}
    assert client.get(reverse("applications:detail", args=[eoi.pk])).status_code == 200


def test_the_service_refuses_the_same_with_a_logged_403(
    partnership, potsdam, partner_municipality, berlin_editor, models_open_in_namibia
):
    with pytest.raises(PermissionDenied):
        services.start(partnership, [potsdam, partner_municipality], "local", by=berlin_editor)
    assert not ExpressionOfInterest.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, object_id=str(partnership.pk)).exists()


def test_the_service_refuses_the_partner_side_and_municipalities_outside_the_partnership(
    partnership, german_municipality, partner_municipality, partner_contact, berlin_editor, models_open_in_namibia
):
    hamburg = GermanMunicipalityFactory(name="Hamburg", ags="02000000")
    MembershipFactory(user=berlin_editor, municipality=hamburg, role=MembershipRole.EDITOR)
    with pytest.raises(PermissionDenied):
        services.start(partnership, [german_municipality, partner_municipality], "local", by=partner_contact)
    with pytest.raises(PermissionDenied):
        services.start(partnership, [hamburg, partner_municipality], "local", by=berlin_editor)
    assert not ExpressionOfInterest.objects.exists()


def test_a_member_of_both_german_municipalities_may_choose_the_other(
    client, partnership, potsdam, partner_municipality, berlin_editor, models_open_in_namibia
):
    client.force_login(berlin_editor)
    assert REFUSAL in start(client, partnership, [potsdam, partner_municipality]).content.decode()
    MembershipFactory(user=berlin_editor, municipality=potsdam, role=MembershipRole.EDITOR)
    response = start(client, partnership, [potsdam, partner_municipality])
    eoi = ExpressionOfInterest.objects.get()
    assert response.status_code == 302
    assert participants(eoi) == {potsdam, partner_municipality}
    assert client.get(reverse("applications:detail", args=[eoi.pk])).status_code == 200
