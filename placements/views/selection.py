"""Matching, the shortlist and the municipalities' choice of a candidate.

Who may do what is decided in `placements.selection` (one access helper per object type); these
views look up, bind, call the service and redirect.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries

from applications import services
from applications.models import Status
from applications.recruitment import get_recruitable_eoi
from applications.templatetags.eoi import languages_display
from applications.vocabulary import Theme
from fachkraefte.downloads import private_download
from fachkraefte.workflow import StepRefused, refusal_message
from placements import matching, selection
from placements.models import RUNNING, PlacementStatus, ShortlistEntry
from placements.permissions import candidates_visible_to

MATCHES_SHOWN = 50


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        choices=[
            (ShortlistEntry.Decision.ACCEPTED, gettext_lazy("Accept")),
            (ShortlistEntry.Decision.DECLINED, gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you decline."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ShortlistEntry.Decision.DECLINED and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Please say why you decline this candidate."))
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The applicants will read it."),
        error_messages={"required": gettext_lazy("Please give a reason: the applicants will read it.")},
    )


def country_names(codes):
    return ", ".join(str(countries.name(code) or code) for code in codes or [])


# --- matching and the shortlist (staff and the EOI's recruiter, in recruitment) -----------------


def candidate_pool(user):
    """Free candidates the user may see: staff the whole pool, a recruiter only their own channel's."""
    busy = [PlacementStatus.PLANNED, *RUNNING]
    return candidates_visible_to(user).not_anonymised().exclude(placements__status__in=busy)


@login_required
@require_GET
def matches(request, eoi_pk):
    eoi = get_recruitable_eoi(request.user, eoi_pk)
    terms = eoi.agreed_terms()
    day = selection.reference_day(terms)
    ranked = matching.rank(candidate_pool(request.user), terms or {}, on=timezone.localdate(), themes=eoi.themes)
    shortlist = list(eoi.shortlist.select_related("candidate"))
    shortlisted = {entry.candidate_id for entry in shortlist}
    eligible, ineligible = selection.by_eligibility(ranked, eoi, day)

    def row(match, reasons=()):
        return {"match": match, "nationalities": country_names(match.candidate.nationalities), "ineligible": reasons}

    rows = [row(match) for match in eligible[:MATCHES_SHOWN]]
    ineligible_rows = [row(match, reasons) for match, reasons in ineligible[:MATCHES_SHOWN]]
    context = {
        "eoi": eoi,
        "terms": terms,
        "languages": languages_display(terms.languages) if terms else "",
        "themes": [Theme(theme).label for theme in eoi.themes if theme in Theme.values],
        "rows": rows,
        "ineligible_rows": ineligible_rows,
        "total": len(eligible),
        "ineligible_total": len(ineligible),
        "shortlist": shortlist,
        "shortlisted": shortlisted,
        "is_staff": selection.ShortlistAccess(request.user, eoi).is_staff,
        "may_start": selection.open_selection_allowed(eoi),
    }
    return render(request, "placements/selection_matches.html", context)


@login_required
@require_POST
def shortlist_add(request, eoi_pk):
    eoi = get_recruitable_eoi(request.user, eoi_pk)
    candidate_pk = request.POST.get("candidate", "")
    if not candidate_pk.isdigit():  # a tampered form: no such candidate, not a server error
        raise Http404
    candidate = get_object_or_404(candidate_pool(request.user), pk=candidate_pk)
    try:
        selection.add_to_shortlist(eoi, candidate, by=request.user)
    except ValidationError as refusal:
        reasons = "; ".join(refusal.messages)
        messages.error(
            request,
            _("%(candidate)s cannot be shortlisted: %(reasons)s.") % {"candidate": candidate, "reasons": reasons},
        )
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
    else:
        messages.success(request, _("%(candidate)s is on the shortlist.") % {"candidate": candidate})
    return redirect("placements:matches", eoi.pk)


