"""The message thread in the EOI admin: every message and internal note, and a form for a new one.

Posted messages cannot be changed (the applicants may have read them by e-mail); a new one goes
through `messaging.post_message`, so a message the applicants see is recorded and told as from the portal.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from applications import messaging
from applications.models import Message
from fachkraefte.admin import NewestRowsFormSet, NewestRowsInlineMixin, ReadOnlyInlineMixin, local_datetime


class ThreadFormSet(NewestRowsFormSet):
    def newest_of(self, rows):
        return list(reversed(rows.reverse()[: self.newest]))  # the newest messages, still read from the top down


class MessageThreadInline(NewestRowsInlineMixin, ReadOnlyInlineMixin, admin.TabularInline):
    model = Message
    formset = ThreadFormSet
    verbose_name_plural = _("messages and internal notes")
    fields = ["posted_at", "sender", "internal", "text", "attachment_link"]
    show_all_parameter = "messages"
    empty_text = _("No messages yet.")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=_("when"))
    def posted_at(self, message):
        return local_datetime(message.created_at)

    @admin.display(description=_("by"))
    def sender(self, message):
        return message.author.name or message.author.email

    @admin.display(description=_("message"))
    def text(self, message):
        return linebreaksbr(message.body)

    @admin.display(description=_("attachment"))
    def attachment_link(self, message):
        if not message.attachment:
            return "–"
        url = reverse("applications:message_attachment", args=[message.eoi_id, message.pk])
        return format_html('<a href="{}">{}</a>', url, message.attachment_name or _("attachment"))


def latest_message(eoi):
    """The newest message or internal note, for the summary atop the EOI's admin page."""
    return eoi.messages.select_related("author").order_by("-created_at", "-pk").first()


class NewMessageForm(messaging.MessageForm, forms.ModelForm):
    """The portal's message form (its text, its upload field and check) with the admin's 'internal' box."""

    field_order = ["body", "internal", "attachment"]

    class Meta:
        model = Message
        fields = ["internal"]


class NewMessageFormSet(BaseInlineFormSet):
    author = None  # the user posting: set per request in NewMessageInline.get_formset

    def save_new(self, form, commit=True):
        return messaging.post_message(
            self.instance,
            form.cleaned_data["body"],
            by=self.author,
            internal=form.cleaned_data["internal"],
            upload=form.cleaned_data.get("attachment"),
        )


class NewMessageInline(admin.StackedInline):
    model = Message
    form = NewMessageForm
    formset = NewMessageFormSet
    verbose_name = _("new message")
    verbose_name_plural = _("new message or internal note")
    extra = 1
    max_num = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()  # the thread above shows what was posted

    def has_change_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.author = request.user  # a fresh class per call: safe to set here
        return formset


MESSAGE_INLINES = [MessageThreadInline, NewMessageInline]
