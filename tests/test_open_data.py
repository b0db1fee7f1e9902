"""The open data: the published placements as CSV and as an IATI 2.03 activity file, checked against the
official schema and code lists (in /work/shared/iati-2.03, see its README)."""

import csv
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from lxml import etree

from placements import publication
from placements.models import PublicationConsent
from placements.open_data import CSV_COLUMNS
from tests.published import published_placement

# Codes of the IATI code lists that are not embedded in the schema's directory (iatistandard.org, 2.03):
# OrganisationType, Sector vocabulary 1 (DAC 5-digit, the one used), TagVocabulary, ResultType, IndicatorMeasure.
NON_EMBEDDED = {
    "OrganisationType": {
        "10",
        "11",
        "15",
        "21",
        "22",
        "23",
        "24",
        "30",
        "40",
        "60",
        "70",
        "71",
        "72",
        "73",
        "80",
        "90",
    },
    "Sector": {"15112"},
    "TagVocabulary": {"1", "2", "3", "99"},
    "ResultType": {"1", "2", "3", "9"},
    "IndicatorMeasure": {"1", "2", "3", "4", "5"},
}
SDG_GOALS = {str(goal) for goal in range(1, 18)}


def schema_dir():
    candidates = [
        os.environ.get("IATI_SCHEMA_DIR"),
        Path(settings.BASE_DIR).parent / "shared" / "iati-2.03",
        "/work/shared/iati-2.03",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "iati-activities-schema.xsd").exists():
            return Path(candidate)
    pytest.skip("The IATI 2.03 schema is not on this machine (set IATI_SCHEMA_DIR).")


def codelist(name):
    tree = etree.parse(str(schema_dir() / "codelists" / f"{name}.xml"))
    return {code.text.strip() for code in tree.iter("code")}


@pytest.fixture
def iati(client, staff):
    published_placement(by=staff, country="NA", sdgs=[6, 11])
    published_placement(by=staff, country="GH", model="development_worker", sdgs=[1])
    published_placement(by=staff, consent=False)
    response = client.get(reverse("transparency:iati"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return etree.fromstring(response.content)


def test_the_iati_file_is_valid_against_the_schema(iati):
    schema = etree.XMLSchema(etree.parse(str(schema_dir() / "iati-activities-schema.xsd")))
    assert schema.validate(iati), schema.error_log
    assert iati.get("version") == "2.03" and iati.get("generated-datetime")


def test_one_activity_per_published_placement(iati):
    identifiers = [element.text for element in iati.iter("iati-identifier")]
    published = publication.published_placements().order_by("pk")
    assert sorted(identifiers) == sorted(f"{settings.IATI_REPORTING_ORG_REF}-FKF-{p.pk}" for p in published)
    assert len(identifiers) == 2


def test_every_element_is_there(iati):
    for activity in iati.iter("iati-activity"):
        assert activity.find("reporting-org").get("ref") == settings.IATI_REPORTING_ORG_REF
        languages = {n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in activity.find("title")}
        assert "en" in languages
        assert activity.find("description").get("type") == "1"
        roles = {org.get("role") for org in activity.iter("participating-org")}
        assert {"1", "3", "4"} <= roles
        municipalities = [org for org in activity.iter("participating-org") if org.get("type") == "11"]
        assert len(municipalities) == 2 and {org.get("role") for org in municipalities} == {"4"}
        assert activity.find("recipient-country").get("code") in {"NA", "GH"}
        assert activity.find("sector").attrib == {"vocabulary": "1", "code": "15112"}
        assert {tag.get("vocabulary") for tag in activity.iter("tag")} == {"2"}
        dimensions = {d.get("value") for d in activity.iter("dimension") if d.get("name") == "sex"}
        assert {"female", "male"} <= dimensions
        female = [d.getparent().get("value") for d in activity.iter("dimension") if d.get("value") == "female"]
        assert female == ["5"]  # the activity's women, in its quarter


def test_every_code_is_on_its_code_list(iati):
    def codes(xpath, attribute):
        return {element.get(attribute) for element in iati.xpath(xpath)}

    assert codes("//participating-org", "role") <= codelist("OrganisationRole")
    assert codes("//activity-status", "code") <= codelist("ActivityStatus")
    assert codes("//activity-date", "type") <= codelist("ActivityDateType")
    organisation_types = codes("//participating-org", "type") | codes("//reporting-org", "type")
    assert organisation_types <= NON_EMBEDDED["OrganisationType"]
    assert codes("//sector", "code") <= NON_EMBEDDED["Sector"]
    assert codes("//tag", "vocabulary") <= NON_EMBEDDED["TagVocabulary"]
    assert codes("//tag", "code") <= SDG_GOALS
    assert codes("//result", "type") <= NON_EMBEDDED["ResultType"]
    assert codes("//indicator", "measure") <= NON_EMBEDDED["IndicatorMeasure"]
    assert all(len(code) == 2 and code.isupper() for code in codes("//recipient-country", "code"))


def read_csv(client):
    response = client.get(reverse("transparency:csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_the_opted_in_placements_and_its_columns(client, staff):
    shown = published_placement(by=staff)
    published_placement(by=staff, consent=False)
    rows = read_csv(client)
    assert list(rows[0]) == CSV_COLUMNS
    assert [row["iati_identifier"] for row in rows] == [f"{settings.IATI_REPORTING_ORG_REF}-FKF-{shown.pk}"]
    row = rows[0]
    assert (row["countries"], row["sdgs"], row["themes"]) == ("NA", "6", "climate")
    assert (row["participants_women"], row["participants_men"], row["participants_total"]) == ("5", "3", "9")


def test_a_withdrawn_consent_takes_the_row_out(client, staff):
    shown = published_placement(by=staff)
    assert len(read_csv(client)) == 1
    consent = PublicationConsent.objects.filter(placement=shown).first()
    consent.revoked_at, consent.revoked_by = consent.given_at, staff
    consent.save()
    assert read_csv(client) == []


def test_the_csv_is_formula_safe(client, staff):
    placement = published_placement(by=staff)
    german = placement.eoi.participants.get(side="german").municipality
    german.name = "=HYPERLINK(1)"
    german.save()
    assert read_csv(client)[0]["municipalities_germany"] == "'=HYPERLINK(1)"
