"""The Amtlicher Gemeindeschlüssel (AGS): 8 digits, Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeinde (3)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GERMAN_STATES = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


def validate_ags(value):
    if len(value) != 8 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("The official municipality key (AGS) has exactly eight digits, e.g. 07315000."), code="ags_format"
        )
    if value[:2] not in GERMAN_STATES:
        raise ValidationError(
            _("The AGS must begin with the number of a Land, 01 to 16; %(prefix)s is none."),
            params={"prefix": value[:2]},
            code="ags_state",
        )
