"""The change history (simple-history) of EOIs, terms of reference, placements and candidates."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Status
from placements import services as placement_services
from placements.candidates import anonymise, save_candidate, set_due_deadlines
from placements.models import Candidate
from placements.tasks import anonymise_expired_candidates
from tests.workflow import in_status, submitted

pytestmark = pytest.mark.usefixtures("media")

NAME, EMAIL, PHONE, BORN = "Ada Wasserfeld", "ada.wasserfeld@example.org", "+49 30 1234567", datetime.date(1985, 4, 2)
SECRETS = ("Wasserfeld", "ada.wasserfeld", "1234567", "1985-04-02", "Lebenslauf")


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


def new_candidate(by, **fields):
    values = {"name": NAME, "email": EMAIL, "phone": PHONE, "date_of_birth": BORN, "nationalities": ["DE"]}
    candidate = Candidate(**{**values, "years_of_experience": 7, "consent_given_at": timezone.now(), **fields})
    candidate.cv.save("upload.pdf", ContentFile(b"%PDF-1.4 cv"), save=False)
    candidate.cv_name = f"Lebenslauf {NAME}.pdf"
    return save_candidate(candidate, by=by)


def rows(obj):
    return list(obj.history.order_by("history_date", "history_id").select_related("history_user"))


# --- who changed what, also without a request (Celery, commands) --------------------------------------
def test_every_transition_writes_a_row_with_its_author(eoi, people):
    eoi = submitted(eoi, people["german_contact"], people["partner_contact"])
    eoi = services.transition(eoi, "start_review", by=people["staff"])
    authors = {row.status: row.history_user for row in rows(eoi) if row.history_type == "~"}
    assert authors[Status.SUBMITTED] == people["german_contact"]
    assert authors[Status.IN_REVIEW] == people["staff"]
    assert [row.status for row in rows(eoi)][-2:] == [Status.SUBMITTED, Status.IN_REVIEW]


def test_a_transition_in_the_admin_is_authored_by_the_staff_member(client, eoi, people):
    eoi = submitted(eoi, people["german_contact"], people["partner_contact"])
    client.force_login(people["staff"])
    url = reverse("admin:applications_expressionofinterest_transition", args=[eoi.pk, "start_review"])
    assert client.post(url, {"comment": ""}).status_code == 302
    last = rows(eoi)[-1]
    assert (last.status, last.history_user) == (Status.IN_REVIEW, people["staff"])


def test_placement_transitions_have_their_author(world, staff):
    placement = placement_services.transition(world["placement"], "begin", by=staff)
    last = rows(placement)[-1]
    assert (last.status, last.history_user) == ("active", staff)


def test_a_candidate_change_is_kept_with_its_author(cim_recruiter, staff):
    candidate = new_candidate(cim_recruiter)
    candidate.phone = "+49 30 7654321"
    save_candidate(candidate, by=staff)
    first, second = rows(candidate)
    assert (first.history_type, first.history_user, first.phone) == ("+", cim_recruiter, PHONE)
    assert (second.history_type, second.history_user, second.phone) == ("~", staff, "+49 30 7654321")


def test_setting_due_deadlines_is_saved_into_the_history(eoi, people, cim_recruiter):
    recruiting = in_status(eoi, Status.RECRUITMENT, **people)
    candidate = new_candidate(cim_recruiter, applied_for=recruiting)
    services.transition(recruiting, "reopen_needs_dialogue", by=people["staff"], comment="Too narrow")
    assert set_due_deadlines() == 1
    last = rows(candidate)[-1]
    assert last.retention_until is not None
    assert last.history_user is None  # the nightly task: nobody
    assert set_due_deadlines() == 0


# --- reading it in the admin ---------------------------------------------------------------------------
def test_the_candidate_history_page_shows_who_changed_which_field(client, cim_recruiter, staff):
    candidate = new_candidate(cim_recruiter)
    candidate.phone = "+49 30 7654321"
    save_candidate(candidate, by=cim_recruiter)
    client.force_login(staff)
    response = client.get(reverse("admin:placements_candidate_history", args=[candidate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert cim_recruiter.name in html
    assert PHONE in html and "+49 30 7654321" in html  # the field-level diff
    assert 'style="' not in html.split('id="change-history"')[1]


def test_the_eoi_history_page_shows_the_status_changes(client, eoi, people):
    eoi = submitted(eoi, people["german_contact"], people["partner_contact"])
    services.transition(eoi, "start_review", by=people["staff"])
    client.force_login(people["staff"])
    response = client.get(reverse("admin:applications_expressionofinterest_history", args=[eoi.pk]))
    assert response.status_code == 200
    changes = [
        (change["old"], change["new"])
        for record in response.context["page_obj"]
        for change in getattr(record, "history_delta_changes", [])
    ]
    assert (Status.SUBMITTED, Status.IN_REVIEW) in changes
    assert (Status.DRAFT, Status.SUBMITTED) in changes


def test_the_placement_history_page_renders(client, world, staff):
    placement_services.transition(world["placement"], "begin", by=staff)
    client.force_login(staff)
    response = client.get(reverse("admin:placements_placement_history", args=[world["placement"].pk]))
    assert response.status_code == 200
    assert response.context["page_obj"][0].history_user == staff


def test_the_terms_of_reference_show_their_history_on_the_eoi_page(client, eoi_world, staff, german_contact):
    client.force_login(staff)
    response = client.get(reverse("admin:applications_expressionofinterest_change", args=[eoi_world["eoi"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-recorded_changes" in html
    assert german_contact.name in html.split("field-recorded_changes")[1]


def test_the_history_cannot_be_used_to_revert(client, cim_recruiter, staff):
    candidate = new_candidate(cim_recruiter)
    candidate.phone = "+49 30 7654321"
    save_candidate(candidate, by=cim_recruiter)
    first = rows(candidate)[0]
    url = reverse("admin:placements_candidate_simple_history", args=[candidate.pk, first.history_id])
    client.force_login(staff)
    assert client.get(url).status_code == 200
    form = {"name": NAME, "phone": PHONE, "nationalities": ["DE"], "years_of_experience": 7, "_change_history": "1"}
    assert client.post(url, form).status_code == 405  # a version is read only, like every read-only page
    candidate.refresh_from_db()
    assert candidate.phone == "+49 30 7654321"


@pytest.mark.parametrize("persona", ["german_contact", "cim_recruiter", "specialist"])
def test_only_staff_read_the_history(client, personas, persona, world):
    client.force_login(personas[persona])
    url = reverse("admin:placements_candidate_history", args=[world["candidate"].pk])
    assert client.get(url).status_code == 302


# --- anonymisation forgets the history -----------------------------------------------------------------
def assert_no_personal_data_in_history(candidate):
    history = list(Candidate.history.filter(id=candidate.pk).values())
    assert len(history) == 1  # the anonymisation itself, with the cleared values
    assert history[0]["anonymised_at"] is not None
    dumped = json.dumps(history, default=str)
    for secret in (*SECRETS, "Muster", candidate.cv.name or "upload"):
        assert secret not in dumped, secret


def edited(candidate, by):
    candidate.name = "Ada Muster-Wasserfeld"
    candidate.email = "ada.muster@example.org"
    return save_candidate(candidate, by=by)


def test_anonymising_leaves_no_personal_data_in_the_history(cim_recruiter, staff):
    candidate = edited(new_candidate(cim_recruiter), cim_recruiter)
    other = new_candidate(cim_recruiter, email="other@example.org")
    assert len(rows(candidate)) == 2
    anonymise(candidate, by=staff)
    assert_no_personal_data_in_history(candidate)
    assert rows(candidate)[0].history_user == staff
    assert len(rows(other)) == 1  # nobody else's history goes


def test_the_admin_action_forgets_the_history(client, cim_recruiter, staff):
    candidate = edited(new_candidate(cim_recruiter), cim_recruiter)
    client.force_login(staff)
    response = client.post(
        reverse("admin:placements_candidate_changelist"),
        {"action": "anonymise_selected", "_selected_action": [candidate.pk]},
    )
    assert response.status_code == 302
    assert_no_personal_data_in_history(candidate)


def expire(candidate):
    candidate.retention_until = timezone.localdate() - datetime.timedelta(days=1)
    candidate.save()


def test_the_nightly_task_forgets_the_history(cim_recruiter):
    candidate = edited(new_candidate(cim_recruiter), cim_recruiter)
    expire(candidate)
    assert anonymise_expired_candidates() == 1
    assert_no_personal_data_in_history(candidate)
    assert rows(candidate)[0].history_user is None


def test_the_command_forgets_the_history(cim_recruiter):
    candidate = edited(new_candidate(cim_recruiter), cim_recruiter)
    expire(candidate)
    call_command("anonymise_candidates")
    assert_no_personal_data_in_history(candidate)
