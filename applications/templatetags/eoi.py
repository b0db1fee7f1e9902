from django import template
from django.utils.formats import date_format

from applications.models import Status
from applications.vocabulary import WorkingLanguage

register = template.Library()


def languages_display(rows):
    return ", ".join(f"{WorkingLanguage(r['language']).label} {r['level']}" for r in rows if r.get("language"))


@register.filter
def field_display(eoi, name):
    """An EOI field's value as a reader sees it: labels for codes, dates in the reader's format."""
    value = getattr(eoi, name)
    if name == "working_languages":
        return languages_display(value)
    if name == "themes":
        return ", ".join(str(label) for label in eoi.theme_labels())
    if name == "sdgs":
        return ", ".join(str(label) for label in eoi.sdg_labels())
    if name == "wished_start" and value:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return value


@register.filter
def status_label(code):
    """A status code as words in the active language (e-mails carry codes, not labels)."""
    return Status(code).label if code in Status.values else code
