"""Country names in the reader's language, from a table made once per language.

django-countries translates a name afresh on each `countries.name(code)`: the matching list names the
nationalities of a hundred candidates, the admin's changelist a partner country in each of fifty rows.
"""

import functools

from django.utils.translation import get_language
from django_countries import countries


def names():
    """{code: name} in the active language (with the portal's COUNTRIES_OVERRIDE, e.g. Kosovo)."""
    return _names(get_language())


@functools.cache
def _names(language):
    return dict(countries)  # the names in `language`, the active one


def choices():
    """[(code, name)] of every country in the active language, by name: a form's choices."""
    return list(names().items())


def name(code):
    """The country's name in the active language; the code itself where django-countries knows none."""
    return names().get(code) or code
