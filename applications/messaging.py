"""The message thread of an EOI: applicants and programme staff write; staff also keep internal notes.

An internal note is for programme staff only: it records no event (the event record is shown to
applicants), tells no one, and its attachment is served to staff only.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from applications import notifications
from applications.models import Event, Message
from applications.permissions import check_may
from fachkraefte.records import record
from fachkraefte.uploads import UploadField, check_upload

EVENT_NOTE_LENGTH = 120


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write a message.")},
    )
    attachment = UploadField(label=_("Attachment"), required=False, optional_hint=True)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        return check_upload(upload).file if upload else upload  # post_message takes the upload itself


def post_message(eoi, body, *, by, internal=False, upload=None):
    """Keep a message (and its checked attachment); a message the applicants see is recorded and told."""
    body = body.strip()
    if not body:
        raise ValidationError(_("Please write a message."), code="empty")
    if internal:
        check_may(by, eoi, "internal_notes")
    checked = check_upload(upload) if upload else None
    message = Message(eoi=eoi, author=by, body=body, internal=internal)
    try:
        with transaction.atomic():
            if checked:
                # message_attachment_path takes the suffix from this name; the user's name stays in the row.
                message.attachment.save(f"upload{checked.file_type.suffix}", upload, save=False)
                message.attachment_name = checked.original_name
            message.save()
            if not internal:
                record(eoi, Event.Kind.MESSAGE, by=by, note=truncatechars(body, EVENT_NOTE_LENGTH))
                notifications.message_posted(message.pk)
    except Exception:
        if message.attachment.name:
            message.attachment.delete(save=False)  # no file without its row
        raise
    return message


def thread(eoi):
    """The messages applicants see, oldest first: never the internal notes."""
    return eoi.messages.filter(internal=False).select_related("author").order_by("created_at", "pk")
