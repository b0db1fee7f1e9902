from django.contrib import admin

from applications.models import Event, ExpressionOfInterest, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["municipality"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "specialist_model", "created_at", "submitted_at"]
    list_filter = ["status", "specialist_model"]
    search_fields = ["partnership__name", "participants__municipality__name", "participants__municipality__ags"]
    list_select_related = ["partnership"]
    readonly_fields = ["status", "created_by", "created_at", "submitted_at"]
    inlines = [ParticipantInline, EventInline]
