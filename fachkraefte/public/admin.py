"""Accessibility feedback in the admin: staff read it and answer once; answering takes it off the work queue."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fachkraefte.models import AccessibilityFeedback
from fachkraefte.public import feedback


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("waiting for an answer")), ("yes", _("answered"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.unanswered()
        if self.value() == "yes":
            return queryset.filter(answered_at__isnull=False)
        return queryset


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "excerpt", "page_url", "language", "has_email", "answered_at"]
    list_filter = [AnsweredFilter, "language", "created_at"]
    search_fields = ["message", "page_url", "contact_email"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "language",
        "page_url",
        "message",
        "contact_email",
        "answer",
        "answered_at",
        "answered_by",
    ]

    def has_add_permission(self, request):
        return False  # feedback comes from the public form

    def get_readonly_fields(self, request, obj=None):
        written = ["created_at", "language", "page_url", "message", "contact_email", "answered_at", "answered_by"]
        return written + (["answer"] if obj is not None and obj.answered_at else [])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "answer" in form.base_fields:
            form.base_fields["answer"].help_text = _(
                "Saving an answer marks the feedback answered and, if the sender gave an e-mail address, "
                "sends it to them. It cannot be changed afterwards."
            )
        return form

    @admin.display(description=_("message"))
    def excerpt(self, obj):
        text = " ".join(obj.message.split())
        return text if len(text) <= 60 else f"{text[:59]}…"

    @admin.display(description=_("e-mail given"), boolean=True)
    def has_email(self, obj):
        return bool(obj.contact_email)

    def save_model(self, request, obj, form, change):
        text = (form.cleaned_data.get("answer") or "").strip()
        if not text or obj.answered_at:
            return  # nothing else on the row is changed in the admin
        try:
            feedback.answer(obj, text, by=request.user)
        except feedback.AlreadyAnswered:
            self.message_user(request, _("Someone answered this feedback in the meantime."), messages.WARNING)
            return
        obj.refresh_from_db()
