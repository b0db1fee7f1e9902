"""Issue 12, hole 1: making someone a contact is a recorded decision of a contact of that municipality (or staff).

The members page lists a municipality's members to its members; its contacts (and programme staff) change
roles there, never their own. Every change goes through partnerships.memberships and is recorded.
"""

import pytest
from django.urls import reverse

from fachkraefte.models import AuditEntry
from partnerships import memberships
from partnerships.models import GrantRecord, MembershipRole, MunicipalityMembership
from tests.factories import MembershipFactory


@pytest.fixture
def editor(german_municipality):
    return MembershipFactory(municipality=german_municipality, role=MembershipRole.EDITOR).user


def members_url(municipality):
    return reverse("partnerships:members", args=[municipality.pk])


def role_url(membership):
    return reverse("partnerships:member_role", args=[membership.municipality_id, membership.pk])


def membership_of(user, municipality):
    return MunicipalityMembership.objects.get(user=user, municipality=municipality)


# Reading the list


def test_contact_sees_the_members_and_may_change_the_others_roles(
    client, german_contact, editor, viewer, german_municipality
):
    client.force_login(german_contact)
    response = client.get(members_url(german_municipality), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert {m.user for m in response.context["members"]} == {german_contact, editor, viewer}
    assert response.context["may_manage"]
    html = response.content.decode()
    assert role_url(membership_of(editor, german_municipality)) in html
    assert role_url(membership_of(german_contact, german_municipality)) not in html  # not for oneself


@pytest.mark.parametrize("role", [MembershipRole.EDITOR, MembershipRole.VIEWER])
def test_editor_and_viewer_see_the_list_without_buttons(client, german_municipality, german_contact, role):
    member = MembershipFactory(municipality=german_municipality, role=role).user
    client.force_login(member)
    response = client.get(members_url(german_municipality))
    assert response.status_code == 200
    assert not response.context["may_manage"]
    assert role_url(membership_of(german_contact, german_municipality)) not in response.content.decode()


def test_outsider_gets_404_for_another_municipalitys_member_list(client, outsider, german_municipality):
    client.force_login(outsider)
    assert client.get(members_url(german_municipality)).status_code == 404
    assert AuditEntry.objects.filter(
        kind=AuditEntry.Kind.ACCESS_REFUSED, user=outsider, object_id=str(german_municipality.pk)
    ).exists()


def test_the_partner_side_contact_gets_404_for_berlins_member_list(client, partner_contact, german_municipality):
    client.force_login(partner_contact)
    assert client.get(members_url(german_municipality)).status_code == 404


def test_staff_see_any_member_list(client, staff, german_contact, german_municipality):
    client.force_login(staff)
    response = client.get(members_url(german_municipality))
    assert response.status_code == 200 and response.context["may_manage"]


def test_the_list_is_read_with_get_only(client, german_contact, german_municipality):
    client.force_login(german_contact)
    assert client.post(members_url(german_municipality)).status_code == 405


# Changing roles


def test_contact_promotes_an_editor_and_it_is_recorded(client, german_contact, editor, german_municipality):
    client.force_login(german_contact)
    membership = membership_of(editor, german_municipality)
    response = client.post(role_url(membership), {"role": MembershipRole.CONTACT})
    assert response.status_code == 302 and response["Location"] == members_url(german_municipality)
    assert membership_of(editor, german_municipality).role == MembershipRole.CONTACT
    grant = GrantRecord.objects.get()
    assert (grant.user, grant.kind, grant.municipality) == (editor, GrantRecord.Kind.MEMBERSHIP, german_municipality)
    assert (grant.before, grant.after) == (MembershipRole.EDITOR, MembershipRole.CONTACT)
    assert (grant.by, grant.by_email, grant.via) == (german_contact, german_contact.email, GrantRecord.Via.MEMBERS_PAGE)


def test_contact_demotes_another_contact(client, german_contact, german_municipality):
    other = MembershipFactory(municipality=german_municipality, role=MembershipRole.CONTACT)
    client.force_login(german_contact)
    assert client.post(role_url(other), {"role": MembershipRole.VIEWER}).status_code == 302
    other.refresh_from_db()
    assert other.role == MembershipRole.VIEWER
    grant = GrantRecord.objects.get()
    assert (grant.before, grant.after, grant.by) == (MembershipRole.CONTACT, MembershipRole.VIEWER, german_contact)


@pytest.mark.parametrize("role", [MembershipRole.EDITOR, MembershipRole.VIEWER])
def test_a_contact_cannot_demote_themselves(client, german_contact, german_municipality, role):
    client.force_login(german_contact)
    own = membership_of(german_contact, german_municipality)
    assert client.post(role_url(own), {"role": role}).status_code == 403
    assert membership_of(german_contact, german_municipality).role == MembershipRole.CONTACT
    assert not GrantRecord.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=german_contact).exists()


