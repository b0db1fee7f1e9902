"""Uploads: what may be uploaded, told from the content (never from the name), reading only a bounded part of it.

The one check every upload goes through (EOI attachments, message attachments, candidates' CVs):
`check_upload(upload)` returns a `CheckedUpload` or raises a ValidationError that says why, in the
reader's language. Forms use `UploadField` (the accept hint, the help text, the messages) and call
`check_upload` in their `clean_<field>`.

Telling the type never reads the whole file and never unpacks an archive: puremagic looks at the
first HEAD_BYTES; a zip-based file (DOCX, XLSX, ODT) is opened on the uploaded file itself, only its
directory is read (at most ZIP_READ_LIMIT bytes), and of its members only the first 100 bytes of
`mimetype`. An archive that declares more members or more unpacked bytes than the limits below is
refused, so a zip bomb never reaches anyone who opens it later. The limits are constants here, not
settings: they describe reasonable office documents, not a deployment.
"""

import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

MAX_NAME_LENGTH = 120
HEAD_BYTES = 8 * 1024  # what puremagic sees; every signature of the allowed types lies in it
ZIP_READ_LIMIT = 1024 * 1024  # an archive's end record and directory: ample for MAX_MEMBERS members
MAX_MEMBERS = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # the sum of the sizes the members declare
MAX_RATIO = 200  # unpacked : packed, for a member that unpacks to more than RATIO_CHECKED_FROM
RATIO_CHECKED_FROM = 1024 * 1024
MIMETYPE_BYTES = 100


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
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, EOFError, OSError, RuntimeError)


@dataclass(frozen=True)
class CheckedUpload:
    file: object  # the uploaded file, rewound
    file_type: FileType
    original_name: str


def check_upload(upload, max_bytes=None):
    """The upload's type (told from its content) and clean name, or a ValidationError saying why it is refused.

    `max_bytes` is settings.ATTACHMENT_MAX_BYTES unless given, read at each call.
    """
    limit = settings.ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    allowed = {"types": ALLOWED_LABELS}
    if not upload.size:
        raise ValidationError(_("The file is empty. Allowed are: %(types)s."), code="empty", params=allowed)
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). At most %(limit)s are allowed."),
            code="file_size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    file_type = detect_type(upload)
    if file_type is None:
        raise ValidationError(
            _("This file type is not allowed. Allowed are: %(types)s."), code="file_type", params=allowed
        )
    return CheckedUpload(upload, file_type, clean_original_name(upload.name, file_type))


def detect_type(fileobj):
    """The FileType of a seekable file's content, or None when it is none of the allowed types.

    Reads a bounded part of the file and leaves it rewound; raises ValidationError for an archive
    that would unpack to an unreasonable size.
    """
    try:
        fileobj.seek(0)
        guesses = _best_guesses(fileobj.read(HEAD_BYTES))
        if any(marker in mime for mime in guesses for marker in ZIP_MIME_MARKERS):
            return _zip_type(fileobj)
        return next((BY_MAGIC[mime] for mime in guesses if mime in BY_MAGIC), None)
    finally:
        fileobj.seek(0)


def _best_guesses(head):
    """The MIME types puremagic is most confident of for these first bytes."""
    try:
        candidates = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return []
    best = max((c.confidence for c in candidates), default=None)
    return [c.mime_type for c in candidates if c.confidence == best]


def _zip_type(fileobj):
    """DOCX, XLSX or ODT by their members' names (and ODT's `mimetype`); None for any other or broken zip."""
    try:
        with zipfile.ZipFile(_ReadLimit(fileobj, ZIP_READ_LIMIT)) as archive:
            members = archive.infolist()
            _refuse_unreasonable(members)
            names = {member.filename for member in members}
            mimetype = _start_of_mimetype(archive) if "mimetype" in names else b""
    except _ReadLimit.Exceeded as exceeded:  # a directory this large holds far too many members
        raise _too_many_members() from exceeded
    except ZIP_ERRORS:
        return None
    found = [
        kind
        for kind, present in (
            (DOCX, "word/document.xml" in names),
            (XLSX, "xl/workbook.xml" in names),
            (ODT, mimetype == ODT.content_type.encode()),
        )
        if present
    ]
    return found[0] if len(found) == 1 else None


def _refuse_unreasonable(members):
    """ValidationError for an archive with too many members or declaring an absurd unpacked size."""
    if len(members) > MAX_MEMBERS:
        raise _too_many_members()
    declared = sum(member.file_size for member in members)
    absurd = any(m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_RATIO * m.compress_size for m in members)
    if declared > MAX_UNPACKED_BYTES or absurd:
        raise ValidationError(
            _("This archive is not allowed: it would unpack to an unreasonable size."), code="archive_size"
        )


def _too_many_members():
    return ValidationError(
        _("This archive is not allowed: it holds more than %(count)s files."),
        code="archive_members",
        params={"count": MAX_MEMBERS},
    )


def _start_of_mimetype(archive):
    """The first bytes of the `mimetype` member, unpacked no further than that."""
    info = archive.getinfo("mimetype")
    # zipfile bounds what it unpacks to the size asked for only for stored and deflated members.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return b""
    with archive.open(info) as member:
        return member.read(MIMETYPE_BYTES).strip()


class _ReadLimit:
    """A file as zipfile sees it: reading more than `limit` bytes in all raises Exceeded.

    zipfile reads an archive's whole directory in one go, as large as the archive says it is.
    """

    class Exceeded(Exception):
        pass

    def __init__(self, fileobj, limit):
        self._file, self._left = fileobj, limit

    def read(self, size=-1):
        if size is None or size < 0 or size > self._left:
            size = self._left + 1  # one byte more tells whether the limit would be passed
        data = self._file.read(size)
        if len(data) > self._left:
            raise self.Exceeded
        self._left -= len(data)
        return data

    def seek(self, offset, whence=0):
        return self._file.seek(offset, whence)

    def tell(self):
        return self._file.tell()

    def seekable(self):
        return True


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


def upload_help_text(*, optional=False):
    """The allowed types and the size limit as it is now, in the reader's language."""
    values = {"types": ALLOWED_LABELS, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
    if optional:
        return _("Optional. %(types)s, at most %(limit)s.") % values
    return _("%(types)s, at most %(limit)s.") % values


def _with_allowed_types(message):
    return message % {"types": ALLOWED_LABELS}


# Worked out when shown, not at import: in the reader's language, with the limit as it is then.
_lazy_help_text = lazy(upload_help_text, str)
_lazy_with_allowed_types = lazy(_with_allowed_types, str)


class UploadField(forms.FileField):
    """A file input offering the allowed types; the form checks the upload with `check_upload` in clean_<field>."""

    def __init__(self, *, optional_hint=False, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", _lazy_help_text(optional=optional_hint))
        kwargs["error_messages"] = {
            "empty": _lazy_with_allowed_types(_("The file is empty. Allowed are: %(types)s.")),
            "invalid": _lazy_with_allowed_types(_("No file was received. Allowed are: %(types)s.")),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)
