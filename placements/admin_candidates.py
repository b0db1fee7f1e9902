"""Candidates in the admin, for programme staff: search, filters, anonymisation and data export.

A candidate leaves by anonymisation (the action here, or the nightly task), which removes the CV.
Only a superuser deletes the row, and then the CV and the personal data in its history go with it.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from applications.vocabulary import Theme
from fachkraefte import audit
from fachkraefte.admin import HistoryAdmin
from fachkraefte.admin_prefill import CheckedPrefillMixin
from partnerships import countries
from placements.candidates import anonymise_all, export_data, save_candidate
from placements.models import Candidate

# The service keeps these right; the CV goes through the portal's content-checked upload.
SERVICE_FIELDS = (
    "cv_name",
    "consent_text_version",
    "consent_given_at",
    "retention_until",
    "anonymised_at",
    "created_by",
    "created_at",
    "channel",
)


class CandidateAdminForm(forms.ModelForm):
    nationalities = forms.MultipleChoiceField(
        label=gettext_lazy("Nationalities"), choices=countries.choices, required=False
    )
    expertise = forms.MultipleChoiceField(
        label=gettext_lazy("Expertise (programme themes)"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Candidate
        fields = [
            "name",
            "email",
            "phone",
            "nationalities",
            "date_of_birth",
            "languages",
            "expertise",
            "years_of_experience",
            "vocational_training",
            "qualification",
            "available_from",
            "applied_for",
            "pool_consent",
        ]


class AnonymisedFilter(admin.SimpleListFilter):
    title = gettext_lazy("anonymised")
    parameter_name = "anonymised"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(anonymised_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(anonymised_at__isnull=True)
        return queryset


def delete_with_cv(candidates):
    """Delete the rows, their history (it holds the personal data) and, once that is committed, the CVs."""
    with transaction.atomic():
        for candidate in candidates:
            pk, cv_name, storage = candidate.pk, candidate.cv.name, candidate.cv.storage
            candidate.delete()  # ProtectedError while a shortlist entry or placement names the candidate
            Candidate.history.filter(id=pk).delete()
            if cv_name:
                transaction.on_commit(partial(storage.delete, cv_name))


@admin.register(Candidate)
class CandidateAdmin(CheckedPrefillMixin, HistoryAdmin):
    form = CandidateAdminForm
    list_display = (
        "__str__",
        "nationalities_display",
        "years_of_experience",
        "available_from",
        "retention_until",
        "is_anonymised",
    )
    list_filter = (AnonymisedFilter, "pool_consent", "vocational_training", "retention_until", "available_from")
    search_fields = ("name", "email", "phone")
    readonly_fields = SERVICE_FIELDS
    raw_id_fields = ("applied_for",)
    actions = ("anonymise_selected", "export_selected")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.anonymised_at:
            return False  # nothing left to change; the row stays for the statistics
        return super().has_change_permission(request, obj)

    @admin.display(description=gettext_lazy("nationalities"))
    def nationalities_display(self, candidate):
        return ", ".join(candidate.nationalities)

    @admin.display(description=gettext_lazy("anonymised"), boolean=True)
    def is_anonymised(self, candidate):
        return candidate.anonymised_at is not None

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        delete_with_cv([obj])

    def delete_queryset(self, request, queryset):
        delete_with_cv(queryset)

    def save_model(self, request, obj, form, change):
        save_candidate(obj, by=request.user)

    @admin.action(description=gettext_lazy("Anonymise selected candidates"))
    def anonymise_selected(self, request, queryset):
        anonymised, kept = anonymise_all(queryset, by=request.user)
        done, placed = len(anonymised), [str(candidate) for candidate in kept]
        self.message_user(
            request,
            ngettext("%(count)d candidate anonymised.", "%(count)d candidates anonymised.", done) % {"count": done},
            messages.SUCCESS,
        )
        if placed:
            self.message_user(
                request,
                _("Skipped, because they have a placement: %(names)s") % {"names": ", ".join(placed)},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Export data (ZIP)"))
    def export_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one candidate to export their data."), messages.ERROR)
            return None
        candidate = queryset.get()
        response = HttpResponse(export_data(candidate), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="candidate-{candidate.pk}.zip"'
        response["Cache-Control"] = "private, no-store"
        audit.log(audit.Kind.EXPORT, request, obj=candidate, detail=f"candidate-{candidate.pk}.zip")
        return response