def test_an_editor_cannot_promote_themselves_or_anyone(client, editor, viewer, german_municipality):
    client.force_login(editor)
    for membership in (membership_of(editor, german_municipality), membership_of(viewer, german_municipality)):
        assert client.post(role_url(membership), {"role": MembershipRole.CONTACT}).status_code == 403
    assert membership_of(editor, german_municipality).role == MembershipRole.EDITOR
    assert membership_of(viewer, german_municipality).role == MembershipRole.VIEWER
    assert not GrantRecord.objects.exists()


def test_a_viewer_cannot_promote(client, viewer, editor, german_municipality):
    client.force_login(viewer)
    assert client.post(role_url(membership_of(editor, german_municipality)), {"role": "contact"}).status_code == 403
    assert membership_of(editor, german_municipality).role == MembershipRole.EDITOR


def test_outsider_cannot_change_roles(client, outsider, editor, german_municipality):
    client.force_login(outsider)
    assert client.post(role_url(membership_of(editor, german_municipality)), {"role": "contact"}).status_code == 404
    assert membership_of(editor, german_municipality).role == MembershipRole.EDITOR


def test_a_membership_of_another_municipality_is_404(client, german_contact, german_municipality, outsider):
    client.force_login(german_contact)
    hamburg = outsider.memberships.get()
    url = reverse("partnerships:member_role", args=[german_municipality.pk, hamburg.pk])
    assert client.post(url, {"role": "viewer"}).status_code == 404
    assert outsider.memberships.get().role == hamburg.role
    assert not GrantRecord.objects.exists()


def test_an_unknown_role_changes_nothing(client, german_contact, editor, german_municipality):
    client.force_login(german_contact)
    response = client.post(role_url(membership_of(editor, german_municipality)), {"role": "owner"})
    assert response.status_code == 302
    assert membership_of(editor, german_municipality).role == MembershipRole.EDITOR
    assert not GrantRecord.objects.exists()


def test_staff_change_roles_on_the_members_page(client, staff, editor, german_municipality):
    client.force_login(staff)
    assert client.post(role_url(membership_of(editor, german_municipality)), {"role": "viewer"}).status_code == 302
    assert GrantRecord.objects.get().by == staff


def test_changing_to_the_same_role_records_nothing(german_contact, editor, german_municipality):
    memberships.change_role(
        membership_of(editor, german_municipality), MembershipRole.EDITOR, by=german_contact, via="members_page"
    )
    assert not GrantRecord.objects.exists()


def test_a_record_reads_in_the_readers_language(german_contact, editor, german_municipality):
    from django.utils import translation

    memberships.change_role(
        membership_of(editor, german_municipality), MembershipRole.CONTACT, by=german_contact, via="members_page"
    )
    grant = GrantRecord.objects.get()
    with translation.override("en"):
        assert (str(grant.readable(grant.before)), str(grant.readable(grant.after))) == ("Editor", "Contact person")
