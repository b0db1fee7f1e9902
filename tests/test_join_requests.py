"""A signed-up user asks to join a German municipality; its contacts (or programme staff) decide."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from fachkraefte.workflow import StepRefused, may_take
from partnerships import services
from partnerships.models import GrantRecord, JoinRequest, JoinRequestStatus, MembershipRole, MunicipalityMembership
from tests.factories import GermanMunicipalityFactory, MembershipFactory, UserFactory


@pytest.fixture
def newcomer(db):
    return UserFactory(name="Nora Neu", email="nora@example.org", preferred_language="en")


@pytest.fixture
def join_request(newcomer, german_municipality):
    return JoinRequest.objects.create(
        user=newcomer,
        municipality=german_municipality,
        role=MembershipRole.EDITOR,
        message="I run the twinning office.",
    )


@pytest.fixture
def english_contact(german_contact):
    german_contact.preferred_language = "en"
    german_contact.save()
    return german_contact


def approve_url(join_request):
    return reverse("partnerships:approve_join_request", args=[join_request.pk])


def decline_url(join_request):
    return reverse("partnerships:decline_join_request", args=[join_request.pk])


# Finding the municipality


def search(client, query):
    return client.get(reverse("partnerships:join"), {"q": query})


def test_search_by_name_and_by_ags(client, newcomer, german_municipality, partner_municipality):
    GermanMunicipalityFactory(name="Mainz", ags="07315000")
    client.force_login(newcomer)
    assert [m.name for m in search(client, "berl").context["results"]] == ["Berlin"]
    assert [m.name for m in search(client, "07315").context["results"]] == ["Mainz"]
    assert search(client, "Windhoek").context["results"] == []  # partner municipalities are not joined here


def test_search_lists_at_most_20(client, newcomer):
    for number in range(25):
        GermanMunicipalityFactory(name=f"Neustadt {number:02d}")
    client.force_login(newcomer)
    response = search(client, "Neustadt")
    assert len(response.context["results"]) == 20
    assert response.context["more"]


def test_search_page_without_query_lists_nothing(client, newcomer, german_municipality):
    client.force_login(newcomer)
    response = client.get(reverse("partnerships:join"))
    assert response.status_code == 200
    assert response.context["results"] == []


def test_search_needs_login(client, db):
    response = client.get(reverse("partnerships:join"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Asking to join


def test_request_to_join_notifies_the_contacts_only(
    client, newcomer, german_municipality, english_contact, viewer, django_capture_on_commit_callbacks
):
    client.force_login(newcomer)
    url = reverse("partnerships:join_municipality", args=[german_municipality.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"role": "editor", "message": "I run the twinning office."})
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:my_municipalities")
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.municipality, join_request.role) == (
        newcomer,
        german_municipality,
        MembershipRole.EDITOR,
    )
    assert join_request.status == JoinRequestStatus.PENDING
    assert not MunicipalityMembership.objects.filter(user=newcomer).exists()  # nothing until approved
    assert [message.to for message in mail.outbox] == [[english_contact.email]]
    message = mail.outbox[0]
    assert "Nora Neu asks to join Berlin" in message.subject
    assert "nora@example.org" in message.body
    assert "Editor" in message.body
    assert "I run the twinning office." in message.body
    assert "http://testserver/accounts/join-requests/" in message.body


def test_member_cannot_ask_again(client, german_contact, german_municipality):
    client.force_login(german_contact)
    url = reverse("partnerships:join_municipality", args=[german_municipality.pk])
    for response in (client.get(url), client.post(url, {"role": "viewer"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("partnerships:my_municipalities")
    assert not JoinRequest.objects.exists()


def test_member_is_told_why(client, german_contact, german_municipality):
    german_contact.preferred_language = "en"
    german_contact.save()
    client.force_login(german_contact)
    url = reverse("partnerships:join_municipality", args=[german_municipality.pk])
    response = client.get(url, follow=True)
    assert "You are already a member of Berlin." in response.content.decode()


def test_pending_request_cannot_be_sent_twice(client, join_request, newcomer, german_municipality):
    client.force_login(newcomer)
    url = reverse("partnerships:join_municipality", args=[german_municipality.pk])
    response = client.post(url, {"role": "viewer"}, follow=True)
    assert "already asked to join Berlin" in response.content.decode()
    assert JoinRequest.objects.count() == 1


def test_service_refuses_a_second_pending_request(join_request, newcomer, german_municipality):
    with pytest.raises(ValidationError):
        services.request_to_join(german_municipality, by=newcomer, role="viewer", message="")


def test_database_allows_one_pending_request_per_user_and_municipality(join_request):
    with pytest.raises(IntegrityError), transaction.atomic():
        JoinRequest.objects.create(user=join_request.user, municipality=join_request.municipality)


def test_a_declined_request_may_be_followed_by_a_new_one(client, join_request, german_contact, newcomer):
    services.decline_join_request(join_request, by=german_contact)
    client.force_login(newcomer)
    url = reverse("partnerships:join_municipality", args=[join_request.municipality.pk])
    assert client.post(url, {"role": "viewer"}).status_code == 302
    assert JoinRequest.objects.filter(status=JoinRequestStatus.PENDING).count() == 1


def test_bad_role_keeps_the_message_and_says_why(client, newcomer, german_municipality):
    client.force_login(newcomer)
    url = reverse("partnerships:join_municipality", args=[german_municipality.pk])
    response = client.post(url, {"role": "mayor", "message": "Typed message"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["role"]
    assert "Typed message" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_partner_municipality_cannot_be_joined_here(client, newcomer, partner_municipality):
    client.force_login(newcomer)
    url = reverse("partnerships:join_municipality", args=[partner_municipality.pk])
    assert client.get(url).status_code == 404


def test_joining_needs_login(client, german_municipality):
    response = client.get(reverse("partnerships:join_municipality", args=[german_municipality.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Deciding


def test_contact_sees_the_requests_of_their_municipalities_only(client, join_request, german_contact, outsider):
    other = JoinRequest.objects.create(user=UserFactory(), municipality=outsider.memberships.get().municipality)
    client.force_login(german_contact)
    response = client.get(reverse("partnerships:join_requests"))
    assert response.status_code == 200
    assert list(response.context["join_requests"]) == [join_request]
    assert approve_url(join_request) in response.content.decode()
    assert approve_url(other) not in response.content.decode()


def test_viewer_sees_no_requests_to_decide(client, join_request, viewer):
    client.force_login(viewer)
    assert list(client.get(reverse("partnerships:join_requests")).context["join_requests"]) == []


def test_contact_approves(client, join_request, german_contact, newcomer, django_capture_on_commit_callbacks):
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve_url(join_request))
    assert response.status_code == 302
    membership = MunicipalityMembership.objects.get(user=newcomer)
    assert (membership.municipality, membership.role) == (join_request.municipality, MembershipRole.EDITOR)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert join_request.decided_by == german_contact
    assert join_request.decided_at is not None
    assert [message.to for message in mail.outbox] == [["nora@example.org"]]
    assert "You now act for Berlin" in mail.outbox[0].subject
    assert "Editor" in mail.outbox[0].body


def test_contact_declines(client, join_request, german_contact, newcomer, django_capture_on_commit_callbacks):
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decline_url(join_request))
    assert response.status_code == 302
    assert not MunicipalityMembership.objects.filter(user=newcomer).exists()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert join_request.decided_by == german_contact
    assert [message.to for message in mail.outbox] == [["nora@example.org"]]
    assert "declined" in mail.outbox[0].body


def test_double_approve_creates_one_membership(client, join_request, german_contact, newcomer):
    client.force_login(german_contact)
    assert client.post(approve_url(join_request)).status_code == 302
    assert client.post(approve_url(join_request)).status_code == 302
    assert MunicipalityMembership.objects.filter(user=newcomer).count() == 1


def test_decided_request_cannot_be_decided_again(join_request, german_contact, newcomer):
    services.approve_join_request(join_request, by=german_contact)
    with pytest.raises(StepRefused):
        services.approve_join_request(join_request, by=german_contact)
    with pytest.raises(StepRefused):
        services.decline_join_request(join_request, by=german_contact)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert MunicipalityMembership.objects.filter(user=newcomer).count() == 1


def test_decline_after_approve_changes_nothing(client, join_request, german_contact, newcomer):
    client.force_login(german_contact)
    client.post(approve_url(join_request))
    client.post(decline_url(join_request))
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert MunicipalityMembership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("url", [approve_url, decline_url], ids=["approve", "decline"])
def test_contact_of_another_municipality_gets_404(client, join_request, outsider, url):
    client.force_login(outsider)
    assert client.post(url(join_request)).status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING


@pytest.mark.parametrize("url", [approve_url, decline_url], ids=["approve", "decline"])
def test_the_requester_cannot_decide(client, join_request, newcomer, url):
    client.force_login(newcomer)
    assert client.post(url(join_request)).status_code == 404
    assert not MunicipalityMembership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("role", [MembershipRole.EDITOR, MembershipRole.VIEWER])
@pytest.mark.parametrize("url", [approve_url, decline_url], ids=["approve", "decline"])
def test_editor_or_viewer_of_the_municipality_gets_403(client, join_request, german_municipality, role, url):
    member = MembershipFactory(municipality=german_municipality, role=role).user
    client.force_login(member)
    assert client.post(url(join_request)).status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING


@pytest.mark.parametrize("url", [approve_url, decline_url], ids=["approve", "decline"])
def test_deciding_is_a_post(client, join_request, german_contact, url):
    client.force_login(german_contact)
    assert client.get(url(join_request)).status_code == 405
    assert client.get(url(join_request).replace(str(join_request.pk), "999999")).status_code == 405


def test_deciding_needs_login(client, join_request):
    response = client.post(approve_url(join_request))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.get(approve_url(join_request))  # anonymous: the login page first, the method after it
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Programme staff in the admin


def admin_action(client, action, join_requests):
    url = reverse("admin:partnerships_joinrequest_changelist")
    return client.post(url, {"action": action, "_selected_action": [r.pk for r in join_requests]})


def test_staff_approve_selected_in_the_admin(client, staff, join_request, newcomer, django_capture_on_commit_callbacks):
    decided = JoinRequest.objects.create(user=UserFactory(), municipality=join_request.municipality)
    services.decline_join_request(decided, by=staff)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_action(client, "approve_selected", [join_request, decided]).status_code == 302
    join_request.refresh_from_db()
    decided.refresh_from_db()
    assert (join_request.status, join_request.decided_by) == (JoinRequestStatus.APPROVED, staff)
    assert decided.status == JoinRequestStatus.DECLINED  # left as it was
    assert MunicipalityMembership.objects.filter(user=newcomer, role=MembershipRole.EDITOR).exists()
    assert not MunicipalityMembership.objects.filter(user=decided.user).exists()
    assert [message.to for message in mail.outbox] == [["nora@example.org"]]


def test_staff_decline_selected_in_the_admin(client, staff, join_request, newcomer):
    client.force_login(staff)
    assert admin_action(client, "decline_selected", [join_request]).status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.DECLINED
    assert not MunicipalityMembership.objects.filter(user=newcomer).exists()


def test_admin_filters_and_searches_join_requests(client, staff, join_request):
    client.force_login(staff)
    url = reverse("admin:partnerships_joinrequest_changelist")
    for query in ({"q": "11000000"}, {"q": "nora@example"}, {"q": "Berlin"}, {"status__exact": "pending"}):
        assert list(client.get(url, query).context["cl"].result_list) == [join_request]
    assert list(client.get(url, {"status__exact": "approved"}).context["cl"].result_list) == []


def test_admin_change_page_does_not_let_staff_edit_the_status(client, staff, join_request):
    client.force_login(staff)
    response = client.get(reverse("admin:partnerships_joinrequest_change", args=[join_request.pk]))
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields


def test_what_was_asked_stays_as_asked_in_the_admin(client, staff, join_request, german_contact):
    """Staff cannot raise the role, or swap the person or the municipality, of a request a contact then approves."""
    client.force_login(staff)
    url = reverse("admin:partnerships_joinrequest_change", args=[join_request.pk])
    assert set(client.get(url).context["adminform"].form.fields) == set()
    other = GermanMunicipalityFactory()
    posted = {"user": german_contact.pk, "municipality": other.pk, "role": MembershipRole.CONTACT, "message": "x"}
    assert client.post(url, posted).status_code == 302
    join_request.refresh_from_db()
    assert (join_request.user.name, join_request.municipality, join_request.role, join_request.message) == (
        "Nora Neu",
        german_contact.memberships.get().municipality,
        MembershipRole.EDITOR,
        "I run the twinning office.",
    )


def test_requests_are_asked_in_the_portal_and_kept_from_staff_deleting_them(client, staff, join_request, newcomer):
    client.force_login(staff)
    assert client.get(reverse("admin:partnerships_joinrequest_add")).status_code == 403
    delete = reverse("admin:partnerships_joinrequest_delete", args=[join_request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert JoinRequest.objects.filter(pk=join_request.pk).exists()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not JoinRequest.objects.filter(pk=join_request.pk).exists()


# Approving goes through partnerships.memberships: decided by a contact (or staff) and recorded (issue 12).


def test_approval_is_recorded_with_who_and_what(client, join_request, german_contact, newcomer):
    client.force_login(german_contact)
    client.post(approve_url(join_request))
    grant = GrantRecord.objects.get(user=newcomer)
    assert (grant.kind, grant.municipality, grant.before, grant.after) == (
        GrantRecord.Kind.MEMBERSHIP,
        join_request.municipality,
        "",
        MembershipRole.EDITOR,
    )
    assert (grant.by, grant.via) == (german_contact, GrantRecord.Via.JOIN_REQUEST)
    assert grant.reference == str(join_request.pk)


def test_staff_approval_in_the_admin_is_recorded(client, staff, join_request, newcomer):
    client.force_login(staff)
    admin_action(client, "approve_selected", [join_request])
    assert GrantRecord.objects.get(user=newcomer).by == staff


def test_approval_never_lowers_or_raises_an_existing_membership(join_request, german_contact, newcomer):
    MembershipFactory(user=newcomer, municipality=join_request.municipality, role=MembershipRole.VIEWER)
    services.approve_join_request(join_request, by=german_contact)
    assert MunicipalityMembership.objects.get(user=newcomer).role == MembershipRole.VIEWER
    assert not GrantRecord.objects.exists()


def test_the_service_refuses_an_approver_who_is_not_a_contact(join_request, german_municipality, newcomer):
    editor = MembershipFactory(municipality=german_municipality, role=MembershipRole.EDITOR).user
    with pytest.raises(PermissionDenied):
        services.approve_join_request(join_request, by=editor)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING
    assert not MunicipalityMembership.objects.filter(user=newcomer).exists()


def test_staff_cannot_approve_their_own_request_in_the_admin(client, staff, german_municipality):
    own = JoinRequest.objects.create(user=staff, municipality=german_municipality, role=MembershipRole.CONTACT)
    client.force_login(staff)
    assert admin_action(client, "approve_selected", [own]).status_code == 302
    own.refresh_from_db()
    assert own.status == JoinRequestStatus.PENDING
    assert not MunicipalityMembership.objects.filter(user=staff).exists()


def test_deciding_is_the_declared_permission_of_the_step(join_request, german_contact, newcomer, outsider, staff):
    """Hole 9's kind: the join request's steps declare who decides, and the runner asks the declaration."""
    assert may_take(join_request, "approve", german_contact) and may_take(join_request, "approve", staff)
    assert not may_take(join_request, "approve", outsider)
    assert not may_take(join_request, "decline", newcomer)  # never about oneself
    with pytest.raises(StepRefused) as refused:
        services.decline_join_request(join_request, by=outsider)
    assert refused.value.forbidden
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.PENDING
