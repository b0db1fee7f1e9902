"""The needs dialogue in the portal: the versions of the terms of reference, a new version, agreeing, the PDF."""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import dialogue
from applications.dialogue_forms import TermsForm
from applications.models import Status, TermsOfReference
from applications.permissions import get_eoi_for_user, get_terms_for_user
from fachkraefte.downloads import private_download
from fachkraefte.pdf import render_pdf


@login_required
def terms(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk)
    versions = list(eoi.terms.select_related("created_by").prefetch_related("agreements__agreed_by"))
    newest = versions[0] if versions else None
    context = {
        "eoi": eoi,
        "access": access,
        "versions": [(v, dialogue.rows(v), dialogue.parties(eoi, v), v.is_agreed()) for v in versions],
        "newest": newest,
        "may_propose": eoi.status == Status.NEEDS_DIALOGUE and access.can_propose_terms,
        "compare": dialogue.compare(versions[1], newest) if len(versions) > 1 else [],
    }
    if newest is not None and eoi.status == Status.NEEDS_DIALOGUE:
        agreed = {a.municipality_id for a in newest.agreements.all()}
        context["agree_for"] = [m for m in access.contact_of if m.pk not in agreed]
        context["agree_for_names"] = ", ".join(m.name for m in context["agree_for"])
        context["agree_as_staff"] = access.is_staff and None not in agreed
    return render(request, "applications/terms.html", context)


@login_required
def propose_terms(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk, write="propose_terms")
    if eoi.status != Status.NEEDS_DIALOGUE:
        messages.error(request, dialogue.not_in_dialogue_message(eoi))
        return redirect("applications:terms", pk)
    draft = TermsOfReference(eoi=eoi, **dialogue.draft_values(eoi))
    form = TermsForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            proposed = dialogue.propose_terms(eoi, form.terms_values(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(number)s of the terms of reference is proposed. Every party now needs to agree to it.")
                % {"number": proposed.number},
            )
            return redirect("applications:terms", pk)
    newest = dialogue.newest_terms(eoi)
    return render(request, "applications/terms_form.html", {"eoi": eoi, "form": form, "newest": newest})


@login_required
@require_POST
def agree_terms(request, pk, number):
    eoi, access, version = get_terms_for_user(request.user, pk, number, write=True)
    try:
        made = dialogue.agree_terms(version, access.contact_of, by=request.user, as_staff=access.is_staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if not made:
            messages.info(request, _("You had already agreed to this version."))
        elif eoi.agreed_terms() is not None:
            messages.success(request, _("You agreed. Every party has now agreed to this version."))
        else:
            messages.success(request, _("You agreed to version %(number)s.") % {"number": version.number})
    return redirect("applications:terms", pk)


@login_required
def terms_pdf(request, pk, number):
    eoi, _access, version = get_terms_for_user(request.user, pk, number)
    language = request.GET.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = request.LANGUAGE_CODE
    with translation.override(language):  # the field values are formatted in the PDF's language
        context = {
            "eoi": eoi,
            "terms": version,
            "rows": dialogue.rows(version),
            "parties": dialogue.parties(eoi, version),
            "is_agreed": version.is_agreed(),
            "is_newest": dialogue.newest_terms(eoi).pk == version.pk,
            "printed_at": timezone.now(),
        }
    pdf = render_pdf("pdf/terms.html", context, language=language)
    filename = f"terms-of-reference-{eoi.pk}-v{version.number}-{language}.pdf"
    return private_download(request, version, io.BytesIO(pdf), filename, "application/pdf")
