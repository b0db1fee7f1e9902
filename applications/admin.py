"""The programme staff's workplace: every EOI, its history, and the buttons that move it on."""

import datetime

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from applications import progress
from applications.admin_dashboard import DashboardAdminMixin
from applications.admin_dialogue import DIALOGUE_INLINES, open_dialogue_items
from applications.admin_messages import MESSAGE_INLINES, latest_message
from applications.models import (
    PART_FIELDS,
    Confirmation,
    Event,
    ExpressionOfInterest,
    Part,
    Participant,
    Status,
)
from applications.statistics import overdue_q
from applications.templatetags.eoi import field_display
from fachkraefte import audit
from fachkraefte.admin import HistoryAdmin, RecordInline
from fachkraefte.admin_prefill import CheckedPrefillMixin
from fachkraefte.admin_workflow import WorkflowAdminMixin
from partnerships.admin import StateFilter
from partnerships.models import Side

JSON_FIELDS = ("working_languages", "themes", "sdgs")


def admin_field(name):
    """Lists are shown as the applicants see them, not as JSON."""
    return f"{name}_display" if name in JSON_FIELDS else name


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


class EventInline(RecordInline):
    model = Event


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(WorkflowAdminMixin, CheckedPrefillMixin, DashboardAdminMixin, HistoryAdmin):
    change_form_template = "admin/applications/expressionofinterest/change_form.html"
    step_comment_help = _("The applicants see this comment and receive it by e-mail.")
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
        # The applicants' content, closed: the summary atop the page is what staff read first.
        *[
            (part.label, {"fields": [admin_field(f) for f in PART_FIELDS[part]], "classes": ["collapse"]})
            for part in Part
        ],
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
        """Staff may delete a draft, which nobody relies on yet; once submitted, only a superuser may."""
        if not super().has_delete_permission(request, obj):
            return False
        return request.user.is_superuser or obj is None or obj.status == Status.DRAFT

    def delete_queryset(self, request, queryset):
        # "Delete selected" asks has_delete_permission without an object: the drafts-only rule holds here too.
        if not request.user.is_superuser and queryset.exclude(status=Status.DRAFT).exists():
            raise audit.refuse(detail="delete expressions of interest past the draft")
        super().delete_queryset(request, queryset)

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

    def get_urls(self):
        return self.dashboard_urls() + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        eoi = self.get_object(request, unquote(object_id))
        if eoi is not None:
            extra_context = {**(extra_context or {}), "summary": self.summary(eoi)}
        return super().change_view(request, object_id, form_url, extra_context)

    def summary(self, eoi):
        """What staff read first, without scrolling: where the EOI stands, the latest message, the open dialogue."""
        who, next_step = progress.whose_turn(eoi)
        return {
            "days_in_status": self.days_in_status(eoi),
            "whose_turn": who,
            "next_step": next_step,
            "latest_message": latest_message(eoi),
            "dialogue": open_dialogue_items(eoi) if eoi.status == Status.NEEDS_DIALOGUE else None,
        }
