"""Candidate profiles: retention, anonymisation, export, the nightly task, the portal pages, the admin."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.models import Event, Status
from fachkraefte.celery import app as celery_app
from placements.candidates import (
    anonymise,
    export_data,
    renew_pool_consent,
    retention_deadline,
    save_candidate,
    set_due_deadlines,
)
from placements.models import Candidate, ShortlistDecision, ShortlistEntry, add_months
from placements.tasks import anonymise_expired_candidates
from tests.workflow import in_status, make_placement, pick_the_candidate, shortlist_someone

pytestmark = pytest.mark.usefixtures("media")

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
NAME, EMAIL, PHONE = "Ada Wasserfeld", "ada.wasserfeld@example.org", "+49 30 1234567"


def today():
    return timezone.localdate()


def new_candidate(*, by=None, applied_for=None, cv=True, **fields):
    values = {
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "nationalities": ["DE", "NA"],
        "date_of_birth": datetime.date(1985, 4, 2),
        "languages": [{"language": "en", "level": "C1"}],
        "expertise": ["waste", "climate"],
        "years_of_experience": 7,
        "vocational_training": True,
        "qualification": f"Dipl.-Ing. {NAME}",
        "available_from": datetime.date(2027, 1, 1),
        "consent_text_version": "2026-11",
        "consent_given_at": timezone.now(),
        "applied_for": applied_for,
        **fields,
    }
    candidate = Candidate(**values)
    if cv:
        candidate.cv.save("upload.pdf", ContentFile(PDF_BYTES), save=False)
        candidate.cv_name = f"CV {NAME}.pdf"
    return save_candidate(candidate, by=by)


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def recruiting_eoi(eoi, people):
    """An integrated-expert EOI (CIM's channel) in recruitment."""
    return in_status(eoi, Status.RECRUITMENT, **people)


# --- retention ---------------------------------------------------------------------------------


def test_no_deadline_while_the_recruitment_runs(recruiting_eoi, cim_recruiter, staff):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    assert candidate.retention_until is None
    shortlist_someone(recruiting_eoi, staff=staff)
    services.transition(recruiting_eoi, "start_candidate_selection", by=staff)
    candidate.refresh_from_db()
    assert retention_deadline(candidate) is None


def test_six_months_after_the_recruitment_ended(recruiting_eoi, cim_recruiter, staff, german_contact, partner_contact):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    ShortlistEntry.objects.create(eoi=recruiting_eoi, candidate=candidate, added_by=cim_recruiter)
    services.transition(recruiting_eoi, "start_candidate_selection", by=staff)
    pick_the_candidate(recruiting_eoi, german_contact, partner_contact)
    candidate.refresh_from_db()
    assert save_candidate(candidate, by=cim_recruiter).retention_until == add_months(today(), 6)


def test_the_nightly_task_sets_the_deadline_once_the_recruitment_has_ended(recruiting_eoi, cim_recruiter, staff):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    services.transition(recruiting_eoi, "reopen_needs_dialogue", by=staff, comment="Profile too narrow")
    assert set_due_deadlines() == 1
    candidate.refresh_from_db()
    assert candidate.retention_until == add_months(today(), 6)
    assert set_due_deadlines() == 0  # safe to run twice


def test_without_an_eoi_six_months_from_being_recorded(cim_recruiter):
    assert new_candidate(by=cim_recruiter).retention_until == add_months(today(), 6)


def test_pool_consent_keeps_the_data_24_months_from_the_consent(recruiting_eoi, cim_recruiter):
    consent = timezone.now() - datetime.timedelta(days=100)
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi, pool_consent=True, consent_given_at=consent)
    assert candidate.retention_until == add_months(timezone.localdate(consent), 24)


def test_renewing_the_pool_consent_moves_the_deadline_on(cim_recruiter, settings):
    settings.CANDIDATE_CONSENT_VERSION = "2027-01"
    old = timezone.now() - datetime.timedelta(days=400)
    candidate = new_candidate(by=cim_recruiter, pool_consent=True, consent_given_at=old)
    renewed = renew_pool_consent(candidate, by=cim_recruiter)
    assert renewed.retention_until == add_months(today(), 24)
    assert renewed.consent_text_version == "2027-01"
    assert renewed.consent_given_at > old


# --- anonymisation -----------------------------------------------------------------------------


