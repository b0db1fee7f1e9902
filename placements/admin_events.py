"""Network and exchange events in the admin: staff create them and mark attendance; own events are listed.

Times are entered and shown in the event's own time zone: the change form runs under that zone
(taken from the submitted form, else from the event), so "10:00" means 10:00 where the event happens.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fachkraefte.admin import ReadOnlyAdmin
from fachkraefte.admin_prefill import CheckedPrefillMixin
from placements import events
from placements.models import NetworkEvent, OwnNetworkEvent, Registration


class NetworkEventForm(forms.ModelForm):
    online_link = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = NetworkEvent
        fields = [
            "title",
            "description",
            "time_zone",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "registration_deadline",
            "audience",
        ]
        help_texts = {
            "time_zone": _("IANA name, for example Europe/Berlin or Africa/Windhoek; the times are in this zone."),
        }

    def clean_time_zone(self):
        name = self.cleaned_data["time_zone"].strip()
        if not events.is_valid_time_zone(name):
            raise forms.ValidationError(_("Unknown time zone: use an IANA name such as Europe/Berlin."))
        return name

    def clean(self):
        data = super().clean()
        starts, ends, deadline = data.get("starts_at"), data.get("ends_at"), data.get("registration_deadline")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        if starts and deadline and deadline > starts:
            self.add_error("registration_deadline", _("Registration must close before the event starts."))
        if not data.get("place") and not data.get("online_link"):
            raise forms.ValidationError(_("Give a place or an online link."))
        return data


class RegistrationInline(admin.TabularInline):
    """The people registered; staff mark who attended. Registering and cancelling go through the portal."""

    model = Registration
    extra = 0
    can_delete = False
    fields = ["specialist", "state", "created_at", "attended"]
    readonly_fields = ["specialist", "state", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # Each row is printed with its str(), which names the event.
        return super().get_queryset(request).select_related("specialist", "event")


@admin.register(NetworkEvent)
class NetworkEventAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    form = NetworkEventForm
    inlines = [RegistrationInline]
    list_display = [
        "title",
        "start_in_zone",
        "time_zone",
        "where",
        "capacity",
        "registered_count",
        "waitlisted_count",
        "deadline_in_zone",
    ]
    list_filter = ["time_zone"]
    search_fields = ["title", "place", "audience"]
    date_hierarchy = "starts_at"
    readonly_fields = ["reminder_sent_at"]
    actions = ["mark_registered_attended"]

    def get_queryset(self, request):
        return events.with_counts(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        return [*NetworkEventForm.Meta.fields, "reminder_sent_at"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with timezone.override(self.zone_for(request, object_id)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def zone_for(self, request, object_id):
        name = request.POST.get("time_zone", "").strip()
        if not events.is_valid_time_zone(name) and str(object_id or "").isdigit():  # a hand-edited URL: no event
            event = NetworkEvent.objects.filter(pk=object_id).only("time_zone").first()
            name = event.time_zone if event else ""
        return name if events.is_valid_time_zone(name) else timezone.get_default_timezone_name()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and "capacity" in form.changed_data:  # a larger room: the waiting list moves up
            with transaction.atomic():
                events.fill_free_places(NetworkEvent.objects.select_for_update().get(pk=form.instance.pk))

    @admin.display(description=_("starts"), ordering="starts_at")
    def start_in_zone(self, event):
        return date_format(timezone.localtime(event.starts_at, events.zone_of(event)), "DATETIME_FORMAT")

    @admin.display(description=_("registration deadline"), ordering="registration_deadline")
    def deadline_in_zone(self, event):
        return date_format(timezone.localtime(event.registration_deadline, events.zone_of(event)), "DATETIME_FORMAT")

    @admin.display(description=_("place or online link"))
    def where(self, event):
        return event.place or event.online_link

    @admin.display(description=_("registered"), ordering="registered_count")
    def registered_count(self, event):
        return event.registered_count

    @admin.display(description=_("waiting list"), ordering="waitlisted_count")
    def waitlisted_count(self, event):
        return event.waitlisted_count

    @admin.action(description=_("Mark everyone registered as attended"), permissions=["change"])
    def mark_registered_attended(self, request, queryset):
        count = Registration.objects.filter(event__in=queryset, state=Registration.State.REGISTERED).update(
            attended=True
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d registration marked as attended; correct exceptions on the event's page.",
                "%(count)d registrations marked as attended; correct exceptions on the event's page.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(OwnNetworkEvent)
class OwnNetworkEventAdmin(ReadOnlyAdmin):
    """What staff see beside the programme's own events: the events specialists organised or attended."""

    list_display = [
        "date",
        "title",
        "placement",
        "organised_or_attended",
        "place",
        "participants_women",
        "participants_men",
        "participants_diverse",
        "participants_not_stated",
        "total",
    ]
    list_filter = ["organised", "date", "placement__specialist_model", "placement__status"]
    search_fields = ["title", "place", "partners", "placement__candidate__name"]
    date_hierarchy = "date"
    list_select_related = ["placement__candidate", "placement__eoi__partnership"]

    @admin.display(description=_("organised or attended"), ordering="organised")
    def organised_or_attended(self, own_event):
        return _("organised") if own_event.organised else _("attended")

    @admin.display(description=_("participants"))
    def total(self, own_event):
        return own_event.participants_total
