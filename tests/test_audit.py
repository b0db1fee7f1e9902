"""The security log: logins, failed logins, logouts, refused accesses, exports and downloads, with user, IP, time."""

import datetime
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applications import dossier, services
from applications.models import Event, Message
from fachkraefte.models import AuditEntry, OutboundEmail
from partnerships.models import Role
from tests.factories import PASSWORD, UserFactory

Kind = AuditEntry.Kind
IP = "203.0.113.9"


def entries(kind):
    return list(AuditEntry.objects.filter(kind=kind).order_by("pk"))


def only(kind):
    found = entries(kind)
    assert len(found) == 1, found
    return found[0]


def assert_recent(entry):
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def get(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params, REMOTE_ADDR=IP)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)  # a download is handed out only when read
    return response


# --- logins --------------------------------------------------------------------------------------------
def test_a_login_is_logged_with_user_ip_and_time(client, german_contact):
    response = client.post(reverse("login"), {"username": german_contact.email, "password": PASSWORD}, REMOTE_ADDR=IP)
    assert response.status_code == 302
    entry = only(Kind.LOGIN)
    assert (entry.user, entry.username, entry.ip_address) == (german_contact, german_contact.email, IP)
    assert entry.path == reverse("login")
    assert_recent(entry)


def test_a_failed_login_keeps_the_name_given_and_never_the_password(client, german_contact):
    response = client.post(
        reverse("login"), {"username": german_contact.email, "password": "not-my-password-42"}, REMOTE_ADDR=IP
    )
    assert response.status_code == 200
    entry = only(Kind.LOGIN_FAILED)
    assert (entry.user, entry.username, entry.ip_address) == (None, german_contact.email, IP)
    assert_recent(entry)
    assert not AuditEntry.objects.filter(detail__contains="not-my-password").exists()
    assert not entries(Kind.LOGIN)


def test_an_unknown_login_name_is_logged_as_given(client, db):
    client.post(reverse("login"), {"username": "nobody@example.org", "password": "x" * 12}, REMOTE_ADDR=IP)
    assert only(Kind.LOGIN_FAILED).username == "nobody@example.org"


def test_a_locked_out_attempt_is_logged_too(client, german_contact):
    for _ in range(6):
        last = client.post(reverse("login"), {"username": german_contact.email, "password": "wrong"}, REMOTE_ADDR=IP)
    assert last.status_code == 429
    assert len(entries(Kind.LOGIN_FAILED)) == 6


def test_a_logout_is_logged(client, german_contact):
    client.force_login(german_contact)
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    entry = only(Kind.LOGOUT)
    assert (entry.user, entry.ip_address) == (german_contact, IP)


# --- refused access ------------------------------------------------------------------------------------
def test_another_municipalitys_eoi_is_refused_and_logged_once(client, outsider, eoi):
    client.force_login(outsider)
    assert get(client, "applications:detail", eoi.pk).status_code == 404
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.user, entry.ip_address) == (outsider, IP)
    assert (entry.object_type, entry.object_id) == ("applications.expressionofinterest", str(eoi.pk))
    assert entry.path == reverse("applications:detail", args=[eoi.pk])
    assert_recent(entry)


def test_an_eoi_that_does_not_exist_is_not_a_refusal(client, outsider, eoi):
    client.force_login(outsider)
    assert get(client, "applications:detail", eoi.pk + 1000).status_code == 404
    assert not entries(Kind.ACCESS_REFUSED)


def test_members_and_staff_who_may_see_the_eoi_leave_no_refusal(client, german_contact, staff, eoi):
    for user in (german_contact, staff):
        client.force_login(user)
        assert get(client, "applications:detail", eoi.pk).status_code == 200
    assert not entries(Kind.ACCESS_REFUSED)


def test_a_reader_who_tries_to_write_is_refused_and_logged(client, viewer, eoi, media):
    client.force_login(viewer)
    upload = ContentFile(b"%PDF-1.4 x", name="x.pdf")
    response = client.post(reverse("applications:attachment_upload", args=[eoi.pk]), {"file": upload})
    assert response.status_code == 403
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.user, entry.object_id, entry.detail) == (viewer, str(eoi.pk), "read only")


def test_another_eois_attachment_under_ones_own_eoi_is_logged(client, german_contact, eoi_world, partnership):
    other = services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    client.force_login(german_contact)
    attachment = eoi_world["attachment"]
    assert get(client, "applications:attachment_download", other.pk, attachment.pk).status_code == 404
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.object_type, entry.object_id) == ("applications.attachment", str(attachment.pk))
    assert not entries(Kind.DOWNLOAD)


def test_an_internal_message_attachment_is_refused_to_members(client, german_contact, eoi, staff, media):
    message = Message.objects.create(
        eoi=eoi, author=staff, body="Intern", internal=True, attachment=ContentFile(b"x", name="i.pdf")
    )
    client.force_login(german_contact)
    assert get(client, "applications:message_attachment", eoi.pk, message.pk).status_code == 404
    assert only(Kind.ACCESS_REFUSED).object_type == "applications.message"
    assert not entries(Kind.DOWNLOAD)


