from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.validators import MinLengthValidator
from django.utils.translation import gettext_lazy as _

from fachkraefte.models import AccessibilityFeedback

MESSAGE_MIN_LENGTH = 10


class AccessibilityFeedbackForm(forms.ModelForm):
    """The barrier someone met; `leave_empty` is a trap for machines that fill in every field (hidden)."""

    leave_empty = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "contact_email"]
        labels = {
            "page_url": _("Page or document concerned"),
            "message": _("What did not work for you?"),
            "contact_email": _("Your e-mail address (optional)"),
        }
        help_texts = {
            "page_url": _("The address or the name of the page, if you know it."),
            "message": _("Describe the barrier and, if you like, the assistive technology you use."),
            "contact_email": _("Only if you want an answer. We use it for nothing else."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].validators.append(MinLengthValidator(MESSAGE_MIN_LENGTH))
        self.fields["message"].widget.attrs["minlength"] = MESSAGE_MIN_LENGTH
        self.fields["leave_empty"].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form has the token
        self.helper.layout = Layout(
            "page_url",
            "message",
            Field("contact_email", autocomplete="email"),
            Field("leave_empty", wrapper_class="d-none"),
        )

    def is_machine(self):
        return bool(self.cleaned_data.get("leave_empty"))

    def cleaned_data_for_record(self):
        return {name: self.cleaned_data[name] for name in ("message", "page_url", "contact_email")}