@login_required
@require_POST
def start_selection(request, eoi_pk):
    """Staff only: the transition is declared staff-only, and recruiters hand the shortlist over."""
    eoi = get_recruitable_eoi(request.user, eoi_pk)
    if not selection.ShortlistAccess(request.user, eoi).is_staff:
        raise PermissionDenied
    if not selection.open_selection_allowed(eoi):
        messages.error(request, _("Shortlist at least one candidate first."))
        return redirect("placements:matches", eoi.pk)
    try:
        services.transition(eoi, "start_candidate_selection", by=request.user)
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
        return redirect("placements:matches", eoi.pk)
    messages.success(request, _("The municipalities can now choose from the shortlist."))
    return redirect("placements:shortlist", eoi.pk)


# --- the shortlist (municipalities from the selection on, staff, the EOI's recruiter) ----------


def _entry_form(entry, data=None):
    return DecisionForm(data, prefix=f"entry-{entry.pk}", initial={"decision": entry.decision, "reason": entry.reason})


def _render_shortlist(request, eoi, access, *, bound=None, comment_form=None, status=200):
    entries = list(eoi.shortlist.select_related("candidate", "decided_by"))
    deciding = eoi.status == Status.CANDIDATE_SELECTION and access.can_decide
    rows = [
        {
            "entry": entry,
            "candidate": entry.candidate,
            "nationalities": country_names(entry.candidate.nationalities),
            "languages": languages_display(entry.candidate.languages or []),
            "expertise": [Theme(t).label for t in entry.candidate.expertise or [] if t in Theme.values],
            "form": (bound if bound is not None and bound.prefix == f"entry-{entry.pk}" else _entry_form(entry))
            if deciding
            else None,
        }
        for entry in entries
    ]
    context = {
        "eoi": eoi,
        "access": access,
        "rows": rows,
        "in_selection": eoi.status == Status.CANDIDATE_SELECTION,
        "can_pick": eoi.status == Status.CANDIDATE_SELECTION and access.can_pick,
        "integrated": eoi.specialist_model == "integrated",
        "comment_form": comment_form or (CommentForm() if access.is_staff else None),
    }
    return render(request, "placements/selection_shortlist.html", context, status=status)


@login_required
@require_GET
def shortlist(request, eoi_pk):
    eoi, access = selection.get_shortlist_eoi(request.user, eoi_pk)
    return _render_shortlist(request, eoi, access)


@login_required
@require_POST
def shortlist_decide(request, entry_pk):
    entry, access = selection.get_shortlist_entry(request.user, entry_pk)
    if not access.can_decide:
        raise PermissionDenied
    form = DecisionForm(request.POST, prefix=f"entry-{entry.pk}")
    if not form.is_valid():
        return _render_shortlist(request, entry.eoi, access, bound=form)
    try:
        selection.decide(entry, form.cleaned_data["decision"], form.cleaned_data["reason"], by=request.user)
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
    else:
        messages.success(request, _("Your decision on %(candidate)s is saved.") % {"candidate": entry.candidate})
    return redirect("placements:shortlist", entry.eoi.pk)


@login_required
@require_POST
def shortlist_select(request, entry_pk):
    entry, access = selection.get_shortlist_entry(request.user, entry_pk)
    if not access.can_pick:
        raise PermissionDenied
    try:
        selection.select_candidate(entry, by=request.user)
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
    else:
        messages.success(
            request, _("%(candidate)s is selected; the contracting begins.") % {"candidate": entry.candidate}
        )
    return redirect("placements:shortlist", entry.eoi.pk)


@login_required
@require_GET
def shortlist_cv(request, entry_pk):
    entry, _access = selection.get_shortlist_entry(request.user, entry_pk)
    candidate = entry.candidate
    if not candidate.cv:
        raise Http404
    return private_download(request, candidate, candidate.cv, candidate.cv_name)


@login_required
@require_POST
def back_to_recruitment(request, eoi_pk):
    eoi, access = selection.get_shortlist_eoi(request.user, eoi_pk)
    if not access.is_staff:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_shortlist(request, eoi, access, comment_form=form)
    try:
        services.transition(eoi, "reopen_recruitment", by=request.user, comment=form.cleaned_data["comment"])
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
        return redirect("placements:shortlist", eoi.pk)
    messages.success(request, _("The expression of interest is back in recruitment."))
    return redirect("placements:matches", eoi.pk)
