"""Attachments: what may be uploaded, told from the content (never from the name), and how it is kept."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from applications.models import Attachment, Event
from applications.services import record

MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class FileType:
    label: str
    suffix: str  # the stored file's suffix
    content_type: str
    suffixes: tuple = ()  # other suffixes a user's file name of this type may have


PDF = FileType("PDF", ".pdf", "application/pdf")
DOCX = FileType("DOCX", ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType("XLSX", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = FileType("ODT", ".odt", "application/vnd.oasis.opendocument.text")
JPG = FileType("JPG", ".jpg", "image/jpeg", suffixes=(".jpeg",))
PNG = FileType("PNG", ".png", "image/png")
ALLOWED_TYPES = (PDF, DOCX, XLSX, ODT, JPG, PNG)
ALLOWED_LABELS = ", ".join(t.label for t in ALLOWED_TYPES)
ACCEPT = ",".join(suffix for t in ALLOWED_TYPES for suffix in (t.suffix, *t.suffixes))

# Types puremagic recognises reliably from their first bytes, by the MIME type it reports.
BY_MAGIC = {PDF.content_type: PDF, JPG.content_type: JPG, PNG.content_type: PNG}
# puremagic cannot tell zip-based formats apart (a DOCX, an XLSX and any zip look alike): look inside.
ZIP_MIME_MARKERS = ("zip", "officedocument", "opendocument", "ms-excel", "ms-word", "ms-powerpoint")


def not_allowed():
    return ValidationError(
        _("This file type is not allowed. Allowed are: %(types)s."), code="file_type", params={"types": ALLOWED_LABELS}
    )


def detect_type(data):
    """The FileType of these bytes, or None when they are none of the allowed types."""
    try:
        candidates = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return None
    if not candidates:
        return None
    best = max(c.confidence for c in candidates)
    top = [c for c in candidates if c.confidence == best]
    if any(marker in c.mime_type for c in top for marker in ZIP_MIME_MARKERS):
        return _zip_type(data)
    return next((BY_MAGIC[c.mime_type] for c in top if c.mime_type in BY_MAGIC), None)


def _zip_type(data):
    """DOCX, XLSX or ODT by their members; only names and the tiny `mimetype` member are read (no zip bombs)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            odt = "mimetype" in names and archive.read("mimetype")[:100].strip() == ODT.content_type.encode()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    found = [
        kind
        for kind, present in ((DOCX, "word/document.xml" in names), (XLSX, "xl/workbook.xml" in names), (ODT, odt))
        if present
    ]
    return found[0] if len(found) == 1 else None


def clean_original_name(name, file_type):
    """The user's file name without any path or control characters, not too long, ending as its type does."""
    name = PurePath(str(name).replace("\\", "/")).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "_", name)  # not allowed in file names on Windows
    name = re.sub(r"\s+", " ", name).strip(" .")
    suffix = PurePath(name).suffix.lower() if name else ""
    if suffix in (file_type.suffix, *file_type.suffixes):
        stem = name[: -len(suffix)]
    else:  # "report.exe" that is really a PDF is offered for download as "report.exe.pdf"
        stem, suffix = name, file_type.suffix
    stem = stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") or str(_("attachment"))
    return stem + suffix


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For example: council resolution of 12 March."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Worked out per form, not at import: in the user's language, with the limit as it is now.
        allowed = {"types": ALLOWED_LABELS}
        field = self.fields["file"]
        field.help_text = _("%(types)s, at most %(limit)s.") % {
            **allowed,
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
        }
        field.error_messages["empty"] = _("The file is empty. Allowed are: %(types)s.") % allowed
        field.error_messages["invalid"] = _("No file was received. Allowed are: %(types)s.") % allowed

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ATTACHMENT_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("The file is too large (%(size)s). At most %(limit)s are allowed."),
                code="file_size",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        file_type = detect_type(data)
        if file_type is None:
            raise not_allowed()
        self.file_type = file_type
        self.original_name = clean_original_name(upload.name, file_type)
        return upload


def add_attachment(eoi, form, *, by):
    """Keep a validated upload under a random name with its detected type's suffix, and record it."""
    upload = form.cleaned_data["file"]
    upload.name = f"upload{form.file_type.suffix}"  # attachment_path takes the suffix from this name
    attachment = Attachment(
        eoi=eoi,
        original_name=form.original_name,
        content_type=form.file_type.content_type,
        size=upload.size,
        description=form.cleaned_data["description"],
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
            record(eoi, Event.Kind.ATTACHMENT_ADDED, by=by, note=attachment.original_name)
    except Exception:
        if attachment.file.name:
            attachment.file.delete(save=False)  # no file without its row
        raise
    return attachment


def remove_attachment(eoi, attachment, *, by):
    """Delete the row and record it; the file goes once the deletion is committed."""
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        attachment.delete()
        record(eoi, Event.Kind.ATTACHMENT_REMOVED, by=by, note=attachment.original_name)
        transaction.on_commit(lambda: storage.delete(name))
