"""Where each specialist model is open now, read from the country x model table staff keep.

A country counts when it is on the ODA list today and staff opened the model there: the two conditions an
expression of interest must meet (applications.services). The regions group the countries for the chart;
the ODA list names no region, so the grouping is written here, as the DAC list orders its countries.
"""

import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from partnerships.models import Country, SpecialistModel

AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA, OTHER = "africa", "americas", "asia", "europe", "oceania", "other"
REGION_LABELS = {
    AFRICA: _("Africa"),
    AMERICAS: _("Americas"),
    ASIA: _("Asia"),
    EUROPE: _("Europe"),
    OCEANIA: _("Oceania"),
    OTHER: _("Other countries"),
}
REGION_COUNTRIES = {
    AFRICA: "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU "
    "MA MZ NA NE NG RW SH ST SN SL SO ZA SS SD TZ TG TN UG ZM ZW",
    AMERICAS: "AR BZ BO BR CO CR CU DM DO EC SV GD GT GY HT HN JM MX MS NI PA PY PE LC VC SR VE",
    ASIA: "AF AM AZ BD BT KH CN KP GE IN ID IR IQ JO KZ KG LA LB MY MV MN MM NP PK PH LK SY TJ TH TL TM UZ VN PS YE",
    EUROPE: "AL BY BA XK MD ME MK RS TR UA",
    OCEANIA: "FJ KI MH FM NR NU PW PG WS SB TK TO TV VU WF",
}
REGION_OF = {code: region for region, codes in REGION_COUNTRIES.items() for code in codes.split()}
MODELS = list(SpecialistModel)
# Short names for the chart and the table heads (a phone has no room for the full ones); the page explains them.
SHORT_LABELS = {
    SpecialistModel.INTEGRATED: _("CIM"),
    SpecialistModel.DEVELOPMENT_WORKER: _("GIZ"),
    SpecialistModel.LOCAL: _("Local"),
}


def model_columns():
    return [(model.label, SHORT_LABELS[model]) for model in MODELS]


def sort_key(name):
    """Names sorted as a reader expects, Äthiopien with the A's: by their letters without accents."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@dataclass
class CountryRow:
    name: str
    code: str
    open: list  # one bool per model, in the order of MODELS


@dataclass
class Region:
    key: str
    label: str
    countries: list = field(default_factory=list)

    @property
    def open_counts(self):
        """How many of the region's countries each model is open in, in the order of MODELS."""
        return [sum(row.open[index] for row in self.countries) for index in range(len(MODELS))]


def open_now():
    """The regions, each with its countries where at least one model is open, sorted by name in the active language."""
    regions = {key: Region(key, str(label)) for key, label in REGION_LABELS.items()}
    countries = Country.objects.oda_recipients().filter(availabilities__is_open=True).distinct()
    for country in countries.prefetch_related("availabilities"):
        open_models = set(country.open_models())
        row = CountryRow(str(country), country.code.code, [model.value in open_models for model in MODELS])
        regions[REGION_OF.get(country.code.code, OTHER)].countries.append(row)
    for region in regions.values():
        region.countries.sort(key=lambda row: sort_key(row.name))
    return [region for region in regions.values() if region.countries]


# --- the chart, drawn here as SVG geometry; the template writes the elements ------------------------------
BAR_COLOURS = ("#0b5394", "#1b6e3a", "#7a3e9d")  # each at least 7:1 on white: bars and their labels
CHART_WIDTH = 340
LABEL_WIDTH = 56  # the model's short name left of its bar
COUNT_ROOM = 36  # the number written after the bar
BAR_HEIGHT = 18
BAR_STEP = 24


@dataclass
class Bar:
    label: str
    count: int
    colour: str
    y: int  # the top of the bar
    text_y: int  # the baseline of its label and count
    width: int
    count_x: int


@dataclass
class ChartGroup:
    label: str
    y: int  # the baseline of the region's name
    bars: list


def chart(regions):
    """Grouped bars: per region one bar per model, its length the number of countries the model is open in."""
    longest = max((count for region in regions for count in region.open_counts), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - COUNT_ROOM
    short_labels = [SHORT_LABELS[model] for model in MODELS]
    groups, y = [], 0
    for region in regions:
        y += 22
        group = ChartGroup(region.label, y, [])
        y += 8
        for index, count in enumerate(region.open_counts):
            width = round(room * count / longest)
            bar = Bar(str(short_labels[index]), count, BAR_COLOURS[index], y, y + 14, width, LABEL_WIDTH + width + 6)
            group.bars.append(bar)
            y += BAR_STEP
        groups.append(group)
        y += 6
    return {"groups": groups, "height": y, "width": CHART_WIDTH, "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT}
