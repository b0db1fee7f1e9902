"""The needs dialogue on the EOI's admin page: meetings to record, and the terms of reference to read.

Staff propose and agree to terms through the portal's terms pages (programme staff read every EOI
there); the read-only inline links to them.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from applications import dialogue
from applications.models import Meeting, Status, TermsOfReference
from fachkraefte.admin import ReadOnlyInlineMixin, local_datetime


def made_by(user, when):
    """Who recorded or proposed something, and when, in the reader's time zone: "Name, 02.12.2026 14:05"."""
    return f"{user.name or user.email}, {local_datetime(when)}"


def agreement_state(eoi, terms):
    """Agreed by every party, or who has not agreed to this version yet, in words."""
    waiting = [str(label) for label, agreement in dialogue.parties(eoi, terms) if agreement is None]
    if not waiting:
        return _("agreed by every party")
    return _("waiting for: %(parties)s") % {"parties": ", ".join(waiting)}


def open_dialogue_items(eoi):
    """For the summary atop the EOI's admin page: the newest terms and who still has to agree; the meetings."""
    terms = dialogue.newest_terms(eoi)
    meetings = list(eoi.meetings.all())
    return {
        "terms": terms,
        "terms_state": agreement_state(eoi, terms) if terms else "",
        "meetings": meetings[:3],
        "meeting_count": len(meetings),
    }


class MeetingFormSet(BaseInlineFormSet):
    """New meetings go through `dialogue.record_meeting`: it notes who recorded them and records the event."""

    request = None  # set by MeetingInline.get_formset

    def clean(self):
        super().clean()
        new = [form for form in self.extra_forms if form.has_changed() and not self._should_delete_form(form)]
        if new and self.instance.status != Status.NEEDS_DIALOGUE:
            raise ValidationError(dialogue.not_in_dialogue_message(self.instance))

    def save_new(self, form, commit=True):
        values = {name: form.cleaned_data[name] for name in dialogue.MEETING_FIELDS}
        return dialogue.record_meeting(self.instance, by=self.request.user, **values)


class MeetingInline(admin.StackedInline):
    model = Meeting
    formset = MeetingFormSet
    extra = 0
    fields = ["date", "format", "participants", "notes", "recorded"]
    readonly_fields = ["recorded"]
    classes = ["collapse"]  # the summary atop the page lists them; opened to record one

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # a class made for this request alone
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    # A recorded meeting is part of the EOI's record, which the applicants read: it is neither changed nor
    # deleted here (a correction is a new meeting); new ones are added, through dialogue.record_meeting.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Recorded"))
    def recorded(self, meeting):
        return made_by(meeting.created_by, meeting.created_at) if meeting.pk else "–"


class TermsOfReferenceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TermsOfReference
    fields = [
        "number",
        "specialist_model",
        "duration_months",
        "start",
        "proposed",
        "agreement",
        "recorded_changes",
    ]
    classes = ["collapse"]  # the summary atop the page says how the newest version stands

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by", "eoi")
            .prefetch_related("agreements__municipality", "eoi__participants__municipality")
        )

    @admin.display(description=_("Proposed"))
    def proposed(self, terms):
        return made_by(terms.created_by, terms.created_at)

    @admin.display(description=_("agreement"))
    def agreement(self, terms):
        return format_html(
            '{} · <a href="{}">{}</a> · <a href="{}">{}</a>',
            agreement_state(terms.eoi, terms),
            reverse("applications:terms", args=[terms.eoi_id]),
            _("agree or propose a new version"),
            reverse("applications:terms_pdf", args=[terms.eoi_id, terms.number]),
            _("PDF"),
        )

    @admin.display(description=_("history"))
    def recorded_changes(self, terms):
        """Who saved this version and any later change to it, from the audit history (simple-history)."""
        records = self._history_of(terms)
        rows = []
        for previous, record in zip([None, *records], records, strict=False):
            changed = ", ".join(record.diff_against(previous).changed_fields) if previous else ""
            who = record.history_user or _("the system")
            when = date_format(localtime(record.history_date), "SHORT_DATETIME_FORMAT")
            rows.append((when, record.get_history_type_display(), who, changed))
        return format_html_join("", "<div>{} · {} · {} {}</div>", rows)

    def _history_of(self, terms):
        # Inline instances live for one request: one query for every version of the EOI, not one per version.
        if getattr(self, "_history_eoi", None) != terms.eoi_id:
            self._history_eoi = terms.eoi_id
            self._history = {}
            records = TermsOfReference.history.filter(eoi_id=terms.eoi_id).select_related("history_user")
            for record in records.order_by("history_date", "history_id"):
                self._history.setdefault(record.id, []).append(record)
        return self._history.get(terms.pk, [])


DIALOGUE_INLINES = [MeetingInline, TermsOfReferenceInline]
