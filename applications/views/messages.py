"""Post to an EOI's message thread, and download a message's attachment through a checked view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications import messaging
from applications.permissions import get_eoi_for_user, get_message_attachment_for_user
from applications.views import eoi as eoi_views
from fachkraefte.downloads import private_download


@login_required
@require_POST
def post_message(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk, write="post_message")
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
    return eoi_views.render_detail(request, eoi, access)


@login_required
@require_GET
def message_attachment(request, pk, message_pk):
    message = get_message_attachment_for_user(request.user, pk, message_pk)
    return private_download(request, message, message.attachment, message.attachment_name)
