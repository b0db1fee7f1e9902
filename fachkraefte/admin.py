"""The security log and the e-mail outbox, read-only; and the read-only change history for audited models."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseNotAllowed
from django.template.defaultfilters import linebreaksbr
from django.urls import path
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from fachkraefte.models import AuditEntry, OutboundEmail
from fachkraefte.outbox import without_link_keys
from fachkraefte.public import admin as public_admin  # noqa: F401 - registers the accessibility feedback
from fachkraefte.records import Record


class PlainActionCheckboxMixin:
    """The changelist's checkbox per row as the admin's widget renders it, from a format string: the widget's
    three templates per row were a third of a 100-row page's time."""

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class HistoryAdmin(PlainActionCheckboxMixin, SimpleHistoryAdmin):
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
        if request.method != "GET":  # a version is read, never posted back (405 as every read-only page)
            return HttpResponseNotAllowed(["GET"])
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


def local_datetime(value):
    """One time, in the reader's time zone (a raw datetime shows UTC in some places and local time in others)."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else "–"


class NewestRowsFormSet(BaseInlineFormSet):
    """The newest `newest` rows of a read-only inline, or all of them (`newest = None`); `total` counts them all."""

    newest = None  # these three are set per request in NewestRowsInlineMixin.get_formset
    show_all_url = ""
    show_newest_url = ""

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            rows = super().get_queryset()
            self._total = rows.count()
            self._queryset = rows if self.newest is None else self.newest_of(rows)
        return self._queryset

    def newest_of(self, rows):
        return rows[: self.newest]  # rows ordered newest first

    @property
    def total(self):
        self.get_queryset()
        return self._total

    @property
    def shows_all(self):
        return self.newest is None


class NewestRowsInlineMixin:
    """A long read-only list (a history, a thread) shows its newest rows; `?<show_all_parameter>=all` shows every row.

    The rows are a table without the "original" column, whose text would repeat each row (in UTC, for records).
    """

    template = "admin/edit_inline/newest_rows.html"
    formset = NewestRowsFormSet
    newest = 10
    show_all_parameter = ""  # e.g. "history": ?history=all
    empty_text = ""  # shown when there is no row at all

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)  # a fresh class per call: safe to set on it
        query = request.GET.copy()
        formset.newest = None if query.pop(self.show_all_parameter, None) == ["all"] else self.newest
        formset.show_newest_url = f"?{query.urlencode()}"
        query[self.show_all_parameter] = "all"
        formset.show_all_url = f"?{query.urlencode()}"
        return formset


class RecordInline(NewestRowsInlineMixin, ReadOnlyInlineMixin, admin.TabularInline):
    """The record of what happened to the object (see fachkraefte.records), in the reader's language, newest first."""

    verbose_name_plural = _("history")
    fields = ["when", "kind", "status_change", "actor", "particulars", "note"]
    classes = ["collapse"]
    show_all_parameter = "history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=Record._meta.get_field("created_at").verbose_name)
    def when(self, entry):
        return local_datetime(entry.created_at)

    @admin.display(description=_("status"))
    def status_change(self, entry):
        """One narrow column "submitted → in review" rather than two wide ones that are mostly empty."""
        if not (entry.from_status or entry.to_status):
            return ""
        statuses = {"from": entry.status_label(entry.from_status), "to": entry.status_label(entry.to_status)}
        return _("%(from)s → %(to)s") % statuses

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

    # The text without its links' keys (fachkraefte.outbox.without_link_keys); the HTML part is the same text.
    fields = ["created_at", "template", "recipients", "language", "subject", "text_shown", "state", "attempts"]
    fields += ["last_error", "sent_at"]
    readonly_fields = fields

    @admin.display(description=OutboundEmail._meta.get_field("to").verbose_name)
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description=OutboundEmail._meta.get_field("text").verbose_name)
    def text_shown(self, email):
        return linebreaksbr(without_link_keys(email.text), autoescape=True)
