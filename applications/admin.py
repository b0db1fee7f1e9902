"""The programme staff's workplace: every EOI, its history, and the buttons that move it on."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applications import progress, services
from applications.admin_dashboard import DashboardAdminMixin
from applications.admin_dialogue import DIALOGUE_INLINES
from applications.admin_messages import MESSAGE_INLINES
from applications.models import (
    PART_FIELDS,
    Confirmation,
    Event,
    ExpressionOfInterest,
    Part,
    Participant,
)
from applications.statistics import overdue_q
from applications.templatetags.eoi import field_display
from fachkraefte.admin import HistoryAdmin
from fachkraefte.admin_prefill import CheckedPrefillMixin
from partnerships.admin import StateFilter
from partnerships.models import Side

JSON_FIELDS = ("working_languages", "themes", "sdgs")


def admin_field(name):
    """Lists are shown as the applicants see them, not as JSON."""
    return f"{name}_display" if name in JSON_FIELDS else name


TRANSITION_LABELS = {
    "start_review": _("Start the eligibility review"),
    "return_for_changes": _("Return for changes"),
    "reject": _("Reject"),
    "open_needs_dialogue": _("Open the needs dialogue"),
    "start_recruitment": _("Start recruitment"),
    "reopen_needs_dialogue": _("Back to the needs dialogue"),
    "start_candidate_selection": _("Start candidate selection"),
    "reopen_recruitment": _("Back to recruitment"),
    "start_contracting": _("Start contracting"),
    "place": _("Mark as placed"),
    "withdraw": _("Record a withdrawal"),
}


class DaysInStatusFilter(admin.SimpleListFilter):
    title = _("days in current status")
    parameter_name = "days"

    def lookups(self, request, model_admin):
        return [
            ("7", _("more than a week")),
            ("30", _("more than 30 days")),
            ("90", _("more than 90 days")),
            ("overdue", _("overdue")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(overdue_q())
        if self.value() in {"7", "30", "90"}:
            return queryset.filter(status_changed_at__lt=timezone.now() - datetime.timedelta(days=int(self.value())))
        return queryset


class PartnerCountryFilter(admin.SimpleListFilter):
    title = _("partner country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = (
            Participant.objects.filter(side=Side.PARTNER)
            .values_list("municipality__country", flat=True)
            .distinct()
            .order_by()
        )
        return sorted(((code, countries.name(code)) for code in set(codes)), key=lambda pair: str(pair[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                participants__side=Side.PARTNER, participants__municipality__country=self.value()
            ).distinct()
        return queryset


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    readonly_fields = ["municipality", "side"]

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = Event
    verbose_name_plural = _("history")
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason / comment"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        help_text=_("The applicants see this comment and receive it by e-mail."),
    )


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(CheckedPrefillMixin, DashboardAdminMixin, HistoryAdmin):
    change_form_template = "admin/applications/expressionofinterest/change_form.html"
    list_display = ["__str__", "status", "days_in_status", "whose_turn", "partner_countries", "specialist_model"]
    list_filter = ["status", DaysInStatusFilter, PartnerCountryFilter, "specialist_model", StateFilter]
    search_fields = ["partnership__name", "participants__municipality__name", "participants__municipality__ags"]
    list_select_related = ["partnership"]
    date_hierarchy = "submitted_at"
    inlines = [ParticipantInline, *DIALOGUE_INLINES, *MESSAGE_INLINES, EventInline]
    readonly_fields = [
        *[f"{name}_display" for name in JSON_FIELDS],
        "partnership",
        "specialist_model",
        "status",
        "status_changed_at",
        "created_by",
        "created_at",
        "submitted_at",
        *[f for fields in PART_FIELDS.values() for f in fields],
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "partnership",
                    "specialist_model",
                    "status",
                    "status_changed_at",
                    "created_by",
                    "created_at",
                    "submitted_at",
                ]
            },
        ),
        *[(part.label, {"fields": [admin_field(f) for f in PART_FIELDS[part]]}) for part in Part],
    ]

    @admin.display(description=_("working languages and required level"))
    def working_languages_display(self, eoi):
        return field_display(eoi, "working_languages")

    @admin.display(description=_("programme themes"))
    def themes_display(self, eoi):
        return field_display(eoi, "themes")

    @admin.display(description=_("Sustainable Development Goals"))
    def sdgs_display(self, eoi):
        return field_display(eoi, "sdgs")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                "participants__municipality",
                Prefetch("confirmations", queryset=Confirmation.objects.standing()),
            )
        )

    def has_add_permission(self, request):
        return False  # EOIs come from the municipalities, through the portal

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("days in status"), ordering="status_changed_at")
    def days_in_status(self, eoi):
        return (timezone.now() - eoi.status_changed_at).days

    @admin.display(description=_("whose turn"))
    def whose_turn(self, eoi):
        return progress.whose_turn(eoi)[0]

    @admin.display(description=_("partner countries"))
    def partner_countries(self, eoi):
        return ", ".join(
            sorted({str(p.municipality.country.name) for p in eoi.participants.all() if p.side == Side.PARTNER})
        )

    # --- transitions ---------------------------------------------------------------------------
    def get_urls(self):
        own = [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="applications_expressionofinterest_transition",
            ),
        ]
        return own + self.dashboard_urls() + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        eoi = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if eoi is not None:
            extra_context["transitions"] = [
                (name, TRANSITION_LABELS.get(name, name)) for name in services.available_transitions(eoi, request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, pk, name):
        eoi = get_object_or_404(ExpressionOfInterest, pk=pk)
        if not self.has_change_permission(request, eoi) or name not in TRANSITION_LABELS:
            raise PermissionDenied
        form = TransitionForm(request.POST or None)
        if name in services.COMMENT_REQUIRED:
            form.fields["comment"].required = True
        if request.method == "POST" and form.is_valid():
            try:
                services.transition(eoi, name, by=request.user, comment=form.cleaned_data["comment"])
            except services.TransitionRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": TRANSITION_LABELS[name]})
            return redirect(reverse("admin:applications_expressionofinterest_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": eoi,
            "form": form,
            "step": TRANSITION_LABELS[name],
            "title": TRANSITION_LABELS[name],
            "status": eoi.get_status_display(),
            "allowed": name in services.available_transitions(eoi, request.user),
        }
        return TemplateResponse(request, "admin/applications/expressionofinterest/transition.html", context)
