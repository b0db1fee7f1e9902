"""The one upload check (`fachkraefte.uploads`): bounded reading, zip bombs refused, the allowed types still pass.

Issue 12, hole 5: a 398 KiB .docx whose `mimetype` member inflates to 400 MiB was accepted, and memory
rose by 800 MiB. The archives here are built cheaply: a member of a few MiB of zeros, or a directory
that merely declares the huge size.
"""

import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile, TemporaryUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from applications.messaging import MessageForm
from applications.models import Attachment, Message
from applications.uploads import AttachmentForm
from fachkraefte import uploads
from fachkraefte.uploads import DOCX, JPG, ODT, PDF, PNG, XLSX, UploadField, check_upload, detect_type
from placements.models import Candidate
from placements.views.candidates import CandidateForm

pytestmark = pytest.mark.usefixtures("media")

MiB = 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def zipped(members, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra):
    return zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>", **extra})


def noise(size):
    return random.Random(size).randbytes(size)  # does not compress: a packed size as large as the unpacked


def declaring(content, name, size):
    """The zip `content` whose directory says that member `name` unpacks to `size` bytes."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name.encode():
            struct.pack_into("<L", data, at + 24, size)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(name).file_size == size
    return bytes(data)


def four_mib_of_zeros():
    """A DOCX whose `mimetype` member unpacks 4 MiB of zeros from a few KiB (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", bytes(4 * MiB))
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def reported_bomb():
    """As reported: a small DOCX whose `mimetype` member says it unpacks to 400 MiB."""
    return declaring(four_mib_of_zeros(), "mimetype", 400 * MiB)


def upload_of(content, name="letter.docx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media):
    return [path for path in Path(media).rglob("*") if path.is_file()]


def english(user):
    user.preferred_language = "en"
    user.save()
    return user


# --- the zip bomb through each of the three uploads -----------------------------------------------


def test_a_zip_bomb_is_refused_as_an_eoi_attachment(client, eoi, german_contact, media):
    client.force_login(english(german_contact))
    url = reverse("applications:attachment_upload", args=[eoi.pk])
    response = client.post(url, {"file": upload_of(reported_bomb()), "description": "Council resolution"})
    assert response.status_code == 302 and response["Location"] == reverse("applications:detail", args=[eoi.pk])
    [message] = [str(m) for m in response.wsgi_request._messages]
    assert "This archive is not allowed: it would unpack to an unreasonable size." in message
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_zip_bomb_is_refused_as_a_message_attachment(client, eoi, german_contact, media):
    client.force_login(english(german_contact))
    data = {"body": "Here is the letter we promised.", "attachment": upload_of(reported_bomb())}
    response = client.post(reverse("applications:message_post", args=[eoi.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This archive is not allowed: it would unpack to an unreasonable size." in html
    assert "Here is the letter we promised." in html  # the text is kept
    assert not Message.objects.exists() and stored_files(media) == []


def test_a_zip_bomb_is_refused_as_a_cv(client, cim_recruiter, media):
    client.force_login(english(cim_recruiter))
    data = {
        "name": "Ada Wasserfeld",
        "email": "ada@example.org",
        "consent": "on",
        "cv_upload": upload_of(reported_bomb()),
    }
    response = client.post(reverse("placements:candidate_create"), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("cv_upload", code="archive_size")
    html = response.content.decode()
    assert "This archive is not allowed: it would unpack to an unreasonable size." in html
    assert 'value="Ada Wasserfeld"' in html and 'value="ada@example.org"' in html
    assert not Candidate.objects.exists() and stored_files(media) == []


def test_each_upload_form_uses_the_one_field_and_check():
    fields = [
        AttachmentForm.base_fields["file"],
        MessageForm.base_fields["attachment"],
        CandidateForm.base_fields["cv_upload"],
    ]
    assert all(isinstance(field, UploadField) for field in fields)
    bomb = reported_bomb()
    for form, field in [
        (AttachmentForm(data={}, files={"file": upload_of(bomb)}), "file"),
        (MessageForm(data={"body": "Hello"}, files={"attachment": upload_of(bomb)}), "attachment"),
    ]:
        assert not form.is_valid()
        assert list(form.errors) == [field] and form.has_error(field, code="archive_size")


# --- the limits one by one -------------------------------------------------------------------------


def refusal_code(content, name="letter.docx"):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload_of(content, name))
    return refused.value.code


def test_a_member_with_an_absurd_ratio_is_refused():
    assert refusal_code(four_mib_of_zeros()) == "archive_size"


def test_a_member_declaring_a_huge_size_is_refused():
    assert refusal_code(declaring(docx(), "word/document.xml", 400 * MiB)) == "archive_size"


def test_too_much_declared_in_all_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", MiB)
    parts = {f"word/media/image{i}.png": noise(400 * 1024) for i in range(3)}  # 1.2 MiB, none compressible
    assert refusal_code(docx(**parts)) == "archive_size"
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 2 * MiB)
    assert check_upload(upload_of(docx(**parts))).file_type == DOCX


def test_a_large_member_that_compresses_reasonably_passes():
    text = b"".join(b"<w:p>Paragraph %d of the council resolution.</w:p>" % i for i in range(40_000))
    content = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": text}, zipfile.ZIP_DEFLATED)
    assert len(text) > uploads.RATIO_CHECKED_FROM
    assert check_upload(upload_of(content)).file_type == DOCX


def test_too_many_members_are_refused():
    many = {f"word/part{i}.xml": "" for i in range(uploads.MAX_MEMBERS)}  # with the two of docx(): 1002
    assert refusal_code(docx(**many)) == "archive_members"
    at_the_limit = {f"word/part{i}.xml": "" for i in range(uploads.MAX_MEMBERS - 2)}
    assert check_upload(upload_of(docx(**at_the_limit))).file_type == DOCX


def test_a_directory_larger_than_the_read_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_READ_LIMIT", 4 * 1024)
    long_names = {f"word/{'x' * 200}{i}.xml": "" for i in range(30)}  # about 7 KiB of directory
    assert refusal_code(docx(**long_names)) == "archive_members"


def test_too_many_members_says_how_many_are_allowed():
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            check_upload(upload_of(docx(**{f"p{i}": "" for i in range(1001)})))
        assert refused.value.messages == ["This archive is not allowed: it holds more than 1000 files."]


# --- reading a bounded part only -------------------------------------------------------------------


class CountingBytes(io.BytesIO):
    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def counted_upload(name, content):
    return InMemoryUploadedFile(CountingBytes(content), "file", name, "application/octet-stream", len(content), None)


LARGE = [
    ("scan.pdf", b"%PDF-1.7\n" + noise(5 * MiB), PDF),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + noise(5 * MiB), JPG),
    ("letter.docx", docx(**{"word/media/image1.png": noise(5 * MiB)}), DOCX),
    ("letter.odt", zipped({"mimetype": ODT_MIMETYPE, "Pictures/1.png": noise(5 * MiB), "content.xml": "<o/>"}), ODT),
]


@pytest.mark.parametrize(("name", "content", "file_type"), LARGE, ids=[name for name, *_ in LARGE])
def test_telling_the_type_reads_a_bounded_part_of_the_file(name, content, file_type):
    upload = counted_upload(name, content)
    form = AttachmentForm(data={}, files={"file": upload})
    assert form.is_valid(), form.errors
    assert upload.file.bytes_read <= uploads.HEAD_BYTES + uploads.ZIP_READ_LIMIT
    assert upload.file.bytes_read < len(content) // 20
    assert form.cleaned_data["file"].file_type == file_type
    assert upload.tell() == 0  # rewound, for saving


def test_an_upload_kept_on_disk_is_checked_in_place():
    content = docx(**{"word/media/image1.png": noise(3 * MiB)})
    upload = TemporaryUploadedFile("letter.docx", "application/octet-stream", len(content), None)
    upload.write(content)
    checked = check_upload(upload)
    assert checked.file_type == DOCX and upload.tell() == 0 and upload.read() == content
    upload.close()


def test_the_mimetype_member_is_never_read_whole(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ZipFile.read unpacks a whole member")

    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    odt = zipped({"mimetype": ODT_MIMETYPE, "content.xml": "<o/>"}, zipfile.ZIP_DEFLATED)
    assert detect_type(io.BytesIO(odt)) == ODT
    assert refusal_code(reported_bomb()) == "archive_size"


def test_a_mimetype_member_packed_in_a_way_zipfile_cannot_bound_is_not_read():
    odt = zipped({"mimetype": ODT_MIMETYPE, "content.xml": "<o/>"}, zipfile.ZIP_BZIP2)
    assert detect_type(io.BytesIO(odt)) is None


# --- the allowed types still pass ------------------------------------------------------------------


def real_xlsx():
    workbook = Workbook()
    workbook.active.append(["Budget", 12_500])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes():
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


VALID = [
    ("Beschluss.pdf", b"%PDF-1.4\n" + noise(50 * 1024) + b"\n%%EOF\n", PDF),
    ("letter.docx", zipped({"[Content_Types].xml": "<T/>", "word/document.xml": "<w/>"}, zipfile.ZIP_DEFLATED), DOCX),
    ("budget.xlsx", None, XLSX),  # made by openpyxl in the test
    ("letter.odt", zipped({"mimetype": ODT_MIMETYPE, "META-INF/manifest.xml": "<m/>"}), ODT),
    ("plan.png", png_bytes() + noise(20 * 1024), PNG),
    ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + noise(20 * 1024) + b"\xff\xd9", JPG),
]


@pytest.mark.parametrize(("name", "content", "file_type"), VALID, ids=[name for name, *_ in VALID])
def test_the_allowed_types_pass(name, content, file_type):
    upload = upload_of(content if content is not None else real_xlsx(), name)
    checked = check_upload(upload)
    assert (checked.file_type, checked.original_name, checked.file) == (file_type, name, upload)


def test_empty_too_large_and_other_types_are_refused_with_their_reasons(settings):
    assert refusal_code(b"", "empty.pdf") == "empty"
    assert refusal_code(b"MZ\x90\x00" + bytes(100), "report.pdf") == "file_type"
    settings.ATTACHMENT_MAX_BYTES = 10
    assert refusal_code(b"%PDF-1.4 and more", "big.pdf") == "file_size"


def test_help_text_shows_the_limit_as_it_is_now(settings):
    settings.ATTACHMENT_MAX_BYTES = 3 * MiB
    assert filesizeformat(3 * MiB) in str(AttachmentForm()["file"].help_text)
    assert "PDF, DOCX, XLSX, ODT, JPG, PNG" in str(MessageForm()["attachment"].help_text)
