import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from applications import services
from applications.models import Attachment, Event, ExpressionOfInterest, Participant, Status
from applications.uploads import AttachmentForm
from fachkraefte.uploads import PDF, clean_original_name, detect_type
from partnerships.models import Side
from tests import workflow


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
DOCX_BYTES = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX_BYTES = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT_BYTES = zipped({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document/>"})

SIX_TYPES = [
    ("Ratsbeschluss.pdf", PDF_BYTES, "application/pdf", ".pdf"),
    ("plan.png", PNG_BYTES, "image/png", ".png"),
    ("photo.jpeg", JPG_BYTES, "image/jpeg", ".jpg"),
    ("letter.docx", DOCX_BYTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("budget.xlsx", XLSX_BYTES, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("letter.odt", ODT_BYTES, "application/vnd.oasis.opendocument.text", ".odt"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eoi(partnership, german_contact, german_municipality, partner_municipality):
    eoi = ExpressionOfInterest.objects.create(
        partnership=partnership, specialist_model="local", created_by=german_contact
    )
    Participant.objects.create(eoi=eoi, municipality=german_municipality, side=Side.GERMAN)
    Participant.objects.create(eoi=eoi, municipality=partner_municipality, side=Side.PARTNER)
    return eoi


@pytest.fixture
def attachment(eoi, german_contact):
    return Attachment.objects.create(
        eoi=eoi,
        file=SimpleUploadedFile("x.pdf", PDF_BYTES),
        original_name="Ratsbeschluss März.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=german_contact,
    )


def submitted(eoi, german_contact, partner_contact):
    assert workflow.submitted(eoi, german_contact, partner_contact).status == Status.SUBMITTED


def upload(client, eoi, name, content, description=""):
    data = {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")}
    if description:
        data["description"] = description
    return client.post(reverse("applications:attachment_upload", args=[eoi.pk]), data)


def error_messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def stored_files(media):
    return [p for p in Path(media).rglob("*") if p.is_file()]


# --- detecting the type -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type", "suffix"), SIX_TYPES)
def test_detects_each_allowed_type_from_its_content(name, content, content_type, suffix):
    detected = detect_type(io.BytesIO(content))
    assert (detected.content_type, detected.suffix) == (content_type, suffix)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
        b"MZ\x90\x00" + b"\x00" * 100 + b"%PDF-1.4",  # a PDF marker later on does not make a PDF
        b"just some text, not a picture",
        zipped({"readme.txt": "hello"}),
        zipped({"word/document.xml": "<w/>", "xl/workbook.xml": "<x/>"}),  # which one? neither
        zipped({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"PK\x03\x04 broken zip",
        b"",
    ],
)
def test_refuses_other_content(content):
    assert detect_type(io.BytesIO(content)) is None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\me\\Desktop\\Beschluss.pdf", "Beschluss.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("report.exe", "report.exe.pdf"),
        ("no suffix", "no suffix.pdf"),
        ("bad\x00\nname.PDF", "badname.pdf"),
        ("..", "attachment.pdf"),
        ('Beschluss <1>: "final"?.pdf', "Beschluss _1__ _final__.pdf"),
    ],
)
def test_original_name_is_cleaned(given, kept):
    assert clean_original_name(given, PDF) == kept.replace("attachment", gettext("attachment"))


def test_original_name_is_limited_and_keeps_its_suffix():
    name = clean_original_name("a" * 500 + ".pdf", PDF)
    assert len(name) <= 120
    assert name.endswith(".pdf")


def test_form_error_sits_beside_the_field(settings):
    form = AttachmentForm(data={}, files={"file": SimpleUploadedFile("x.png", b"not a png at all")})
    assert not form.is_valid()
    assert list(form.errors) == ["file"]
    assert form.errors.as_data()["file"][0].code == "file_type"


# --- upload -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "content_type", "suffix"), SIX_TYPES)
def test_upload_each_allowed_type(client, eoi, german_contact, media, name, content, content_type, suffix):
    client.force_login(german_contact)
    response = upload(client, eoi, name, content, description="Resolution")
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[eoi.pk])
    attachment = eoi.attachments.get()
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.description == "Resolution"
    assert attachment.uploaded_by == german_contact
    stored = Path(attachment.file.name)
    assert stored.suffix == suffix
    assert Path(name).stem not in stored.name
    assert attachment.file.read() == content
    event = eoi.events.get(kind=Event.Kind.ATTACHMENT_ADDED)
    assert (event.actor, event.params["file"], event.detail()) == (german_contact, name, name)


def test_stored_suffix_is_the_detected_one_not_the_users(client, eoi, german_contact):
    client.force_login(german_contact)
    upload(client, eoi, "scan.pdf", PNG_BYTES)
    attachment = eoi.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    assert "scan" not in attachment.file.name
    assert attachment.original_name == "scan.pdf.png"


def assert_refused(response, eoi, media):
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[eoi.pk])
    assert not Attachment.objects.exists()
    assert not Event.objects.filter(kind=Event.Kind.ATTACHMENT_ADDED).exists()
    assert stored_files(media) == []


def test_too_big_is_refused(client, eoi, german_contact, settings, media):
    settings.ATTACHMENT_MAX_BYTES = 50
    client.force_login(german_contact)
    response = upload(client, eoi, "big.pdf", PDF_BYTES + b"x" * 100)
    assert_refused(response, eoi, media)
    assert len(error_messages(response)) == 1


def test_wrong_type_by_content_is_refused(client, eoi, german_contact, media):
    client.force_login(german_contact)
    response = upload(client, eoi, "picture.png", b"I am a text file, whatever my name says.")
    assert_refused(response, eoi, media)


def test_renamed_executable_is_refused(client, eoi, german_contact, media):
    client.force_login(german_contact)
    response = upload(client, eoi, "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200)
    assert_refused(response, eoi, media)


def test_plain_zip_is_refused(client, eoi, german_contact, media):
    client.force_login(german_contact)
    response = upload(client, eoi, "letter.docx", zipped({"hello.txt": "hi"}))
    assert_refused(response, eoi, media)


def test_empty_file_is_refused(client, eoi, german_contact, media):
    client.force_login(german_contact)
    response = upload(client, eoi, "empty.pdf", b"")
    assert_refused(response, eoi, media)


def test_refusal_says_why_in_english(client, eoi, german_contact, media):
    german_contact.preferred_language = "en"
    german_contact.save()
    client.force_login(german_contact)
    response = client.post(
        reverse("applications:attachment_upload", args=[eoi.pk]),
        {"file": SimpleUploadedFile("report.pdf", b"MZ" + b"\x00" * 100)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert_refused(response, eoi, media)
    [message] = error_messages(response)
    assert "not allowed" in message
    assert "PDF, DOCX, XLSX, ODT, JPG, PNG" in message


def test_upload_refused_when_not_editable(client, eoi, german_contact, partner_contact, media):
    submitted(eoi, german_contact, partner_contact)
    client.force_login(german_contact)
    assert upload(client, eoi, "a.pdf", PDF_BYTES).status_code == 403
    assert not Attachment.objects.exists()


def test_upload_outsider_404(client, eoi, outsider):
    client.force_login(outsider)
    assert upload(client, eoi, "a.pdf", PDF_BYTES).status_code == 404
    assert not Attachment.objects.exists()


def test_upload_viewer_403(client, eoi, viewer):
    client.force_login(viewer)
    assert upload(client, eoi, "a.pdf", PDF_BYTES).status_code == 403
    assert not Attachment.objects.exists()


def test_upload_anonymous_goes_to_login(client, eoi):
    response = upload(client, eoi, "a.pdf", PDF_BYTES)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Attachment.objects.exists()


def test_partner_contact_may_upload(client, eoi, partner_contact):
    client.force_login(partner_contact)
    assert upload(client, eoi, "a.pdf", PDF_BYTES).status_code == 302
    assert eoi.attachments.count() == 1


def test_get_on_upload_and_delete_is_405(client, eoi, german_contact, attachment):
    client.force_login(german_contact)
    assert client.get(reverse("applications:attachment_upload", args=[eoi.pk])).status_code == 405
    assert client.get(reverse("applications:attachment_delete", args=[eoi.pk, attachment.pk])).status_code == 405
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- download -----------------------------------------------------------------------------------


def download_url(eoi, attachment):
    return reverse("applications:attachment_download", args=[eoi.pk, attachment.pk])


def test_download_headers(client, eoi, german_contact, attachment):
    client.force_login(german_contact)
    response = client.get(download_url(eoi, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Ratsbeschluss%20M%C3%A4rz.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_viewer_200(client, eoi, viewer, attachment):
    client.force_login(viewer)
    assert client.get(download_url(eoi, attachment)).status_code == 200


def test_download_staff_200(client, eoi, staff, attachment):
    client.force_login(staff)
    assert client.get(download_url(eoi, attachment)).status_code == 200


def test_download_outsider_404(client, eoi, outsider, attachment):
    client.force_login(outsider)
    assert client.get(download_url(eoi, attachment)).status_code == 404


def test_attachment_of_another_eoi_is_404(client, eoi, german_contact, attachment, partnership):
    other = ExpressionOfInterest.objects.create(
        partnership=partnership, specialist_model="local", created_by=german_contact
    )
    Participant.objects.create(eoi=other, municipality=eoi.participants.first().municipality, side=Side.GERMAN)
    client.force_login(german_contact)
    assert client.get(download_url(other, attachment)).status_code == 404
    url = reverse("applications:attachment_delete", args=[other.pk, attachment.pk])
    assert client.post(url).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_missing_file_is_404_not_500(client, eoi, german_contact, attachment):
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(german_contact)
    assert client.get(download_url(eoi, attachment)).status_code == 404


def test_no_media_url_route(client, eoi, german_contact, attachment, settings):
    client.force_login(german_contact)
    assert client.get(f"/{settings.MEDIA_URL}{attachment.file.name}").status_code == 404


# --- delete -------------------------------------------------------------------------------------


def delete_url(eoi, attachment):
    return reverse("applications:attachment_delete", args=[eoi.pk, attachment.pk])


def test_delete_removes_row_and_file(
    client, eoi, german_contact, attachment, media, django_capture_on_commit_callbacks
):
    path = Path(attachment.file.path)
    assert path.exists()
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(eoi, attachment))
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not path.exists()
    event = eoi.events.get(kind=Event.Kind.ATTACHMENT_REMOVED)
    assert (event.actor, event.params["file"]) == (german_contact, "Ratsbeschluss März.pdf")


def test_delete_outsider_404(client, eoi, outsider, attachment):
    client.force_login(outsider)
    assert client.post(delete_url(eoi, attachment)).status_code == 404
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_delete_viewer_403(client, eoi, viewer, attachment):
    client.force_login(viewer)
    assert client.post(delete_url(eoi, attachment)).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_delete_refused_when_not_editable(client, eoi, german_contact, partner_contact, attachment):
    submitted(eoi, german_contact, partner_contact)
    client.force_login(german_contact)
    assert client.post(delete_url(eoi, attachment)).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()


# --- the partial ---------------------------------------------------------------------------------


def test_partial_lists_attachments_and_offers_upload_to_writers(rf, eoi, german_contact, viewer, attachment):
    from django.template.loader import render_to_string

    from applications.permissions import Access

    def render_for(user):
        request = rf.get("/")
        request.user = user
        context = {"eoi": eoi, "access": Access(user, eoi), "attachments": eoi.attachments.all()}
        return render_to_string("applications/_attachments.html", context, request=request)

    html = render_for(german_contact)
    assert download_url(eoi, attachment) in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert delete_url(eoi, attachment) in html
    html = render_for(viewer)
    assert download_url(eoi, attachment) in html
    assert "multipart/form-data" not in html
    assert delete_url(eoi, attachment) not in html


# --- the attachments belong to what is confirmed -------------------------------------------------


def confirmed_by_both(eoi, german_contact, partner_contact):
    eoi = workflow.fill(eoi, german_contact)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_contact)
    services.confirm(eoi, [partner], by=partner_contact)
    assert eoi.why_not_submittable() == []
    return eoi


@pytest.mark.parametrize("change", ["upload", "delete"])
def test_changing_the_attachments_voids_the_confirmations(
    client, eoi, german_contact, partner_contact, attachment, change
):
    """Otherwise one side could swap the documents both sides confirmed, and submit."""
    eoi = confirmed_by_both(eoi, german_contact, partner_contact)
    client.force_login(german_contact)
    if change == "upload":
        upload(client, eoi, "other.pdf", PDF_BYTES)
    else:
        client.post(delete_url(eoi, attachment))
    eoi.refresh_from_db()
    assert not eoi.confirmations.standing().exists()
    assert eoi.why_not_submittable() and eoi.events.filter(kind=Event.Kind.CONFIRMATIONS_VOIDED).exists()
    assert 'id="voided-notice"' in client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    response = client.post(reverse("applications:submit", args=[eoi.pk]))
    eoi.refresh_from_db()
    assert response.status_code in (200, 302) and eoi.status == Status.DRAFT
