import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import permissions, progress, services
from applications.forms import PART_FORMS, InvitationForm, StartForm, WithdrawForm
from applications.models import PART_FIELDS, WITHDRAWABLE_STATES, Confirmation, Part, Status, TermsAgreement
from applications.permissions import get_eoi_for_user
from applications.uploads import AttachmentForm
from fachkraefte.records import history_page, newest_records
from fachkraefte.workflow import StepRefused, refusal_message
from partnerships.models import MembershipRole, MunicipalityMembership
from placements.views.transparency import publication_panel

DASHBOARD_PAGE_SIZE = 25


@login_required
def dashboard(request):
    eois = (
        permissions.eois_visible_to(request.user)
        .with_participants()
        .prefetch_related(Prefetch("confirmations", queryset=Confirmation.objects.standing()))
    )
    page = Paginator(eois, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(eoi, *progress.whose_turn(eoi)) for eoi in page]
    partnerships = permissions.partnerships_to_start(request.user)
    return render(request, "applications/dashboard.html", {"rows": rows, "page": page, "partnerships": partnerships})


@login_required
def start(request, partnership_pk):
    partnership = permissions.get_partnership_to_start(request.user, partnership_pk)
    form = StartForm(request.POST or None, partnership=partnership, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            eoi = services.start(
                partnership, form.cleaned_data["municipalities"], form.cleaned_data["specialist_model"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your expression of interest has been started. Fill in your part; the partner municipality's "
                    "contact persons see it on their dashboard."
                ),
            )
            return redirect("applications:detail", eoi.pk)
    return render(request, "applications/start.html", {"form": form, "partnership": partnership})


@login_required
def detail(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk)
    return render_detail(request, eoi, access)


def render_detail(request, eoi, access):
    """The detail page of an EOI the caller has already fetched and checked through the policy.

    Views that answer a refused form with the page again (invite, post a message) pass the EOI they
    loaded, so the access check and the fetch happen once per request.
    """
    agreements = Prefetch("terms__agreements", queryset=TermsAgreement.objects.select_related("municipality"))
    prefetch_related_objects([eoi], "meetings", agreements)  # the needs dialogue's panel
    confirming = confirmation_context(eoi, access)  # first: a draft's whose turn reads its confirmations
    events, older = newest_records(readable_record(eoi))
    context = {
        "eoi": eoi,
        "access": access,
        "editable_parts": [part.value for part in Part if access.can_edit_part(part)],
        # As access.can_withdraw decides for a contact, without asking the step's permission (a query) again.
        "can_withdraw": eoi.status in WITHDRAWABLE_STATES,
        "whose_turn": progress.whose_turn(eoi),
        "parts": [(part, [(eoi._meta.get_field(f), f) for f in PART_FIELDS[part]]) for part in Part],
        "events": events,
        "whole_history": reverse("applications:history", args=[eoi.pk]) if older else None,
        **confirming,
        **invitation_context(request, eoi, access),
        "attachments": eoi.attachments.all(),
        "attachment_form": AttachmentForm() if access.can_attach else None,
        "documents": eoi.documents.order_by("-requested_at"),
        "version_count": eoi.versions.count(),  # their content (the whole EOI each) is read on the versions page
        "why_not": eoi.why_not_submittable() if eoi.is_editable else [],
        "complete": not eoi.missing_fields(),
        "part_to_fill": progress.first_part_to_fill(eoi, [part.value for part in Part if access.can_edit_part(part)]),
        "returned": returned_for_changes(eoi),
        "publication": publication_panel(eoi, request.user, access),
    }
    return render(request, "applications/detail.html", context)


def confirmation_context(eoi, access):
    """The checklist, the confirmations and the notice that they are void: drawn while the EOI can be edited."""
    if not eoi.is_editable:
        return {}
    prefetch_related_objects([eoi], "confirmations")  # read by the checklist, whose turn and the notice
    confirmations = eoi.confirmations.all()
    confirmed = progress.standing_confirmations(eoi)
    return {
        "my_confirmation_pending": any(m.pk not in confirmed for m in access.contact_of),
        "checklist": progress.checklist(eoi),
        "voided": any(c.voided_at is not None for c in confirmations)
        and not any(c.voided_at is None for c in confirmations),
    }


def readable_record(eoi):
    """What the EOI's pages show of its record, newest first, with each entry's author in the same query."""
    return eoi.events.readable_by_applicants().select_related("actor")


@login_required
def history(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk)
    page = history_page(readable_record(eoi), request.GET.get("page"))
    return render(request, "applications/history.html", {"eoi": eoi, "page": page})


def returned_for_changes(eoi):
    """The record of why staff returned the EOI, shown on top until it is submitted again."""
    if eoi.status != Status.RETURNED:
        return None
    return eoi.events.filter(to_status=Status.RETURNED).select_related("actor").first()


def municipalities_without_contact(eoi):
    municipalities = [p.municipality for p in eoi.participants.all()]
    with_contact = set(
        MunicipalityMembership.objects.filter(
            municipality__in=municipalities, role=MembershipRole.CONTACT, user__is_active=True
        ).values_list("municipality_id", flat=True)
    )
    return [m for m in municipalities if m.pk not in with_contact]


def invitation_context(request, eoi, access):
    """Who may invite for which municipality is the policy's (applications.permissions); the page shows what follows,
    while the EOI can be edited (its section is not drawn after that)."""
    if not eoi.is_editable:
        return {"invitations": [], "invitation_form": None, "may_invite_for": set(), "without_contact": []}
    may_invite_for = list(permissions.municipalities_to_invite_for(request.user, eoi))
    form = None
    if may_invite_for:
        form = getattr(request, "invitation_form", None) or InvitationForm(
            eoi=eoi, municipalities=may_invite_for, prefix="invite"
        )
    return {
        "invitations": eoi.invitations.select_related("municipality") if access.can_write or may_invite_for else [],
        "invitation_form": form,
        "may_invite_for": {m.pk for m in may_invite_for},
        "without_contact": municipalities_without_contact(eoi),
    }


@login_required
def edit(request, pk, part):
    if part not in Part.values:
        raise Http404
    eoi, access = get_eoi_for_user(request.user, pk, write=True)
    part = Part(part)
    access.check_part(part)
    form_class = PART_FORMS[part]
    form = form_class(request.POST or None, instance=eoi)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.save_part(eoi, part, form.part_values(), version=form.cleaned_data["version"], by=request.user)
        except services.StaleVersion as stale:
            conflict = stale.current
            data = request.POST.copy()
            data["version"] = conflict.version_of(part)  # the next save, after merging, goes through
            form = form_class(data, instance=copy.copy(conflict))  # validating writes into its instance
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else saved this part while you were editing it. Your input is kept "
                    "below; their version is shown beside it. Merge both and save again."
                ),
            )
        else:
            messages.success(request, _("Saved."))
            target = request.POST.get("go")
            if target in Part.values and access.can_edit_part(target):
                return redirect("applications:edit", eoi.pk, target)
            if target == "overview":
                return redirect("applications:detail", eoi.pk)
            return redirect("applications:edit", eoi.pk, part)
    context = {
        "eoi": eoi,
        "part": part,
        "form": form,
        "conflict": conflict,
        "conflict_values": conflict_values(conflict, form, part) if conflict else [],
        "steps": [(p, access.can_edit_part(p)) for p in Part],
        "next_part": next((p for p in list(Part)[list(Part).index(part) + 1 :] if access.can_edit_part(p)), None),
    }
    return render(request, "applications/edit.html", context, status=409 if conflict else 200)


