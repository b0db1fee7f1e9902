"""The EOI as PDF: ask for one in a language, watch it being prepared, download it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.documents import request_document
from applications.permissions import get_document_for_user, get_eoi_for_user
from fachkraefte.downloads import private_download


@login_required
@require_POST
def request_pdf(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Please choose one of the languages offered for the PDF."))
        return redirect("applications:detail", pk)
    request_document(eoi, language, by=request.user)
    messages.success(request, _("The PDF is being prepared. It will be listed for download in a moment."))
    return redirect("applications:detail", pk)


@login_required
def download(request, pk, document_pk):
    eoi, document = get_document_for_user(request.user, pk, document_pk)
    if not document.file:
        raise Http404
    filename = f"interessensbekundung-{eoi.pk}-{document.language}.pdf"
    return private_download(request, document, document.file, filename, "application/pdf")


@login_required
def status_partial(request, pk):
    """The documents card alone, for htmx to refresh while a PDF is being prepared."""
    eoi, _access = get_eoi_for_user(request.user, pk)
    context = {"eoi": eoi, "documents": eoi.documents.order_by("-requested_at")}
    return render(request, "applications/_documents.html", context)
