"""The published placements as open data: a CSV table and an IATI 2.03 activity file.

Both read placements.publication (the one rule of what is public) and show nothing else: no person,
no e-mail address, no text a person wrote. The IATI file follows the IATI Activity Standard 2.03
(https://iatistandard.org/en/iati-standard/203/activity-standard/); its codes come from the IATI
code lists (ActivityStatus, ActivityDateType, OrganisationRole, OrganisationType, Sector vocabulary 1
= OECD DAC 5-digit, TagVocabulary 2 = SDG goals, ResultType, IndicatorMeasure).

The reporting organisation is configurable (settings.IATI_REPORTING_ORG_*, see README.md); each
activity's identifier is that organisation's ref, "FKF" (the Fachkräftefonds) and the placement's number.
"""

import io
import xml.etree.ElementTree as ET

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.vocabulary import Sdg
from fachkraefte.spreadsheets import csv_writer
from partnerships.models import SpecialistModel
from placements.models import PlacementStatus
from placements.publication import entries_of_published_placements

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ACTIVITY_SEGMENT = "FKF"

# IATI code lists
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"  # OrganisationRole
GOVERNMENT, LOCAL_GOVERNMENT, OTHER_PUBLIC_SECTOR = "10", "11", "15"  # OrganisationType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"  # ActivityDateType
ACTIVITY_STATUS = {  # ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation
    PlacementStatus.PLANNED: "1",
    PlacementStatus.ACTIVE: "2",
    PlacementStatus.EXTENDED: "2",
    PlacementStatus.COMPLETED: "3",
    PlacementStatus.ENDED_EARLY: "3",
}
SECTOR_VOCABULARY_DAC, SECTOR_DECENTRALISATION = "1", "15112"  # decentralisation and subnational government
TAG_VOCABULARY_SDG_GOAL = "2"
RESULT_TYPE_OUTPUT, MEASURE_UNIT = "1", "1"
SEX = {"women": "female", "men": "male", "diverse": "diverse", "not_stated": "not stated"}

# The organisations' names as they are registered, in German.
FUNDER = {
    "ref": "DE-1",
    "type": GOVERNMENT,
    "lang": "de",
    "name": "Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung (BMZ)",
}
EXTENDER = {
    "type": OTHER_PUBLIC_SECTOR,
    "lang": "de",
    "name": "Engagement Global gGmbH – Servicestelle Kommunen in der Einen Welt (SKEW)",
}
RECRUITERS = {
    SpecialistModel.INTEGRATED: {
        "ref": "XM-DAC-5-52",
        "type": GOVERNMENT,
        "lang": "de",
        "name": "Centrum für internationale Migration und Entwicklung (CIM) / GIZ",
    },
    SpecialistModel.DEVELOPMENT_WORKER: {
        "ref": "XM-DAC-5-52",
        "type": GOVERNMENT,
        "lang": "de",
        "name": "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH",
    },
}


def iati_identifier(entry):
    return f"{settings.IATI_REPORTING_ORG_REF}-{ACTIVITY_SEGMENT}-{entry.placement_id}"


# --- CSV ---------------------------------------------------------------------------------------------------
# Machine-readable: the same column names and codes in every language (themes and models as the portal's
# codes, SDGs as goal numbers, countries as ISO 3166-1 alpha-2), one placement a row.
CSV_COLUMNS = [
    "iati_identifier",
    "municipalities_germany",
    "partner_municipalities",
    "countries",
    "specialist_model",
    "status",
    "start",
    "end",
    "themes",
    "sdgs",
    "activities",
    "participants_women",
    "participants_men",
    "participants_diverse",
    "participants_not_stated",
    "participants_total",
    "reports_submitted",
]


def csv_row(entry):
    totals = entry.totals
    return {
        "iati_identifier": iati_identifier(entry),
        "municipalities_germany": "; ".join(entry.german),
        "partner_municipalities": "; ".join(entry.partner),
        "countries": "; ".join(entry.countries),
        "specialist_model": entry.specialist_model,
        "status": entry.placement_status,
        "start": entry.start.isoformat(),
        "end": entry.end.isoformat(),
        "themes": "; ".join(entry.themes),
        "sdgs": "; ".join(str(sdg) for sdg in entry.sdgs),
        "activities": totals.activities,
        "participants_women": totals.women,
        "participants_men": totals.men,
        "participants_diverse": totals.diverse,
        "participants_not_stated": totals.not_stated,
        "participants_total": totals.participants,
        "reports_submitted": entry.reports_submitted,
    }


