"""The form for a new version of the terms of reference."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.dialogue import TERMS_FIELDS
from applications.language_rows import LanguageRowsMixin
from applications.models import TermsOfReference

MIN_MONTHS, MAX_MONTHS = 1, 60


class TermsForm(LanguageRowsMixin, forms.ModelForm):
    """Prefilled from the version it starts from (an unsaved instance); `terms_values()` is what the service takes."""

    duration_months = forms.IntegerField(
        label=_("Duration in months"),
        min_value=MIN_MONTHS,
        max_value=MAX_MONTHS,
        help_text=_("Usually 24 months; at least 1, at most 60."),
    )

    class Meta:
        model = TermsOfReference
        fields = [name for name in TERMS_FIELDS if name != "languages"]
        widgets = {
            "expertise": forms.Textarea(attrs={"rows": 3}),
            "tasks_and_goals": forms.Textarea(attrs={"rows": 5}),
            "places_of_assignment": forms.Textarea(attrs={"rows": 2}),
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_rows(self.instance.languages)

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*self.Meta.fields, Fieldset(_("Working languages"), *self.language_layout()))
        return helper

    def clean(self):
        cleaned = super().clean()
        cleaned["languages"] = self.clean_language_rows(cleaned)
        return cleaned

    def terms_values(self):
        return {name: self.cleaned_data[name] for name in TERMS_FIELDS}
