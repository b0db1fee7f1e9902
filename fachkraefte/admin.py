"""The security log and the e-mail outbox, read-only; and the read-only change history for audited models."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from fachkraefte.models import AuditEntry, OutboundEmail


class HistoryAdmin(SimpleHistoryAdmin):
    """The "History" page with who changed which field when; nobody reverts from it.

    A revert would save an old version past the workflow and the services (and bring back data a
    later change removed), so the history is for reading only.
    """

    def get_urls(self):
        """simple-history's page of one version, with named parameters (its own pattern has positional ones)."""
        info = self.opts.app_label, self.opts.model_name
        version = path(
            "<path:object_id>/history/<int:version_id>/",
            self.admin_site.admin_view(self.history_form_view),
            name="{}_{}_simple_history".format(*info),
        )
        return [version, *super(SimpleHistoryAdmin, self).get_urls()]

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInlineMixin:
    """An inline that shows rows and never adds, changes or deletes them; every listed field is read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The record of what happened to the object (see fachkraefte.records), in the reader's language."""

    verbose_name_plural = _("history")
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "particulars", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("particulars"))
    def particulars(self, entry):
        return entry.detail()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "user", "username", "ip_address", "object_type", "object_id", "path"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "user__email", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "recipients", "state", "attempts", "sent_at"]
    list_filter = ["state", "created_at"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"

    @admin.display(description=OutboundEmail._meta.get_field("to").verbose_name)
    def recipients(self, email):
        return ", ".join(email.to)
