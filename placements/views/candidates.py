"""Candidate profiles for CIM and GIZ recruiters and programme staff (portal pages, not the admin).

Every page looks the candidate up through `placements.permissions.get_candidate_for_user`; the
CV and the data export are served only through the views here, never from MEDIA_URL.
"""

import datetime
import io
from pathlib import PurePath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from applications.language_rows import LanguageRowsMixin
from applications.models import ExpressionOfInterest
from applications.permissions import check_recruiter, recruitable_eois
from applications.vocabulary import Theme, WorkingLanguage
from fachkraefte import audit
from fachkraefte.downloads import private_download
from fachkraefte.uploads import ALLOWED_TYPES, UploadField, check_upload
from partnerships import countries
from partnerships.models import Side, SpecialistModel
from placements import eligibility
from placements.candidates import cv_member_name, export_data, record_consent, save_candidate
from placements.models import Candidate
from placements.permissions import candidates_visible_to, get_candidate_for_user, may_change_email

PAGE_SIZE = 50
CONTENT_TYPE_OF_SUFFIX = {suffix: t.content_type for t in ALLOWED_TYPES for suffix in (t.suffix, *t.suffixes)}


class CandidateForm(LanguageRowsMixin, forms.ModelForm):
    language_label = gettext_lazy("Language %(row)s")
    level_label = gettext_lazy("Level (CEFR)")
    missing_level_message = gettext_lazy("Say at which level the candidate speaks this language.")

    nationalities = forms.MultipleChoiceField(
        label=gettext_lazy("Nationalities"),
        choices=countries.choices,
        required=False,
        help_text=gettext_lazy("Every citizenship the candidate holds."),
    )
    expertise = forms.MultipleChoiceField(
        label=gettext_lazy("Expertise (programme themes)"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    cv_upload = UploadField(label=gettext_lazy("CV"), required=False)
    consent = forms.BooleanField(
        label=gettext_lazy("The candidate has agreed to the processing of their data for this recruitment."),
        error_messages={"required": gettext_lazy("Without the candidate's consent their data may not be kept.")},
    )

    class Meta:
        model = Candidate
        fields = [
            "name",
            "email",
            "phone",
            "nationalities",
            "date_of_birth",
            "expertise",
            "years_of_experience",
            "vocational_training",
            "qualification",
            "available_from",
            "applied_for",
            "pool_consent",
        ]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.add_language_rows(self.instance.languages)
        eois = recruitable_eois(user)
        if self.instance.applied_for_id:
            eois = eois | ExpressionOfInterest.objects.filter(pk=self.instance.applied_for_id)
        self.fields["applied_for"].queryset = eois.select_related("partnership").order_by("-created_at")
        if self.instance.cv_name:
            self.fields["cv_upload"].help_text += " " + _("Uploading a file replaces “%(name)s”.") % {
                "name": self.instance.cv_name
            }
        self.fields["consent"].help_text = _("Version %(version)s of the consent text.") % {
            "version": settings.CANDIDATE_CONSENT_VERSION
        }
        if not self.is_bound and self.instance.consent_given_at:
            self.initial["consent"] = True
        if not may_change_email(user, self.instance):  # a disabled field keeps its value, whatever is posted
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "The candidate stands on a shortlist, and the invitation to the placement goes to this address: "
                "programme staff change it."
            )

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        rows = self.language_layout()
        helper.layout = Layout(
            Fieldset(_("Person"), "name", "email", "phone", "nationalities", "date_of_birth"),
            Fieldset(_("Languages"), *rows),
            Fieldset(
                _("Profile"),
                "expertise",
                "years_of_experience",
                "vocational_training",
                "qualification",
                "available_from",
                "applied_for",
                "cv_upload",
            ),
            Fieldset(_("Consent"), "consent", "pool_consent"),
        )
        return helper

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot lie in the future."))
        if born and born < datetime.date(1900, 1, 1):
            raise ValidationError(_("Please check the date of birth."))
        return born

    def clean_cv_upload(self):
        upload = self.cleaned_data.get("cv_upload")
        return check_upload(upload) if upload else None

    def clean(self):
        cleaned = super().clean()
        cleaned["languages"] = self.clean_language_rows(cleaned)
        return cleaned

    def save(self, *, by):
        candidate = super().save(commit=False)
        candidate.languages = self.cleaned_data["languages"]
        pool_newly_given = "pool_consent" in self.changed_data and candidate.pool_consent
        if candidate.consent_given_at is None or pool_newly_given:
            record_consent(candidate)  # a new declaration: consent text version and time
        return save_candidate(candidate, by=by, cv=self.cleaned_data.get("cv_upload"))


def _search(candidates, query):
    """By name, e-mail or expertise (the theme's label in the reader's language, or its code)."""
    query = query.strip()
    if not query:
        return candidates
    matches = Q(name__icontains=query) | Q(email__icontains=query)
    for theme in Theme:
        if query.lower() in str(theme.label).lower() or query.lower() == theme.value:
            matches |= Q(expertise__icontains=theme.value)
    return candidates.filter(matches)


@login_required
@require_GET
def candidate_list(request):
    check_recruiter(request.user)
    query = request.GET.get("q", "")
    candidates = _search(candidates_visible_to(request.user), query).select_related("applied_for__partnership")
    candidates = candidates.order_by("anonymised_at", "name", "pk")
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "placements/candidate_list.html", {"page": page, "query": query})


