"""Placements and the shortlist in the admin.

A placement is created here by programme staff once the contracting is done: the add form offers
only EOIs in contracting and fills in what the EOI already knows (the selected candidate, the model,
the partner municipalities as places, the agreed start, the default end); saving creates the
placement and moves the EOI to `placed` in the same transaction. The candidate is the one selected on
that EOI's shortlist (placements.selection holds the rule, the service checks it too). Nobody names the
specialist's account here: the candidate is invited by e-mail and ties their own (specialist_invitations).

Nobody but a superuser deletes a placement here: its activity log, reports and history hang on it
(the database PROTECTs them, so even a superuser is shown what stands in the way).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from applications.models import ExpressionOfInterest, Participant, Status
from fachkraefte.admin import HistoryAdmin, ReadOnlyAdmin, ReadOnlyInlineMixin, RecordInline
from fachkraefte.admin_prefill import CheckedPrefillMixin
from fachkraefte.admin_workflow import WorkflowAdminMixin
from fachkraefte.workflow import StepRefused
from partnerships.models import Municipality, Side, SpecialistModel
from placements import selection, services, specialist_invitations
from placements.currencies import currency_choices
from placements.models import (
    PLACEMENT_MONTHS,
    Candidate,
    Placement,
    PlacementEvent,
    PlacementStatus,
    ShortlistDecision,
    ShortlistEntry,
)

GIZ = "GIZ"


def contracting_eois():
    return ExpressionOfInterest.objects.filter(status=Status.CONTRACTING, placement__isnull=True).select_related(
        "partnership"
    )


def partner_municipalities(eoi):
    return [p.municipality for p in eoi.participants.select_related("municipality") if p.side == Side.PARTNER]


def agreed_months(eoi):
    """The duration the terms of reference agreed, or the programme's rule of two years."""
    terms = eoi.agreed_terms()
    return terms.duration_months if terms is not None and terms.duration_months else PLACEMENT_MONTHS


def placement_defaults(eoi):
    """What the EOI already says about its placement; the end follows from the start staff enter."""
    terms = eoi.agreed_terms()
    partners = partner_municipalities(eoi)
    employer = ", ".join(m.name for m in partners)
    if eoi.specialist_model == SpecialistModel.DEVELOPMENT_WORKER:
        employer = GIZ  # development workers are employed by the GIZ, not by the municipality
    return {
        "candidate": selection.selected_candidate(eoi),
        "specialist_model": eoi.specialist_model,
        "places": partners,
        "employer": employer,
        "start": terms.start if terms is not None else None,
    }


