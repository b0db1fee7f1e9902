"""Form rows of language + CEFR level, stored as [{"language": "fr", "level": "B2"}, ...]."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.vocabulary import CefrLevel, WorkingLanguage

LANGUAGE_ROWS = 3


class LanguageRowsMixin:
    """Adds language_N/level_N fields to a form; `clean_language_rows` turns them into the list."""

    language_label = _("Working language %(row)s")
    level_label = _("Required level (CEFR)")
    missing_level_message = _("Say which level this language is needed at.")

    def add_language_rows(self, saved):
        saved = saved or []
        for row in range(1, LANGUAGE_ROWS + 1):
            self.fields[f"language_{row}"] = forms.ChoiceField(
                label=self.language_label % {"row": row},
                choices=[("", "—"), *WorkingLanguage.choices],
                required=False,
            )
            self.fields[f"level_{row}"] = forms.ChoiceField(
                label=self.level_label, choices=[("", "—"), *CefrLevel.choices], required=False
            )
            if not self.is_bound and row <= len(saved):
                self.initial[f"language_{row}"] = saved[row - 1]["language"]
                self.initial[f"level_{row}"] = saved[row - 1]["level"]

    def language_layout(self):
        return [Row(Column(f"language_{row}"), Column(f"level_{row}")) for row in range(1, LANGUAGE_ROWS + 1)]

    def clean_language_rows(self, cleaned):
        languages = []
        for row in range(1, LANGUAGE_ROWS + 1):
            language, level = cleaned.get(f"language_{row}"), cleaned.get(f"level_{row}")
            if language and not level:
                self.add_error(f"level_{row}", self.missing_level_message)
            elif level and not language:
                self.add_error(f"language_{row}", _("Choose the language this level is for."))
            elif language:
                languages.append({"language": language, "level": level})
        if len({row["language"] for row in languages}) < len(languages):
            self.add_error(None, _("Each working language only once, please."))
        return languages