@login_required
def candidate_create(request):
    check_recruiter(request.user)
    form = CandidateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(by=request.user)
        messages.success(request, _("The candidate profile has been saved."))
        return redirect("placements:candidate_detail", candidate.pk)
    return render(request, "placements/candidate_form.html", {"form": form, "candidate": None})


@login_required
def candidate_edit(request, pk):
    candidate = get_candidate_for_user(request.user, pk, write=True)
    form = CandidateForm(request.POST or None, request.FILES or None, instance=candidate, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save(by=request.user)
        messages.success(request, _("The candidate profile has been saved."))
        return redirect("placements:candidate_detail", candidate.pk)
    return render(request, "placements/candidate_form.html", {"form": form, "candidate": candidate})


def likely_start(candidate, eoi):
    """The start date eligibility is judged on: the agreed or wished start, not before the candidate is free."""
    today = timezone.localdate()
    terms = eoi.agreed_terms() if eoi else None
    planned = (terms.start if terms else None) or (eoi.wished_start if eoi else None)
    return max(day for day in (today, planned, candidate.available_from) if day)


def eligibility_rows(candidate, eoi):
    countries_of_eoi = [p.municipality.country for p in eoi.participants.all() if p.side == Side.PARTNER] if eoi else []
    start = likely_start(candidate, eoi)
    rows = []
    for model in SpecialistModel:
        if model == SpecialistModel.LOCAL and not countries_of_eoi:
            continue  # a local expert is judged against a partner country, which only an EOI gives
        rows.append(
            {
                "model": model,
                "applied": bool(eoi) and eoi.specialist_model == model,
                "reasons": eligibility.check(candidate, model, countries_of_eoi, on=start),
                "hints": eligibility.hints(candidate, model),
            }
        )
    return rows, start


@login_required
@require_GET
def candidate_detail(request, pk):
    candidate = get_candidate_for_user(request.user, pk)
    eoi = candidate.applied_for
    if eoi is not None:
        eoi = ExpressionOfInterest.objects.with_participants().get(pk=eoi.pk)
    rows, start = eligibility_rows(candidate, eoi) if not candidate.anonymised_at else ([], None)
    context = {
        "candidate": candidate,
        "eoi": eoi,
        "eoi_recruitable": eoi is not None and recruitable_eois(request.user).filter(pk=eoi.pk).exists(),
        "eligibility": rows,
        "start": start,
        "nationality_names": [countries.name(code) for code in candidate.nationalities],
        "language_rows": [
            {"language": WorkingLanguage(r["language"]).label, "level": r["level"]} for r in candidate.languages
        ],
        "expertise_labels": [Theme(code).label for code in candidate.expertise if code in Theme.values],
    }
    return render(request, "placements/candidate_detail.html", context)


@login_required
@require_GET
def candidate_cv(request, pk):
    candidate = get_candidate_for_user(request.user, pk)
    if not candidate.cv:
        raise Http404
    filename = cv_member_name(candidate).removeprefix("cv/")
    # The stored name's suffix is the type told from the content at upload.
    content_type = CONTENT_TYPE_OF_SUFFIX.get(PurePath(candidate.cv.name).suffix, "application/octet-stream")
    return private_download(request, candidate, candidate.cv, filename, content_type)


@login_required
@require_GET
def candidate_export(request, pk):
    candidate = get_candidate_for_user(request.user, pk)
    archive = io.BytesIO(export_data(candidate))
    filename = f"candidate-{candidate.pk}.zip"
    return private_download(request, candidate, archive, filename, "application/zip", kind=audit.Kind.EXPORT)