def placements_csv():
    """The published placements, one row each; every cell formula-safe (fachkraefte.spreadsheets)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries_of_published_placements():
        row = csv_row(entry)
        writer.writerow([row[column] for column in CSV_COLUMNS])
    return out.getvalue()


# --- IATI 2.03 ---------------------------------------------------------------------------------------------
def _narratives(parent, tag, texts):
    """<tag><narrative xml:lang="..">..</narrative>…</tag>, one narrative per language."""
    element = ET.SubElement(parent, tag)
    for language, text in texts:
        ET.SubElement(element, "narrative", {XML_LANG: language}).text = text
    return element


def _in_each_language(render):
    """(language, render()) in English and each other language of the portal that has the text translated:
    the narratives of one text (a text not yet translated is not passed off as German, French or Spanish)."""
    with translation.override("en"):
        english = str(render())
    texts = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            text = english if language == "en" else str(render())
        if language == "en" or text != english:
            texts.append((language, text))
    return texts


def _organisation(parent, tag, organisation, role=None):
    attributes = {"type": organisation["type"]}
    if organisation.get("ref"):
        attributes["ref"] = organisation["ref"]
    if role:
        attributes["role"] = role
    element = ET.SubElement(parent, tag, attributes)
    language = {XML_LANG: organisation["lang"]} if organisation.get("lang") else {}
    ET.SubElement(element, "narrative", language).text = organisation["name"]
    return element


def reporting_org():
    return {
        "ref": settings.IATI_REPORTING_ORG_REF,
        "type": settings.IATI_REPORTING_ORG_TYPE,
        "lang": settings.IATI_REPORTING_ORG_NAME_LANGUAGE,
        "name": settings.IATI_REPORTING_ORG_NAME,
    }


def _title(entry):
    return _("Municipal specialist for the partnership %(municipalities)s") % {"municipalities": entry.title}


def _description(entry):
    return _(
        "A municipal specialist (%(model)s) works in %(partner)s (%(countries)s) for the partnership with "
        "%(german)s, funded by the programme “Specialist Fund for Municipal Partnerships Worldwide” "
        "(Fachkräftefonds für kommunale Partnerschaften weltweit) on behalf of the BMZ."
    ) % {
        "model": entry.model_label,
        "partner": ", ".join(entry.partner),
        "countries": ", ".join(entry.country_names),
        "german": ", ".join(entry.german),
    }


def _participating_orgs(activity, entry):
    _organisation(activity, "participating-org", FUNDER, FUNDING)
    _organisation(activity, "participating-org", EXTENDER, EXTENDING)
    recruiter = RECRUITERS.get(entry.specialist_model)
    if recruiter:
        _organisation(activity, "participating-org", recruiter, IMPLEMENTING)
    for name in entry.german + entry.partner:
        _organisation(activity, "participating-org", {"type": LOCAL_GOVERNMENT, "name": name}, IMPLEMENTING)


def _dates(activity, entry):
    dates = [(PLANNED_START, entry.start), (PLANNED_END, entry.end)]
    if entry.placement_status != PlacementStatus.PLANNED:
        dates.append((ACTUAL_START, entry.start))
    if entry.placement_status in (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY):
        dates.append((ACTUAL_END, entry.end))
    for kind, day in sorted(dates):
        ET.SubElement(activity, "activity-date", {"type": kind, "iso-date": day.isoformat()})


def _shares(count):
    """Percentages summing to exactly 100 for `count` recipient countries."""
    base = round(100 / count, 2)
    shares = [base] * count
    shares[-1] = round(100 - base * (count - 1), 2)
    return [f"{share:g}" for share in shares]


def _countries(activity, entry):
    if len(entry.countries) == 1:
        ET.SubElement(activity, "recipient-country", {"code": entry.countries[0]})
        return
    for code, share in zip(entry.countries, _shares(len(entry.countries)), strict=True):
        ET.SubElement(activity, "recipient-country", {"code": code, "percentage": share})


def _tags(activity, entry):
    for sdg in sorted(value for value in entry.sdgs if value in Sdg.values):
        tag = _narratives(activity, "tag", _in_each_language(lambda sdg=sdg: Sdg(sdg).label))
        tag.attrib.update({"vocabulary": TAG_VOCABULARY_SDG_GOAL, "code": str(sdg)})


def _indicator(result, title, quarters, actuals):
    indicator = ET.SubElement(result, "indicator", {"measure": MEASURE_UNIT, "ascending": "1"})
    _narratives(indicator, "title", _in_each_language(title))
    for quarter in quarters:
        period = ET.SubElement(indicator, "period")
        ET.SubElement(period, "period-start", {"iso-date": quarter.start.isoformat()})
        ET.SubElement(period, "period-end", {"iso-date": quarter.end.isoformat()})
        for value, dimension in actuals(quarter):
            actual = ET.SubElement(period, "actual", {"value": str(value)})
            if dimension:
                ET.SubElement(actual, "dimension", {"name": "sex", "value": dimension})


def _result(activity, entry):
    if not entry.quarters:
        return
    result = ET.SubElement(activity, "result", {"type": RESULT_TYPE_OUTPUT, "aggregation-status": "1"})
    _narratives(result, "title", _in_each_language(lambda: _("Activities of the specialist and their participants")))
    _indicator(
        result,
        lambda: _("Participants in the activities, by sex, per quarter"),
        entry.quarters,
        lambda quarter: [(getattr(quarter, field), sex) for field, sex in SEX.items()],
    )
    _indicator(
        result,
        lambda: _("Activities logged, per quarter"),
        entry.quarters,
        lambda quarter: [(quarter.activities, None)],
    )


def iati_activity(parent, entry):
    attributes = {XML_LANG: "en", "default-currency": "EUR", "hierarchy": "1"}
    activity = ET.SubElement(parent, "iati-activity", attributes)
    ET.SubElement(activity, "iati-identifier").text = iati_identifier(entry)
    _organisation(activity, "reporting-org", reporting_org())
    _narratives(activity, "title", _in_each_language(lambda: _title(entry)))
    description = _narratives(activity, "description", _in_each_language(lambda: _description(entry)))
    description.set("type", "1")
    _participating_orgs(activity, entry)
    ET.SubElement(activity, "activity-status", {"code": ACTIVITY_STATUS[entry.placement_status]})
    _dates(activity, entry)
    _countries(activity, entry)
    ET.SubElement(activity, "sector", {"vocabulary": SECTOR_VOCABULARY_DAC, "code": SECTOR_DECENTRALISATION})
    _tags(activity, entry)
    _result(activity, entry)
    return activity


def placements_iati(now=None):
    """The published placements as an IATI 2.03 `iati-activities` document (bytes, UTF-8)."""
    now = (now or timezone.now()).replace(microsecond=0)
    root = ET.Element("iati-activities", {"version": "2.03", "generated-datetime": now.isoformat()})
    for entry in entries_of_published_placements():
        iati_activity(root, entry)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
