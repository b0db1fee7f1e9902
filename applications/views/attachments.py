"""Upload, download and delete the attachments of an EOI (a council resolution, say).

Attachments are served only through `download`, which checks access; never from MEDIA_URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.permissions import get_attachment_for_user, get_eoi_for_user
from applications.uploads import AttachmentForm, add_attachment, remove_attachment
from fachkraefte.downloads import private_download


@login_required
@require_POST
def upload(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk, write="attach")
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = add_attachment(eoi, form, by=request.user)
        messages.success(request, _("“%(name)s” has been attached.") % {"name": attachment.original_name})
    else:
        reasons = " ".join(error for errors in form.errors.values() for error in errors)
        messages.error(request, _("The file could not be attached: %(reasons)s") % {"reasons": reasons})
    return redirect("applications:detail", pk)


@login_required
@require_GET
def download(request, pk, attachment_pk):
    _eoi, attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    return private_download(request, attachment, attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_POST
def delete(request, pk, attachment_pk):
    eoi, attachment = get_attachment_for_user(request.user, pk, attachment_pk, write=True)
    remove_attachment(eoi, attachment, by=request.user)
    messages.success(request, _("“%(name)s” has been removed.") % {"name": attachment.original_name})
    return redirect("applications:detail", pk)
