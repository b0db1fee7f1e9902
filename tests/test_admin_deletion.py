"""What others rely on is never deleted in the admin except by a superuser (HOUSE_STYLE 12a).

Programme staff (not superusers) are refused the delete page and the "delete selected" action for
placements, submitted EOIs, candidates and shortlist entries; a draft EOI they may still delete. A
superuser is shown Django's "protected objects" page where the database PROTECTs what hangs on a row.
A candidate leaves by anonymisation, which takes the CV file from the storage.
"""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications import services
from applications.models import ExpressionOfInterest
from placements import events
from placements import services as placement_services
from placements.candidates import anonymise
from placements.models import (
    Activity,
    Candidate,
    NetworkEvent,
    OwnNetworkEvent,
    Placement,
    PlacementEvent,
    Registration,
    Report,
    ShortlistEntry,
)
from tests.workflow import make_placement, submitted

pytestmark = pytest.mark.usefixtures("media")

# The records others rely on: staff never delete them in the admin.
RELIED_ON = [Placement, PlacementEvent, Activity, Report, OwnNetworkEvent, ShortlistEntry, Candidate, Registration]


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def running(eoi, people, specialist):
    """A begun placement with its reports, an activity and the shortlist entry of its candidate."""
    placement = make_placement(eoi, **people, specialist=specialist)
    placement = placement_services.transition(placement, "begin", by=people["staff"])
    Activity.objects.create(placement=placement, date=placement.start, title="Workshop", created_by=specialist)
    # The selected candidate's shortlist entry (the workflow helper may have made it already).
    ShortlistEntry.objects.get_or_create(
        eoi=placement.eoi, candidate=placement.candidate, defaults={"added_by": people["staff"], "selected": True}
    )
    assert placement.status == "active" and placement.reports.exists()
    return placement


@pytest.fixture
def new_eoi(partnership, german_contact, models_open_in_namibia):
    def start():
        return services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)

    return start


@pytest.fixture
def submitted_eoi(new_eoi, german_contact, partner_contact):
    return submitted(new_eoi(), german_contact, partner_contact)


@pytest.fixture
def candidate_with_cv(media, cim_recruiter):
    cv = ContentFile(b"%PDF-1.4 cv", name="cv.pdf")
    return Candidate.objects.create(name="Eva Europa", nationalities=["DE"], created_by=cim_recruiter, cv=cv)


@pytest.fixture
def superuser_client(client, admin_user):
    client.force_login(admin_user)
    return client


def url(obj, kind="delete"):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}", args=[obj.pk])


def bulk_delete(client, *objects):
    """The changelist's "delete selected" action, confirmed."""
    opts = objects[0]._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return client.post(
        changelist, {"action": "delete_selected", "_selected_action": [o.pk for o in objects], "post": "yes"}
    )


def offered_actions(client, model):
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200
    action_form = response.context["action_form"]  # None when no action is left
    return {name for name, _ in action_form.fields["action"].choices} if action_form else set()