def text_values(candidate):
    row = Candidate.objects.filter(pk=candidate.pk).values().get()
    text_fields = [
        f.attname
        for f in Candidate._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField, models.JSONField, models.FileField))
    ]
    return " ".join(json.dumps(row[name], default=str) for name in text_fields)


def test_anonymise_removes_the_personal_data_and_the_cv(cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    cv_name = candidate.cv.name
    assert default_storage.exists(cv_name)

    anonymise(candidate, by=cim_recruiter)

    candidate.refresh_from_db()
    assert not default_storage.exists(cv_name)
    assert candidate.anonymised_at is not None
    assert (candidate.name, candidate.email, candidate.phone, candidate.cv.name) == ("", "", "", "")
    assert candidate.nationalities == [] and candidate.languages == [] and candidate.date_of_birth is None
    assert candidate.years_of_experience == 7 and candidate.expertise == ["waste", "climate"]
    everything = text_values(candidate)
    for secret in (NAME, "Wasserfeld", EMAIL, PHONE, "1234567", "1985"):
        assert secret not in everything


def test_anonymise_clears_the_municipalities_reasons_about_the_person(recruiting_eoi, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    entry = ShortlistEntry.objects.create(eoi=recruiting_eoi, candidate=candidate, added_by=cim_recruiter)
    municipality = recruiting_eoi.participants.first().municipality
    decision = ShortlistDecision.objects.create(
        entry=entry, municipality=municipality, decision="declined", reason=f"{NAME} speaks no Oshiwambo"
    )
    anonymise(candidate, by=cim_recruiter)
    decision.refresh_from_db()
    # The decline stands; its reason is gone, and the row says it was erased (the database asks a decline for one).
    assert (decision.decision, decision.reason) == ("declined", "")
    assert decision.reason_erased_at == Candidate.objects.get(pk=candidate.pk).anonymised_at


def test_anonymise_takes_the_name_out_of_the_eoi_timeline(recruiting_eoi, cim_recruiter, staff):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    ShortlistEntry.objects.create(eoi=recruiting_eoi, candidate=candidate, added_by=cim_recruiter)
    selected = Event.objects.create(
        eoi=recruiting_eoi,
        kind=Event.Kind.STATUS_CHANGED,
        params={"step": "start_contracting", "candidate": NAME, "candidate_id": candidate.pk},
    )
    unrelated = Event.objects.create(eoi=recruiting_eoi, kind=Event.Kind.MESSAGE, note="Termin am Montag")

    anonymise(candidate, by=cim_recruiter)

    selected.refresh_from_db()
    candidate.refresh_from_db()
    with translation.override("de"):
        assert NAME not in selected.detail()
        assert selected.detail() == f"Ausgewählt: {candidate}"  # "anonymised candidate <number>"
    assert Event.objects.get(pk=unrelated.pk).note == "Termin am Montag"


def test_anonymise_twice_is_harmless(cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    first = anonymise(candidate, by=cim_recruiter).anonymised_at
    assert anonymise(candidate, by=cim_recruiter).anonymised_at == first


def test_a_placed_candidate_is_not_anonymised(eoi, people, specialist):
    placement = make_placement(eoi, specialist=specialist, **people)
    with pytest.raises(ValueError):
        anonymise(placement.candidate, by=people["staff"])


def test_an_anonymised_candidate_cannot_be_saved(cim_recruiter):
    candidate = anonymise(new_candidate(by=cim_recruiter), by=cim_recruiter)
    with pytest.raises(ValueError):
        save_candidate(candidate, by=cim_recruiter)


# --- the nightly task and the command ----------------------------------------------------------


def past_deadline(candidate):
    Candidate.objects.filter(pk=candidate.pk).update(retention_until=today() - datetime.timedelta(days=1))


def test_nightly_task_anonymises_only_never_placed_candidates_past_the_deadline(eoi, people, specialist):
    expired = new_candidate(by=people["staff"])
    past_deadline(expired)
    current = new_candidate(by=people["staff"], email="current@example.org")
    placed = make_placement(eoi, specialist=specialist, **people).candidate
    past_deadline(placed)

    assert anonymise_expired_candidates() == 1
    assert anonymise_expired_candidates() == 0  # safe to run twice

    expired.refresh_from_db(), current.refresh_from_db(), placed.refresh_from_db()
    assert expired.anonymised_at is not None and expired.name == ""
    assert current.anonymised_at is None and current.name == NAME
    assert placed.anonymised_at is None and placed.name == specialist.name


def test_the_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "placements.tasks.anonymise_expired_candidates" in tasks


def test_management_command_dry_run_changes_nothing(cim_recruiter, capsys):
    candidate = new_candidate(by=cim_recruiter)
    past_deadline(candidate)
    call_command("anonymise_candidates", "--dry-run")
    candidate.refresh_from_db()
    assert candidate.anonymised_at is None
    assert f"candidate {candidate.pk}" in capsys.readouterr().out

    call_command("anonymise_candidates")
    candidate.refresh_from_db()
    assert candidate.anonymised_at is not None


# --- data export -------------------------------------------------------------------------------


def test_export_contains_the_json_and_the_cv(cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    with zipfile.ZipFile(io.BytesIO(export_data(candidate))) as archive:
        data = json.loads(archive.read("candidate.json"))
        assert archive.read(f"cv/CV {NAME}.pdf") == PDF_BYTES
    assert data["name"] == NAME and data["email"] == EMAIL and data["nationalities"] == ["DE", "NA"]
    assert data["date_of_birth"] == "1985-04-02" and data["consent_text_version"] == "2026-11"


# --- the portal pages: access ------------------------------------------------------------------


def detail(candidate):
    return reverse("placements:candidate_detail", args=[candidate.pk])


def test_a_recruiter_sees_own_candidates_and_those_of_their_channel(client, cim_recruiter, giz_recruiter, staff):
    own = new_candidate(by=giz_recruiter, name="Own Candidate")
    other = new_candidate(by=cim_recruiter, name="Other Channel")
    client.force_login(giz_recruiter)
    listing = client.get(reverse("placements:candidate_list"))
    assert listing.status_code == 200
    assert "Own Candidate" in listing.content.decode() and "Other Channel" not in listing.content.decode()
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    client.force_login(staff)
    assert client.get(detail(other)).status_code == 200


def test_candidates_of_an_eoi_are_shared_within_its_channel(client, recruiting_eoi, cim_recruiter, giz_recruiter):
    candidate = new_candidate(by=None, applied_for=recruiting_eoi)  # recorded by another CIM colleague, say
    client.force_login(cim_recruiter)
    assert client.get(detail(candidate)).status_code == 200
    client.force_login(giz_recruiter)
    assert client.get(detail(candidate)).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "specialist", "german_contact", "giz_recruiter"])
@pytest.mark.parametrize("name", ["candidate_detail", "candidate_edit", "candidate_cv", "candidate_export"])
def test_wrong_people_get_404(client, personas, cim_recruiter, persona, name):
    candidate = new_candidate(by=cim_recruiter)
    client.force_login(personas[persona])
    assert client.get(reverse(f"placements:{name}", args=[candidate.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "specialist", "german_contact"])
@pytest.mark.parametrize("name", ["candidate_list", "candidate_create"])
def test_non_recruiters_get_403_on_the_list(client, personas, persona, name):
    client.force_login(personas[persona])
    assert client.get(reverse(f"placements:{name}")).status_code == 403


def test_anonymous_is_sent_to_log_in(client, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    for url in (reverse("placements:candidate_list"), detail(candidate)):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_an_anonymised_candidate_is_listed_as_such_and_cannot_be_edited(client, cim_recruiter):
    candidate = anonymise(new_candidate(by=cim_recruiter), by=cim_recruiter)
    client.force_login(cim_recruiter)
    html = client.get(reverse("placements:candidate_list")).content.decode()
    assert str(candidate) in html and NAME not in html
    assert client.get(reverse("placements:candidate_edit", args=[candidate.pk])).status_code == 403
    assert client.get(reverse("placements:candidate_cv", args=[candidate.pk])).status_code == 404
    assert client.get(detail(candidate)).status_code == 200


def test_search_by_name_and_by_expertise(client, cim_recruiter):
    new_candidate(by=cim_recruiter, name="Berta Abfall", expertise=["waste"], cv=False)
    new_candidate(by=cim_recruiter, name="Carl Klima", expertise=["climate"], cv=False)
    client.force_login(cim_recruiter)
    url = reverse("placements:candidate_list")
    by_name = client.get(url, {"q": "berta"}).content.decode()
    assert "Berta Abfall" in by_name and "Carl Klima" not in by_name
    by_code = client.get(url, {"q": "climate"}).content.decode()
    assert "Carl Klima" in by_code and "Berta Abfall" not in by_code
    by_label = client.get(url, {"q": "klimawandel"}).content.decode()  # the theme's label in the reader's language
    assert "Carl Klima" in by_label and "Berta Abfall" not in by_label


# --- the portal pages: create, edit, detail, downloads -----------------------------------------


def form_data(**changes):
    data = {
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "nationalities": ["DE"],
        "date_of_birth": "1985-04-02",
        "expertise": ["waste"],
        "years_of_experience": "7",
        "vocational_training": "on",
        "qualification": "Civil engineer",
        "available_from": "2027-01-01",
        "language_1": "en",
        "level_1": "C1",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_create_with_a_cv(client, cim_recruiter, settings):
    client.force_login(cim_recruiter)
    cv = SimpleUploadedFile("../Lebenslauf Ada.pdf", PDF_BYTES, content_type="application/octet-stream")
    response = client.post(reverse("placements:candidate_create"), form_data(cv_upload=cv))
    candidate = Candidate.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(candidate)
    assert candidate.created_by == cim_recruiter
    assert candidate.cv_name == "Lebenslauf Ada.pdf"
    assert candidate.cv.name.startswith("candidate-cvs/") and candidate.cv.name.endswith(".pdf")
    assert "Ada" not in candidate.cv.name
    assert candidate.languages == [{"language": "en", "level": "C1"}]
    assert candidate.consent_text_version == settings.CANDIDATE_CONSENT_VERSION and candidate.consent_given_at
    assert candidate.retention_until == add_months(today(), 6)


def test_a_renamed_executable_is_refused_and_the_input_kept(client, cim_recruiter):
    client.force_login(cim_recruiter)
    cv = SimpleUploadedFile("cv.pdf", EXE_BYTES, content_type="application/pdf")
    response = client.post(reverse("placements:candidate_create"), form_data(cv_upload=cv))
    assert response.status_code == 200
    assert response.context["form"].has_error("cv_upload", code="file_type")
    assert f'value="{NAME}"' in response.content.decode()
    assert not Candidate.objects.exists()


def test_a_too_large_cv_is_refused(client, cim_recruiter, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    client.force_login(cim_recruiter)
    cv = SimpleUploadedFile("cv.pdf", PDF_BYTES)
    response = client.post(reverse("placements:candidate_create"), form_data(cv_upload=cv))
    assert "cv_upload" in response.context["form"].errors and not Candidate.objects.exists()


def test_bad_input_keeps_the_input_and_says_why(client, cim_recruiter):
    client.force_login(cim_recruiter)
    response = client.post(
        reverse("placements:candidate_create"),
        form_data(email="not-an-address", consent=None, level_1="", date_of_birth="2999-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"email", "consent", "level_1", "date_of_birth"} <= set(errors)
    html = response.content.decode()
    assert 'value="not-an-address"' in html and f'value="{NAME}"' in html and 'value="Civil engineer"' in html
    assert not Candidate.objects.exists()


def test_edit_replaces_the_cv_and_keeps_the_consent(client, cim_recruiter, django_capture_on_commit_callbacks):
    candidate = new_candidate(by=cim_recruiter)
    old_cv, consent = candidate.cv.name, candidate.consent_given_at
    client.force_login(cim_recruiter)
    page = client.get(reverse("placements:candidate_edit", args=[candidate.pk]))
    assert page.status_code == 200 and 'value="en" selected' in page.content.decode()
    cv = SimpleUploadedFile("new.pdf", PDF_BYTES)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("placements:candidate_edit", args=[candidate.pk]), form_data(name="Ada W.", cv_upload=cv)
        )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.name == "Ada W." and candidate.cv_name == "new.pdf"
    assert candidate.consent_given_at == consent
    assert not default_storage.exists(old_cv) and default_storage.exists(candidate.cv.name)


def test_recruiter_may_only_pick_an_eoi_of_their_channel(client, recruiting_eoi, giz_recruiter, cim_recruiter):
    client.force_login(giz_recruiter)
    response = client.post(reverse("placements:candidate_create"), form_data(applied_for=recruiting_eoi.pk))
    assert "applied_for" in response.context["form"].errors
    client.force_login(cim_recruiter)
    response = client.post(reverse("placements:candidate_create"), form_data(applied_for=recruiting_eoi.pk))
    assert response.status_code == 302 and Candidate.objects.get().applied_for == recruiting_eoi


def test_detail_shows_eligibility_per_model_against_the_eoi(client, recruiting_eoi, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi, nationalities=["US"], cv=False)
    client.force_login(cim_recruiter)
    response = client.get(detail(candidate))
    rows = {row["model"]: row["reasons"] for row in response.context["eligibility"]}
    assert set(rows) == {"integrated", "development_worker", "local"}
    assert rows["integrated"] and rows["local"]
    assert 'id="eligibility"' in response.content.decode()


def test_cv_download_is_private_and_an_attachment(client, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    client.force_login(cim_recruiter)
    response = client.get(reverse("placements:candidate_cv", args=[candidate.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_export_download(client, staff, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    client.force_login(staff)
    response = client.get(reverse("placements:candidate_export", args=[candidate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="candidate-{candidate.pk}.zip"'
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert set(archive.namelist()) == {"candidate.json", f"cv/CV {NAME}.pdf"}


# --- the admin ---------------------------------------------------------------------------------


def test_admin_changelist_and_change_page(client, staff, cim_recruiter):
    candidate = new_candidate(by=cim_recruiter)
    client.force_login(staff)
    assert client.get(reverse("admin:placements_candidate_changelist"), {"q": "Wasserfeld"}).status_code == 200
    assert client.get(reverse("admin:placements_candidate_change", args=[candidate.pk])).status_code == 200
    assert client.get(reverse("admin:placements_candidate_add")).status_code == 200
    anonymise(candidate, by=staff)
    view_only = client.get(reverse("admin:placements_candidate_change", args=[candidate.pk]))
    assert view_only.status_code == 200 and not view_only.context["has_change_permission"]


def test_admin_anonymise_action_skips_placed_candidates(client, eoi, people, specialist):
    staff = people["staff"]
    pool = new_candidate(by=staff)
    placed = make_placement(eoi, specialist=specialist, **people).candidate
    client.force_login(staff)
    response = client.post(
        reverse("admin:placements_candidate_changelist"),
        {"action": "anonymise_selected", "_selected_action": [pool.pk, placed.pk]},
        follow=True,
    )
    assert response.status_code == 200
    pool.refresh_from_db(), placed.refresh_from_db()
    assert pool.anonymised_at is not None and placed.anonymised_at is None
    assert specialist.name in " ".join(str(m) for m in response.context["messages"])


def test_admin_export_action_returns_the_zip_of_one_candidate(client, staff):
    candidate = new_candidate(by=staff)
    client.force_login(staff)
    url = reverse("admin:placements_candidate_changelist")
    response = client.post(url, {"action": "export_selected", "_selected_action": [candidate.pk]})
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).read("cv/CV Ada Wasserfeld.pdf") == PDF_BYTES
    other = new_candidate(by=staff, cv=False)
    response = client.post(url, {"action": "export_selected", "_selected_action": [candidate.pk, other.pk]})
    assert response.status_code == 302


def shortlisted(recruiting_eoi, recruiter):
    candidate = new_candidate(by=recruiter, applied_for=recruiting_eoi)
    ShortlistEntry.objects.create(eoi=recruiting_eoi, candidate=candidate, added_by=recruiter)
    return candidate


def test_a_recruiter_cannot_change_the_address_of_a_shortlisted_candidate(client, recruiting_eoi, cim_recruiter):
    """The specialist's invitation goes to this address: a recruiter's own address there would take the placement."""
    candidate = shortlisted(recruiting_eoi, cim_recruiter)
    cim_recruiter.preferred_language = "en"
    cim_recruiter.save()
    client.force_login(cim_recruiter)
    page = client.get(reverse("placements:candidate_edit", args=[candidate.pk]))
    assert page.context["form"].fields["email"].disabled and "programme staff change it" in page.content.decode()
    edit = reverse("placements:candidate_edit", args=[candidate.pk])
    response = client.post(edit, form_data(name="Ada W.", email="recruiter@example.org"))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email) == ("Ada W.", EMAIL)  # the rest is saved, the address kept


def test_the_address_may_change_before_the_shortlist_and_staff_may_change_it_after(
    client, recruiting_eoi, cim_recruiter, staff
):
    free = new_candidate(by=cim_recruiter, applied_for=recruiting_eoi)
    client.force_login(cim_recruiter)
    client.post(reverse("placements:candidate_edit", args=[free.pk]), form_data(email="ada@example.net"))
    free.refresh_from_db()
    assert free.email == "ada@example.net"
    candidate = shortlisted(recruiting_eoi, cim_recruiter)
    client.force_login(staff)
    client.post(reverse("placements:candidate_edit", args=[candidate.pk]), form_data(email="ada@example.com"))
    candidate.refresh_from_db()
    assert candidate.email == "ada@example.com"