def conflict_values(current, form, part):
    """(label, their value, your value) for each field that differs."""
    rows = []
    for name in PART_FIELDS[part]:
        theirs, yours = getattr(current, name), form.cleaned_data.get(name)
        if theirs != yours:
            rows.append((current._meta.get_field(name).verbose_name, theirs, yours))
    return rows


@login_required
@require_POST
def confirm(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk, write="confirm")
    try:
        services.confirm(eoi, access.contact_of, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have confirmed the expression of interest as it stands now."))
    return redirect("applications:detail", pk)


@login_required
@require_POST
def submit(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk, write=True)
    try:
        services.submit(eoi, by=request.user)
    except StepRefused as refused:
        messages.error(request, _("It cannot be submitted yet.") + " " + refusal_message(refused))
    else:
        messages.success(request, _("Submitted. Programme staff will review your expression of interest."))
    return redirect("applications:detail", pk)


@login_required
def withdraw(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk, write="withdraw")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(eoi, form.cleaned_data["reason"], by=request.user)
        except StepRefused as refused:
            messages.error(request, refusal_message(refused))
        else:
            messages.success(request, _("The expression of interest has been withdrawn."))
        return redirect("applications:detail", pk)
    return render(request, "applications/withdraw.html", {"eoi": eoi, "form": form})
