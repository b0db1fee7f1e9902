"""Upload, download and delete the attachments of an EOI (a council resolution, say).

Attachments are served only through `download`, which checks access; never from MEDIA_URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.permissions import get_eoi_for_user
from applications.uploads import AttachmentForm, add_attachment, remove_attachment
from fachkraefte import audit
from fachkraefte.downloads import private_download


def _editable_eoi(user, pk):
    eoi, _access = get_eoi_for_user(user, pk, write=True)
    if not eoi.is_editable:
        raise PermissionDenied
    return eoi


@login_required
@require_POST
def upload(request, pk):
    eoi = _editable_eoi(request.user, pk)
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
    eoi, _access = get_eoi_for_user(request.user, pk)
    attachment = audit.get_visible_or_404(eoi.attachments.all(), pk=attachment_pk)
    return private_download(request, attachment, attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_POST
def delete(request, pk, attachment_pk):
    eoi = _editable_eoi(request.user, pk)
    attachment = get_object_or_404(eoi.attachments, pk=attachment_pk)
    remove_attachment(eoi, attachment, by=request.user)
    messages.success(request, _("“%(name)s” has been removed.") % {"name": attachment.original_name})
    return redirect("applications:detail", pk)