def still_there(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


# --- programme staff -----------------------------------------------------------------------------------------
def test_staff_may_not_delete_a_running_placement(client, staff, running):
    client.force_login(staff)
    assert client.get(url(running)).status_code == 403
    assert client.post(url(running), {"post": "yes"}).status_code == 403
    assert "delete_selected" not in offered_actions(client, Placement)
    bulk_delete(client, running)
    assert still_there(running)
    assert running.reports.exists() and running.activities.exists() and running.events.exists()


def test_the_placement_page_offers_staff_no_delete_link(client, staff, running):
    client.force_login(staff)
    response = client.get(url(running, "change"))
    assert response.status_code == 200
    assert url(running) not in response.content.decode()


def test_staff_may_not_delete_a_candidate(client, staff, candidate_with_cv):
    client.force_login(staff)
    assert client.get(url(candidate_with_cv)).status_code == 403
    assert client.post(url(candidate_with_cv), {"post": "yes"}).status_code == 403
    assert "delete_selected" not in offered_actions(client, Candidate)
    bulk_delete(client, candidate_with_cv)
    assert still_there(candidate_with_cv) and default_storage.exists(candidate_with_cv.cv.name)


def test_staff_may_not_delete_a_shortlist_entry(client, staff, running):
    entry = running.eoi.shortlist.get()
    client.force_login(staff)
    assert client.get(url(entry)).status_code == 403
    assert client.post(url(entry), {"post": "yes"}).status_code == 403
    bulk_delete(client, entry)
    assert still_there(entry)


def test_staff_may_not_delete_a_submitted_eoi(client, staff, submitted_eoi, new_eoi):
    draft = new_eoi()
    client.force_login(staff)
    assert client.get(url(submitted_eoi)).status_code == 403
    assert client.post(url(submitted_eoi), {"post": "yes"}).status_code == 403
    # "Delete selected" is offered (drafts may go), but not for a selection with a submitted EOI in it.
    assert bulk_delete(client, submitted_eoi, draft).status_code == 403
    assert still_there(submitted_eoi) and still_there(draft)


def test_the_eoi_bulk_delete_itself_refuses_staff_anything_but_drafts(staff, submitted_eoi, new_eoi):
    """The second guard, should the action ever skip the per-object check."""
    request = RequestFactory().post("/")
    request.user = staff
    model_admin = admin.site._registry[ExpressionOfInterest]
    with pytest.raises(PermissionDenied):
        model_admin.delete_queryset(request, ExpressionOfInterest.objects.filter(pk=submitted_eoi.pk))
    assert still_there(submitted_eoi)


def test_staff_may_delete_a_draft_eoi(client, staff, eoi):
    client.force_login(staff)
    assert client.get(url(eoi)).status_code == 200
    response = client.post(url(eoi), {"post": "yes"})
    assert response.status_code == 302
    assert not still_there(eoi)


def test_staff_may_delete_drafts_in_bulk(client, staff, eoi, new_eoi):
    other = new_eoi()
    client.force_login(staff)
    assert bulk_delete(client, eoi, other).status_code == 302
    assert not ExpressionOfInterest.objects.filter(pk__in=[eoi.pk, other.pk]).exists()


@pytest.mark.parametrize("model", RELIED_ON, ids=lambda model: model.__name__)
def test_no_admin_lets_staff_delete_what_others_rely_on(staff, model):
    """Reports, activities and the rest are not in the admin today; if they come, they come without delete."""
    request = RequestFactory().get("/")
    request.user = staff
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:placements_{model._meta.model_name}_delete", args=[1])
    else:
        assert not model_admin.has_delete_permission(request)


def test_an_event_with_registrations_is_not_deleted_with_them(client, staff, specialist):
    now = timezone.now()
    event = NetworkEvent.objects.create(
        title="Exchange",
        starts_at=now + datetime.timedelta(days=30),
        ends_at=now + datetime.timedelta(days=30, hours=2),
        capacity=10,
        registration_deadline=now + datetime.timedelta(days=20),
        online_link="https://meet.example.org/x",
        created_by=staff,
    )
    registration = events.register(event, specialist)
    client.force_login(staff)
    response = client.post(url(event), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert still_there(event) and still_there(registration)


# --- superusers ----------------------------------------------------------------------------------------------
def test_a_superuser_is_shown_what_protects_a_placement(superuser_client, running):
    response = superuser_client.get(url(running))
    assert response.status_code == 200
    assert response.context["protected"]  # its reports, activity log and history
    response = superuser_client.post(url(running), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert still_there(running) and running.reports.exists() and running.activities.exists()


def test_a_superuser_bulk_delete_of_a_placement_is_refused_by_its_records(superuser_client, running):
    response = bulk_delete(superuser_client, running)
    assert response.status_code == 200 and response.context["protected"]
    assert still_there(running)


def test_the_database_protects_a_placements_records(running):
    with pytest.raises(ProtectedError):
        running.delete()
    assert still_there(running)


def test_a_superuser_is_shown_what_protects_a_shortlisted_candidate(superuser_client, running):
    response = superuser_client.post(url(running.candidate), {"post": "yes"})
    assert response.status_code == 200 and response.context["protected"]
    assert still_there(running.candidate)


def test_a_superuser_may_delete_a_submitted_eoi(superuser_client, submitted_eoi):
    assert superuser_client.post(url(submitted_eoi), {"post": "yes"}).status_code == 302
    assert not still_there(submitted_eoi)


def test_a_superuser_deleting_a_candidate_takes_the_cv_and_the_history_too(
    superuser_client, candidate_with_cv, django_capture_on_commit_callbacks
):
    cv_name = candidate_with_cv.cv.name
    assert default_storage.exists(cv_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert superuser_client.post(url(candidate_with_cv), {"post": "yes"}).status_code == 302
    assert not still_there(candidate_with_cv)
    assert not default_storage.exists(cv_name)
    assert not Candidate.history.filter(id=candidate_with_cv.pk).exists()


# --- a candidate leaves by anonymisation -----------------------------------------------------------------------
def test_anonymising_in_the_admin_removes_the_cv_from_the_storage(client, staff, candidate_with_cv):
    cv_name = candidate_with_cv.cv.name
    assert default_storage.exists(cv_name)
    client.force_login(staff)
    changelist = reverse("admin:placements_candidate_changelist")
    response = client.post(changelist, {"action": "anonymise_selected", "_selected_action": [candidate_with_cv.pk]})
    assert response.status_code == 302
    candidate_with_cv.refresh_from_db()
    assert candidate_with_cv.anonymised_at and not candidate_with_cv.cv
    assert not default_storage.exists(cv_name)


def test_anonymising_keeps_the_shortlist_record(staff, eoi, candidate_with_cv):
    entry = ShortlistEntry.objects.create(eoi=eoi, candidate=candidate_with_cv, added_by=staff)
    municipality = eoi.participants.first().municipality
    decision = entry.decisions.create(municipality=municipality, decision="accepted", reason="Fits well")
    anonymise(candidate_with_cv, by=staff)
    entry.refresh_from_db()
    decision.refresh_from_db()
    assert entry.candidate_id == candidate_with_cv.pk and decision.reason == ""
