"""Post to an EOI's message thread, and download a message's attachment through a checked view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import messaging
from applications.permissions import get_eoi_for_user
from applications.views import eoi as eoi_views
from fachkraefte import audit
from fachkraefte.downloads import private_download
from partnerships.roles import is_programme_staff


@login_required
@require_POST
def post_message(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk)
    if not messaging.may_post(request.user, access):
        raise PermissionDenied
    form = messaging.MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            messaging.post_message(
                eoi, form.cleaned_data["body"], by=request.user, upload=form.cleaned_data["attachment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(reverse("applications:detail", args=[pk]) + "#messages")
    # The detail page again, with the form as it was sent and why it was refused (see _messages.html).
    request.message_form = form
    return eoi_views.detail(request, pk)


@login_required
@require_GET
def message_attachment(request, pk, message_pk):
    eoi, _access = get_eoi_for_user(request.user, pk)
    message = audit.get_visible_or_404(eoi.messages.exclude(attachment=""), pk=message_pk)
    if message.internal and not is_programme_staff(request.user):
        audit.log(audit.Kind.ACCESS_REFUSED, request, obj=message, detail="internal message")
        raise Http404
    return private_download(request, message, message.attachment, message.attachment_name)