def test_another_channels_candidate_is_refused_and_logged(client, giz_recruiter, world):
    client.force_login(giz_recruiter)
    candidate = world["candidate"]  # recorded by the CIM recruiter
    assert get(client, "placements:candidate_detail", candidate.pk).status_code == 404
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.object_type, entry.object_id) == ("placements.candidate", str(candidate.pk))
    assert get(client, "placements:candidate_detail", candidate.pk + 1000).status_code == 404
    assert len(entries(Kind.ACCESS_REFUSED)) == 1


def test_another_placement_is_refused_and_logged(client, outsider, world):
    client.force_login(outsider)
    placement = world["placement"]
    assert get(client, "placements:placement_detail", placement.pk).status_code == 404
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.object_type, entry.object_id) == ("placements.placement", str(placement.pk))


def test_another_specialists_own_events_are_refused_and_logged(client, world):
    other = UserFactory(roles=[Role.SPECIALIST])
    client.force_login(other)
    placement = world["placement"]
    assert get(client, "placements:own_event_list", placement.pk).status_code == 404
    entry = only(Kind.ACCESS_REFUSED)
    assert (entry.user, entry.object_type, entry.object_id) == (other, "placements.placement", str(placement.pk))
    assert get(client, "placements:own_event_list", placement.pk + 1000).status_code == 404
    assert len(entries(Kind.ACCESS_REFUSED)) == 1


def test_staff_may_read_but_not_write_a_specialists_own_events(client, staff, world):
    client.force_login(staff)
    placement = world["placement"]
    assert get(client, "placements:own_event_list", placement.pk).status_code == 200
    assert not entries(Kind.ACCESS_REFUSED)
    assert client.post(reverse("placements:own_event_create", args=[placement.pk]), {}).status_code == 403
    assert only(Kind.ACCESS_REFUSED).detail == "read only"


# --- downloads -----------------------------------------------------------------------------------------
def assert_one_download(user, obj, filename_part=""):
    entry = only(Kind.DOWNLOAD)
    assert (entry.user, entry.ip_address) == (user, IP)
    assert (entry.object_type, entry.object_id) == (obj._meta.label_lower, str(obj.pk))
    assert filename_part in entry.detail
    assert_recent(entry)


def test_an_eoi_attachment_download_is_logged(client, german_contact, eoi_world):
    client.force_login(german_contact)
    attachment = eoi_world["attachment"]
    assert get(client, "applications:attachment_download", eoi_world["eoi"].pk, attachment.pk).status_code == 200
    assert_one_download(german_contact, attachment, "a.pdf")


def test_a_message_attachment_download_is_logged(client, viewer, eoi_world):
    client.force_login(viewer)
    message = eoi_world["message"]
    assert get(client, "applications:message_attachment", eoi_world["eoi"].pk, message.pk).status_code == 200
    assert_one_download(viewer, message, "m.pdf")


def test_an_eoi_pdf_download_is_logged(client, partner_contact, eoi_world):
    client.force_login(partner_contact)
    document = eoi_world["document"]
    assert get(client, "applications:pdf_download", eoi_world["eoi"].pk, document.pk).status_code == 200
    assert_one_download(partner_contact, document, f"interessensbekundung-{eoi_world['eoi'].pk}")


def test_a_terms_pdf_download_is_logged(client, german_contact, eoi_world):
    client.force_login(german_contact)
    terms = eoi_world["terms"]
    assert get(client, "applications:terms_pdf", eoi_world["eoi"].pk, terms.number).status_code == 200
    assert_one_download(german_contact, terms, "terms-of-reference")


def test_a_cv_download_is_logged(client, cim_recruiter, world):
    client.force_login(cim_recruiter)
    candidate = world["candidate"]
    assert get(client, "placements:candidate_cv", candidate.pk).status_code == 200
    assert_one_download(cim_recruiter, candidate)


def test_a_cv_download_from_the_shortlist_is_logged(client, staff, world):
    client.force_login(staff)
    entry = world["shortlist_entry"]
    assert get(client, "placements:shortlist_cv", entry.pk).status_code == 200
    assert_one_download(staff, entry.candidate)


def test_a_report_pdf_download_is_logged(client, specialist, world):
    client.force_login(specialist)
    report = world["report"]
    assert get(client, "placements:report_pdf", world["placement"].pk, report.pk).status_code == 200
    assert_one_download(specialist, report, "report-")


def test_a_file_that_is_gone_is_not_logged_as_handed_out(client, german_contact, eoi_world):
    attachment = eoi_world["attachment"]
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(german_contact)
    assert get(client, "applications:attachment_download", eoi_world["eoi"].pk, attachment.pk).status_code == 404
    assert not entries(Kind.DOWNLOAD)


def test_a_dossier_download_is_logged(client, staff, world):
    eoi = world["eoi"]
    name = dossier.build(eoi.pk, staff.pk)
    event = Event.objects.get(kind=Event.Kind.EXPORTED, note=name)
    client.force_login(staff)
    assert get(client, "admin:applications_expressionofinterest_dossier", event.pk).status_code == 200
    assert_one_download(staff, eoi, ".zip")


