"""Who may be placed under which specialist model: pure functions, no database.

The rules (DOMAIN.md, "The three specialist models"):
- integrated expert (CIM): an EU or EFTA nationality;
- development worker (GIZ, Entwicklungshelfer-Gesetz): German or EU citizen, 18 or older,
  at least two years of professional experience;
- local expert: a national of the partner country.
GIZ usually also asks for vocational training: that is a hint (`hints`), not a legal bar.
"""

import datetime

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from partnerships import countries
from partnerships.models import SpecialistModel

EU_COUNTRIES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip
EFTA_COUNTRIES = frozenset({"CH", "IS", "LI", "NO"})
EU_EFTA_COUNTRIES = EU_COUNTRIES | EFTA_COUNTRIES
MINIMUM_AGE = 18
MINIMUM_YEARS_OF_EXPERIENCE = 2


def _codes(values):
    """Upper-case ISO codes from codes or django-countries Country objects."""
    return {str(getattr(value, "code", value)).strip().upper() for value in values or () if value}


def age_on(date_of_birth, day):
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def check(candidate, specialist_model, partner_countries=(), on=None):
    """Why `candidate` may NOT be placed under `specialist_model`: translated reasons; empty when eligible.

    `partner_countries`: ISO codes (or Country objects) of the partner municipalities; `on`: the start date.
    """
    on = on or datetime.date.today()
    nationalities = _codes(candidate.nationalities)
    model = SpecialistModel(specialist_model)
    if model == SpecialistModel.INTEGRATED:
        return _integrated(nationalities)
    if model == SpecialistModel.DEVELOPMENT_WORKER:
        return _development_worker(candidate, nationalities, on)
    return _local(nationalities, _codes(partner_countries))


def _integrated(nationalities):
    if nationalities & EU_EFTA_COUNTRIES:
        return []
    return [_("needs an EU or EFTA nationality")]


def _development_worker(candidate, nationalities, on):
    reasons = []
    if not nationalities & EU_COUNTRIES:  # Germany is in the EU
        reasons.append(_("needs German or another EU citizenship"))
    if candidate.date_of_birth is None:
        reasons.append(_("date of birth missing"))
    elif age_on(candidate.date_of_birth, on) < MINIMUM_AGE:
        reasons.append(_("must be 18 or older on the start date"))
    if (candidate.years_of_experience or 0) < MINIMUM_YEARS_OF_EXPERIENCE:
        reasons.append(_("needs at least two years of professional experience"))
    return reasons


def _local(nationalities, partner_countries):
    if not partner_countries:
        return [_("no partner country to compare the nationality with")]
    if nationalities & partner_countries:
        return []
    names = sorted(countries.name(code) for code in partner_countries)
    return [_("must be a national of %(countries)s") % {"countries": get_text_list(names, _("or"))}]


def hints(candidate, specialist_model):
    """What recruiters usually also want, beyond the legal requirements: translated, never a bar."""
    if specialist_model == SpecialistModel.DEVELOPMENT_WORKER and not candidate.vocational_training:
        return [_("GIZ usually also asks for completed vocational training")]
    return []
