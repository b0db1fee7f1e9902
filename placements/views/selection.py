"""Matching, the shortlist and the municipalities' choice of a candidate.

Who may do what is decided in `placements.permissions` (one access helper per object type); these
views look up, bind, call the service and redirect.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from applications import services
from applications.models import Status
from applications.permissions import get_recruitable_eoi
from applications.templatetags.eoi import languages_display
from applications.vocabulary import Theme
from fachkraefte.downloads import private_download
from fachkraefte.workflow import StepRefused, refusal_message
from partnerships import countries
from partnerships.models import Municipality
from placements import selection
from placements.models import RUNNING, PlacementStatus, ShortlistDecision
from placements.permissions import (
    ShortlistAccess,
    candidates_visible_to,
    get_candidate_for_user,
    get_shortlist_entry_for_user,
    get_shortlist_eoi_for_user,
    shortlist_of,
)

MATCHES_SHOWN = 50


class DecisionForm(forms.Form):
    """One municipality's decision on one candidate; the user's other municipalities each have their own form."""

    # Any participating municipality: the service refuses (403, logged) one the user is no contact of.
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        choices=[
            (ShortlistDecision.Decision.ACCEPTED, gettext_lazy("Accept")),
            (ShortlistDecision.Decision.DECLINED, gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed when you decline."),
    )

    def __init__(self, *args, eoi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(eoi_participations__eoi=eoi)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == ShortlistDecision.Decision.DECLINED and not cleaned.get("reason", "").strip():
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
    return ", ".join(countries.name(code) for code in codes or [])


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
    pool = candidate_pool(request.user)
    ranking = selection.rank_pool(eoi, pool, terms, on=timezone.localdate(), shown=MATCHES_SHOWN)
    shortlist = list(shortlist_of(eoi, request.user).with_standing().select_related("candidate"))
    shortlisted = {entry.candidate_id for entry in shortlist}

    def row(match, reasons=()):
        return {"match": match, "nationalities": country_names(match.candidate.nationalities), "ineligible": reasons}

    rows = [row(match) for match in ranking.eligible]
    ineligible_rows = [row(match, reasons) for match, reasons in ranking.ineligible]
    context = {
        "eoi": eoi,
        "terms": terms,
        "languages": languages_display(terms.languages) if terms else "",
        "themes": [Theme(theme).label for theme in eoi.themes if theme in Theme.values],
        "rows": rows,
        "ineligible_rows": ineligible_rows,
        "total": ranking.eligible_total,
        "ineligible_total": ranking.ineligible_total,
        "shortlist": shortlist,
        "shortlisted": shortlisted,
        "is_staff": ShortlistAccess(request.user, eoi).is_staff,
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
    candidate = get_candidate_for_user(request.user, candidate_pk, write=True)
    if not candidate_pool(request.user).filter(pk=candidate.pk).exists():  # placed elsewhere: not to be had
        raise Http404
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
    eoi = get_recruitable_eoi(request.user, eoi_pk, step="start_candidate_selection")
    # The step's declared condition, asked ahead for a sentence that says what to do; the runner checks it again.
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


def _decision_form(entry, municipality_pk, data=None, initial=None):
    """The entry's forms share the field names; their ids tell the municipalities' forms apart."""
    return DecisionForm(
        data, eoi=entry.eoi, prefix=f"entry-{entry.pk}", auto_id=f"id_m{municipality_pk}_%s", initial=initial
    )


def _parties(entry, participants, access, deciding, bound):
    """Every participating municipality's decision on the entry; a form for each one the user decides for.

    Each form is preset with that municipality's own decision only.
    """
    decisions = {decision.municipality_id: decision for decision in entry.decisions.all()}
    mine = {municipality.pk for municipality in access.decides_for} if deciding else set()
    posted = bound.data.get(bound.add_prefix("municipality")) if bound and bound.prefix == f"entry-{entry.pk}" else None
    parties = []
    for participant in participants:
        municipality, decision, form = participant.municipality, decisions.get(participant.municipality_id), None
        if municipality.pk in mine and posted == str(municipality.pk):
            form = bound
        elif municipality.pk in mine:
            initial = {"municipality": municipality.pk}
            if decision:
                initial.update(decision=decision.decision, reason=decision.reason)
            form = _decision_form(entry, municipality.pk, initial=initial)
        parties.append({"municipality": municipality, "side": participant.side, "decision": decision, "form": form})
    return parties


def _render_shortlist(request, eoi, access, *, bound=None, comment_form=None, status=200):
    entries = list(
        shortlist_of(eoi, request.user)
        .with_standing()
        .select_related("candidate")
        .prefetch_related("decisions__decided_by", "decisions__municipality")
    )
    participants = list(eoi.participants.all())
    in_selection = eoi.status == Status.CANDIDATE_SELECTION
    deciding = in_selection and access.can_decide
    rows = [
        {
            "entry": entry,
            "candidate": entry.candidate,
            "nationalities": country_names(entry.candidate.nationalities),
            "languages": languages_display(entry.candidate.languages or []),
            "expertise": [Theme(t).label for t in entry.candidate.expertise or [] if t in Theme.values],
            "parties": _parties(entry, participants, access, deciding, bound),
        }
        for entry in entries
    ]
    context = {
        "eoi": eoi,
        "access": access,
        "rows": rows,
        "in_selection": in_selection,
        "can_pick": in_selection and access.can_pick,
        "integrated": eoi.specialist_model == "integrated",
        "comment_form": comment_form or (CommentForm() if access.is_staff else None),
    }
    return render(request, "placements/selection_shortlist.html", context, status=status)


@login_required
@require_GET
def shortlist(request, eoi_pk):
    eoi, access = get_shortlist_eoi_for_user(request.user, eoi_pk)
    return _render_shortlist(request, eoi, access)


@login_required
@require_POST
def shortlist_decide(request, entry_pk):
    entry, access = get_shortlist_entry_for_user(request.user, entry_pk, write="decide")
    posted = request.POST.get(f"entry-{entry.pk}-municipality", "")
    form = _decision_form(entry, posted if posted.isdigit() else "", request.POST)
    if not form.is_valid():
        if "municipality" in form.errors:  # a tampered form, or none: no form on the page to show the errors in
            messages.error(request, _("Please say for which municipality you decide."))
            return redirect("placements:shortlist", entry.eoi.pk)
        return _render_shortlist(request, entry.eoi, access, bound=form)
    data = form.cleaned_data
    try:
        selection.decide(entry, data["decision"], data["reason"], by=request.user, municipality=data["municipality"])
    except StepRefused as refusal:
        messages.error(request, refusal_message(refusal))
    else:
        messages.success(request, _("Your decision on %(candidate)s is saved.") % {"candidate": entry.candidate})
    return redirect("placements:shortlist", entry.eoi.pk)


@login_required
@require_POST
def shortlist_select(request, entry_pk):
    entry, _access = get_shortlist_entry_for_user(request.user, entry_pk, write="pick")
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
    entry, _access = get_shortlist_entry_for_user(request.user, entry_pk)
    candidate = entry.candidate
    if not candidate.cv:
        raise Http404
    return private_download(request, candidate, candidate.cv, candidate.cv_name)


@login_required
@require_POST
def back_to_recruitment(request, eoi_pk):
    eoi, access = get_shortlist_eoi_for_user(request.user, eoi_pk, write="reopen_recruitment")
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
