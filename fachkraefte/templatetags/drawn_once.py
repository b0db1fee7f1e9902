"""`{{ form|crispy_once:"name" }}`: a form drawn through crispy, once per process and language while it is empty.

Crispy draws each field through several templates: a filter form of four fields takes about 3 ms, on every
request, for HTML that is the same for everyone who reads the page in that language. Only for forms whose
fields, labels, choices and initial values do not depend on the reader or the object (the activity log's
filter, the message and attachment forms of an EOI); a bound form (the user's input, its errors) is drawn
each time. The name says which form it is (django-filter makes a new form class for each filter it builds).
What is kept lives as long as the compiled templates do: a new release starts new processes; a
changed setting (a test's, e.g. the upload limit in the file fields' help) forgets it.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation

register = template.Library()

_drawn = {}  # (name, language) -> HTML


@register.filter
def crispy_once(form, name):
    if not form or form.is_bound:
        return as_crispy_form(form)
    key = (name, translation.get_language())
    html = _drawn.get(key)
    if html is None:
        html = _drawn[key] = as_crispy_form(form)
    return html


@receiver(setting_changed)
def forget_drawn(**kwargs):
    _drawn.clear()