# --- exports -------------------------------------------------------------------------------------------
def test_the_spreadsheet_export_is_logged_with_its_filter(client, staff, eoi):
    client.force_login(staff)
    response = get(client, "admin:applications_expressionofinterest_export", "xlsx", status__exact="draft")
    assert response.status_code == 200
    entry = only(Kind.EXPORT)
    assert (entry.user, entry.ip_address) == (staff, IP)
    assert entry.detail == "xlsx: status__exact=draft"


def test_a_refused_export_is_not_logged(client, eoi):
    client.force_login(UserFactory(is_staff=True))
    assert get(client, "admin:applications_expressionofinterest_export", "csv").status_code == 403
    assert not entries(Kind.EXPORT)


def test_ordering_dossiers_is_logged_per_eoi(client, staff, world):
    client.force_login(staff)
    eois = [world["eoi"], world["dialogue_eoi"]]
    response = client.post(
        reverse("admin:applications_expressionofinterest_changelist"),
        {"action": "export_dossier", "_selected_action": [e.pk for e in eois]},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 302
    logged = {(e.object_id, e.detail, e.ip_address) for e in entries(Kind.EXPORT)}
    assert logged == {(str(e.pk), "dossier", IP) for e in eois}


def test_the_candidate_data_export_in_the_portal_is_logged(client, cim_recruiter, world):
    client.force_login(cim_recruiter)
    candidate = world["candidate"]
    response = get(client, "placements:candidate_export", candidate.pk)
    assert response.status_code == 200
    entry = only(Kind.EXPORT)
    assert (entry.user, entry.object_id, entry.detail) == (
        cim_recruiter,
        str(candidate.pk),
        f"candidate-{candidate.pk}.zip",
    )
    assert not entries(Kind.DOWNLOAD)


def test_the_candidate_data_export_in_the_admin_is_logged(client, staff, world):
    client.force_login(staff)
    candidate = world["candidate"]
    response = client.post(
        reverse("admin:placements_candidate_changelist"),
        {"action": "export_selected", "_selected_action": [candidate.pk]},
        REMOTE_ADDR=IP,
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "candidate.json" in archive.namelist()
    assert "no-store" in response["Cache-Control"]
    entry = only(Kind.EXPORT)
    assert (entry.user, entry.object_type, entry.object_id) == (staff, "placements.candidate", str(candidate.pk))


# --- reading the log in the admin ----------------------------------------------------------------------
@pytest.fixture
def logged(db, german_contact):
    OutboundEmail.objects.create(template="t", to=["a@example.org"], language="de", subject="Hallo", text="x")
    return AuditEntry.objects.create(kind=Kind.LOGIN_FAILED, username="someone@example.org", ip_address=IP)


def test_staff_read_the_security_log_and_the_outbox(client, staff, logged):
    client.force_login(staff)
    log = client.get(reverse("admin:fachkraefte_auditentry_changelist"), {"q": "someone"})
    assert log.status_code == 200
    assert "someone@example.org" in log.content.decode()
    assert client.get(reverse("admin:fachkraefte_auditentry_changelist"), {"kind__exact": "login"}).status_code == 200
    outbox = client.get(reverse("admin:fachkraefte_outboundemail_changelist"), {"q": "a@example.org"})
    assert outbox.status_code == 200
    assert "Hallo" in outbox.content.decode()
    assert (
        client.get(reverse("admin:fachkraefte_outboundemail_changelist"), {"state__exact": "sent"}).status_code == 200
    )
    assert client.get(reverse("admin:fachkraefte_auditentry_change", args=[logged.pk])).status_code == 200


def test_nobody_writes_the_security_log_or_the_outbox(client, staff, logged):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    email = OutboundEmail.objects.get()
    for user in (staff, superuser):
        client.force_login(user)
        assert client.get(reverse("admin:fachkraefte_auditentry_add")).status_code == 403
        assert (
            client.post(reverse("admin:fachkraefte_auditentry_delete", args=[logged.pk]), {"post": "yes"}).status_code
            == 403
        )
        change = reverse("admin:fachkraefte_auditentry_change", args=[logged.pk])
        assert client.post(change, {"username": "forged"}).status_code == 403
        assert client.get(reverse("admin:fachkraefte_outboundemail_add")).status_code == 403
        assert (
            client.post(reverse("admin:fachkraefte_outboundemail_delete", args=[email.pk]), {"post": "yes"}).status_code
            == 403
        )
    logged.refresh_from_db()
    assert logged.username == "someone@example.org"
    assert OutboundEmail.objects.count() == 1


@pytest.mark.parametrize("persona", ["german_contact", "cim_recruiter", "specialist"])
def test_others_cannot_read_the_security_log(client, personas, persona, logged):
    client.force_login(personas[persona])
    for name in ("admin:fachkraefte_auditentry_changelist", "admin:fachkraefte_outboundemail_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_the_programme_role_cannot_read_it(client, logged):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:fachkraefte_auditentry_changelist")).status_code == 403
