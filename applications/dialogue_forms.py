"""The form for a new version of the terms of reference."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.dialogue import TERMS_FIELDS
from applications.forms import LANGUAGE_ROWS
from applications.models import TermsOfReference
from applications.vocabulary import CefrLevel, WorkingLanguage

MIN_MONTHS, MAX_MONTHS = 1, 60


class TermsForm(forms.ModelForm):
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
        saved = self.instance.languages or []
        for row in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                label=_("Working language %(row)s") % {"row": row},
                choices=[("", "—"), *WorkingLanguage.choices],
                required=False,
            )
            self.fields[f"level_{row}"] = forms.ChoiceField(
                label=_("Required level (CEFR)"), choices=[("", "—"), *CefrLevel.choices], required=False
            )
            if not self.is_bound and row <= len(saved):
                self.initial[f"language_{row}"] = saved[row - 1]["language"]
                self.initial[f"level_{row}"] = saved[row - 1]["level"]

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        rows = [Row(Column(f"language_{row}"), Column(f"level_{row}")) for row in range(1, LANGUAGE_ROWS + 1)]
        helper.layout = Layout(*self.Meta.fields, Fieldset(_("Working languages"), *rows))
        return helper

    def clean(self):
        cleaned = super().clean()
        languages = []
        for row in range(1, LANGUAGE_ROWS + 1):
            language, level = cleaned.get(f"language_{row}"), cleaned.get(f"level_{row}")
            if language and not level:
                self.add_error(f"level_{row}", _("Say which level this language is needed at."))
            elif level and not language:
                self.add_error(f"language_{row}", _("Choose the language this level is for."))
            elif language:
                languages.append({"language": language, "level": level})
        if len({row["language"] for row in languages}) < len(languages):
            self.add_error(None, _("Each working language only once, please."))
        cleaned["languages"] = languages
        return cleaned

    def terms_values(self):
        return {name: self.cleaned_data[name] for name in TERMS_FIELDS}