class PlacementForm(forms.ModelForm):
    """The top-up's currency is chosen from the ISO 4217 codes (the database checks the format too)."""

    top_up_currency = forms.ChoiceField(
        label=_("currency"),
        choices=lambda: [("", "---------"), *currency_choices()],
        required=False,
        help_text=_("Required with a top-up."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "places" in self.fields:  # the add form offers the chosen EOI's partners itself
            partners = [m.pk for m in partner_municipalities(self.instance.eoi)]
            self.fields["places"].queryset = Municipality.objects.filter(pk__in=partners)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("monthly_top_up") is not None and not cleaned.get("top_up_currency"):
            self.add_error("top_up_currency", _("Choose the currency of the top-up."))
        return cleaned


class PlacementAddForm(PlacementForm):
    """Only EOIs in contracting; what is left empty is taken from the EOI."""

    class Meta:
        model = Placement
        fields = [
            "eoi",
            "candidate",
            "specialist_model",
            "places",
            "employer",
            "start",
            "end",
            "monthly_top_up",
            "top_up_currency",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eoi"].queryset = contracting_eois()
        self.fields["candidate"].queryset = Candidate.objects.filter(
            shortlistings__selected=True, shortlistings__eoi__status=Status.CONTRACTING
        ).distinct()
        for name in ("candidate", "specialist_model", "places", "employer", "start", "end"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Left empty, it is taken from the expression of interest.")
        self.eoi = self.chosen_eoi()
        self.fields["places"].queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in partner_municipalities(self.eoi)] if self.eoi else self.partners_in_contracting()
        )
        self.fields["end"].help_text = self.end_rule()

    def chosen_eoi(self):
        """The EOI the form is for: the one posted, or the one the add link named."""
        value = self.data.get(self.add_prefix("eoi")) if self.is_bound else self.initial.get("eoi")
        pk = getattr(value, "pk", value)
        return contracting_eois().filter(pk=pk).first() if str(pk or "").isdigit() else None

    @staticmethod
    def partners_in_contracting():
        return Participant.objects.filter(eoi__in=contracting_eois(), side=Side.PARTNER).values("municipality")

    def end_rule(self):
        """The end the form will use when it is left empty, in words and, where the start is known, as a date."""
        months = agreed_months(self.eoi) if self.eoi else PLACEMENT_MONTHS
        rule = _("Left empty: the start plus the agreed duration of %(months)s months.") % {"months": months}
        start = self.initial.get("start")
        if start and not self.is_bound:
            end = formats.date_format(Placement.default_end(start, months), "SHORT_DATE_FORMAT")
            rule = f"{rule} " + _("With the start above: %(end)s.") % {"end": end}
        return rule

    def clean(self):
        cleaned = super().clean()
        eoi = cleaned.get("eoi")
        if eoi is None:
            return cleaned
        for name, value in placement_defaults(eoi).items():
            if not cleaned.get(name):
                cleaned[name] = value
        if cleaned.get("start") and not cleaned.get("end"):
            cleaned["end"] = Placement.default_end(cleaned["start"], agreed_months(eoi))
        for name in ("candidate", "start", "end", "employer"):
            if not cleaned.get(name):
                self.add_error(name, _("The expression of interest does not say; please fill this in."))
        if cleaned.get("candidate"):
            try:
                selection.check_selected_candidate(eoi, cleaned["candidate"])
            except ValidationError as refused:
                self.add_error("candidate", refused)
        partners = {m.pk for m in partner_municipalities(eoi)}
        if not cleaned.get("places"):
            self.add_error("places", _("The expression of interest does not say; please fill this in."))
        elif any(m.pk not in partners for m in cleaned["places"]):
            self.add_error("places", _("The places of assignment are among the partner municipalities of the EOI."))
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end must not lie before the start."))
        return cleaned


class PlacementEventInline(RecordInline):
    model = PlacementEvent


@admin.register(Placement)
class PlacementAdmin(WorkflowAdminMixin, CheckedPrefillMixin, HistoryAdmin):
    list_display = ["candidate", "eoi", "specialist_model", "status", "start", "end", "specialist"]
    list_filter = ["status", "specialist_model"]
    list_select_related = ["candidate", "eoi__partnership", "specialist"]
    search_fields = ["candidate__name", "specialist__name", "specialist__email", "employer", "eoi__partnership__name"]
    date_hierarchy = "start"
    fieldsets = [
        (None, {"fields": ["eoi", "candidate", "specialist", "specialist_model", "status"]}),
        (_("Place and time"), {"fields": ["places", "employer", "start", "end", "end_reason"]}),
        (_("Pay (staff only)"), {"fields": ["monthly_top_up", "top_up_currency"]}),
        (None, {"fields": ["created_by", "created_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": ["eoi", "candidate", "specialist_model"],
                "description": _(
                    "Once saved, the selected candidate is invited by e-mail to set up their own account."
                ),
            },
        ),
        (_("Place and time"), {"fields": ["places", "employer", "start", "end"]}),
        (_("Pay (staff only)"), {"fields": ["monthly_top_up", "top_up_currency"]}),
    ]
    filter_horizontal = ["places"]
    inlines = [PlacementEventInline]
    step_fields = {
        "new_end": lambda: forms.DateField(label=_("New end"), widget=forms.DateInput(attrs={"type": "date"})),
        "end": lambda: forms.DateField(
            label=_("Last day of the placement"),
            widget=forms.DateInput(attrs={"type": "date"}),
            initial=timezone.localdate,
        ),
    }
    step_note = _("The reports are rescheduled to match the new dates; submitted reports stay as they are.")
    actions = ["invite_specialist_again"]

    @admin.action(description=_("Send the specialist's invitation again"))
    def invite_specialist_again(self, request, queryset):
        sent = sum(specialist_invitations.invite(p, by=request.user) for p in queryset.select_related("candidate"))
        skipped = queryset.count() - sent
        self.message_user(request, _("Invitations sent: %(sent)s.") % {"sent": sent}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                _("%(count)s placement(s) already have the specialist's account or no address to write to.")
                % {"count": skipped},
                messages.WARNING,
            )

    form = PlacementForm

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The specialist's account is tied only by the candidate following their invitation (join, join_existing).
        fixed = [
            "eoi",
            "candidate",
            "specialist",
            "specialist_model",
            "status",
            "end_reason",
            "created_by",
            "created_at",
        ]
        # Once begun, the dates move only through the workflow (extend, end early), which moves the reports.
        return fixed if obj.status == PlacementStatus.PLANNED else [*fixed, "start", "end"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PlacementAddForm
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        """`?eoi=<pk>` fills the add form from that EOI, so staff see what will be saved."""
        initial = super().get_changeform_initial_data(request)
        eoi_pk = request.GET.get("eoi", "")
        eoi = contracting_eois().filter(pk=eoi_pk).first() if eoi_pk.isdigit() else None
        if eoi is not None:
            defaults = placement_defaults(eoi)
            initial.update({name: value for name, value in defaults.items() if value not in (None, "", [])})
            initial["eoi"] = eoi
        return initial

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.create_placement(obj, form.cleaned_data["places"], by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and services.PLAN_FIELDS.intersection(form.changed_data):  # with the places saved
            services.plan_changed(form.instance, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A step refused while saving (someone moved the EOI meanwhile) is a message, never a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StepRefused as refused:
            messages.error(request, refused.message)
            return redirect(request.get_full_path())


class ShortlistDecisionInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Each participating municipality's own decision on the candidate."""

    model = ShortlistDecision
    fields = ["municipality", "decision", "reason", "decided_by", "decided_at", "reason_erased_at"]

    def get_queryset(self, request):
        # Each row is printed with its str(), which names the entry's candidate.
        return super().get_queryset(request).select_related("municipality", "decided_by", "entry__candidate")


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(ReadOnlyAdmin):
    """Read-only: the shortlist is kept in the portal by recruiters, staff and the municipalities."""

    list_display = ["candidate", "eoi", "selected", "added_by", "added_at"]
    list_filter = ["selected", "eoi__specialist_model", "decisions__decision"]
    list_select_related = ["candidate", "eoi__partnership", "added_by"]
    inlines = [ShortlistDecisionInline]
    search_fields = ["candidate__name", "eoi__partnership__name"]
    date_hierarchy = "added_at"
