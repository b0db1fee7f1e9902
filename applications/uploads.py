"""Attachments of an EOI: the form that checks an upload (`fachkraefte.uploads`), and how it is kept.

The attachments belong to what the municipalities confirm: adding or removing one voids the standing
confirmations, as any edit of the content does (applications.services.void_confirmations)."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications.models import Attachment, Event
from applications.services import void_confirmations
from fachkraefte.records import record
from fachkraefte.uploads import UploadField, check_upload


class AttachmentForm(forms.Form):
    file = UploadField(label=_("File"))
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For example: council resolution of 12 March."),
    )

    def clean_file(self):
        return check_upload(self.cleaned_data["file"])


def add_attachment(eoi, form, *, by):
    """Keep a validated upload under a random name with its detected type's suffix, and record it."""
    checked = form.cleaned_data["file"]
    upload = checked.file
    upload.name = f"upload{checked.file_type.suffix}"  # attachment_path takes the suffix from this name
    attachment = Attachment(
        eoi=eoi,
        original_name=checked.original_name,
        content_type=checked.file_type.content_type,
        size=upload.size,
        description=form.cleaned_data["description"],
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            attachment.file.save(upload.name, upload, save=False)
            attachment.save()
            record(eoi, Event.Kind.ATTACHMENT_ADDED, by=by, file=attachment.original_name)
            void_confirmations(eoi, by=by)
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
        record(eoi, Event.Kind.ATTACHMENT_REMOVED, by=by, file=attachment.original_name)
        void_confirmations(eoi, by=by)
        transaction.on_commit(lambda: storage.delete(name))
