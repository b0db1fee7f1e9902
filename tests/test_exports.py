"""The filtered EOI list as CSV and XLSX, and the dossier ZIP of one EOI."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from applications import dossier, services
from applications.models import Attachment, Event, ExpressionOfInterest, Message, TermsAgreement, TermsOfReference
from applications.tasks import build_dossier
from fachkraefte import records
from partnerships.models import Country, ModelAvailability, SpecialistModel
from tests.eoi_content import fill
from tests.factories import PartnerMunicipalityFactory, PartnershipFactory, UserFactory

EXPORT = "admin:applications_expressionofinterest_export"
HEADERS = [
    "ID",
    "partnership",
    "status",
    "days in status",
    "specialist model",
    "German municipalities",
    "partner municipalities",
    "partner countries",
    "submitted",
]
SECRET = "Internal: the mayor of Windhoek is hard to reach"


@pytest.fixture
def staff_en(staff):
    staff.preferred_language = "en"
    staff.save()
    return staff


@pytest.fixture
def ghana_partnership(german_municipality):
    ghana = Country.objects.get(code="GH")
    for model in SpecialistModel:
        ModelAvailability.objects.update_or_create(country=ghana, model=model, defaults={"is_open": True})
    return PartnershipFactory(
        name="Berlin–Kumasi", german=german_municipality, partner=PartnerMunicipalityFactory(name="Kumasi")
    )


def started(partnership, model, by):
    return services.start(partnership, list(partnership.municipalities.all()), model, by=by)


def submitted(partnership, model, by, *, days_ago, submitted_at):
    eoi = fill(started(partnership, model, by), by)
    services.confirm(eoi, list(partnership.municipalities.all()), by=by)
    eoi = services.submit(eoi, by=by)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=days_ago), submitted_at=submitted_at
    )
    return eoi


@pytest.fixture
def eois(partnership, ghana_partnership, german_contact, models_open_in_namibia):
    partnership.name = "Berlin–Windhoek"
    partnership.save()
    at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)  # 10:30 in Berlin
    return {
        "draft": started(partnership, "integrated", german_contact),
        "namibia": submitted(partnership, "integrated", german_contact, days_ago=3, submitted_at=at),
        "ghana": submitted(
            ghana_partnership, "local", german_contact, days_ago=12, submitted_at=at + datetime.timedelta(days=1)
        ),
    }


def expected_rows(eois):
    # The changelist's order: the newest first.
    return [
        [
            str(eois["ghana"].pk),
            "Berlin–Kumasi",
            "Submitted",
            "12",
            "Local expert",
            "Berlin",
            "Kumasi",
            "Ghana",
            "2026-03-03 10:30",
        ],
        [
            str(eois["namibia"].pk),
            "Berlin–Windhoek",
            "Submitted",
            "3",
            "Integrated expert (CIM)",
            "Berlin",
            "Windhoek",
            "Namibia",
            "2026-03-02 10:30",
        ],
    ]


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_holds_exactly_the_filtered_rows(client, staff_en, eois):
    client.force_login(staff_en)
    response = client.get(reverse(EXPORT, args=["csv"]), {"status__exact": "submitted"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="expressions-of-interest-')
    assert read_csv(response) == [HEADERS, *expected_rows(eois)]


def test_xlsx_export_holds_exactly_the_filtered_rows(client, staff_en, eois):
    client.force_login(staff_en)
    response = client.get(reverse(EXPORT, args=["xlsx"]), {"status__exact": "submitted"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[("" if cell is None else str(cell)) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == [HEADERS, *expected_rows(eois)]


def test_export_follows_the_changelist_filters_and_search(client, staff_en, eois):
    client.force_login(staff_en)
    by_country = read_csv(client.get(reverse(EXPORT, args=["csv"]), {"country": "GH"}))
    assert [row[0] for row in by_country[1:]] == [str(eois["ghana"].pk)]
    by_search = read_csv(client.get(reverse(EXPORT, args=["csv"]), {"q": "Windhoek"}))
    assert {row[0] for row in by_search[1:]} == {str(eois["namibia"].pk), str(eois["draft"].pk)}


def test_export_takes_the_same_queries_for_more_rows(client, staff, eois, partnership, german_contact):
    client.force_login(staff)
    client.get(reverse(EXPORT, args=["xlsx"]))  # fills the cache of the dashboard figures (the country filter's)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse(EXPORT, args=["xlsx"]))
    for _ in range(3):
        started(partnership, "integrated", german_contact)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse(EXPORT, args=["xlsx"]))
    assert len(after.captured_queries) == len(before.captured_queries)


def test_export_records_nothing(client, staff, eois):
    client.force_login(staff)
    events = Event.objects.count()
    client.get(reverse(EXPORT, args=["csv"]))
    assert Event.objects.count() == events


def test_export_refuses_other_formats_and_staff_without_permission(client, staff, eois):
    client.force_login(staff)
    assert client.get(reverse(EXPORT, args=["json"])).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(EXPORT, args=["csv"])).status_code == 403


# --- the dossier --------------------------------------------------------------------------------


def attach(eoi, name, content, by):
    return Attachment.objects.create(
        eoi=eoi,
        file=ContentFile(content, name="x.bin"),
        original_name=name,
        content_type="application/octet-stream",
        size=len(content),
        uploaded_by=by,
    )


@pytest.fixture
def dossier_eoi(eoi, german_contact, staff, media):
    eoi = fill(eoi, german_contact)
    services.confirm(eoi, list(eoi.partnership.municipalities.all()), by=german_contact)
    eoi = services.submit(eoi, by=german_contact)
    attach(eoi, "Ratsbeschluss.pdf", b"%PDF-1.4 first", german_contact)
    attach(eoi, "ratsbeschluss.pdf", b"%PDF-1.4 second", german_contact)
    attach(eoi, "../../etc/passwd", b"not a path", german_contact)
    terms = TermsOfReference.objects.create(
        eoi=eoi,
        number=1,
        expertise="Water network engineering",
        tasks_and_goals="Reduce losses",
        places_of_assignment="Windhoek",
        specialist_model=eoi.specialist_model,
        created_by=staff,
    )
    for participant in eoi.participants.all():
        TermsAgreement.objects.create(terms=terms, municipality=participant.municipality, agreed_by=staff)
    TermsAgreement.objects.create(terms=terms, municipality=None, agreed_by=staff)
    Message.objects.create(eoi=eoi, author=staff, body=SECRET, internal=True)
    Message.objects.create(eoi=eoi, author=staff, body="Open question for everyone", internal=False)
    records.record(eoi, Event.Kind.MESSAGE, by=staff, note=SECRET)  # even if a note were quoted
    return eoi


def export_via_the_action(client, staff, eoi, capture):
    client.force_login(staff)
    with capture(execute=True):
        response = client.post(
            reverse("admin:applications_expressionofinterest_changelist"),
            {"action": "export_dossier", "_selected_action": [eoi.pk]},
        )
    assert response.status_code == 302
    return Event.objects.get(eoi=eoi, kind=Event.Kind.EXPORTED)


def test_the_dossier_holds_pdf_attachments_terms_history_and_content(
    client, staff, dossier_eoi, django_capture_on_commit_callbacks
):
    event = export_via_the_action(client, staff, dossier_eoi, django_capture_on_commit_callbacks)
    assert event.actor == staff
    assert event.note.startswith(f"dossiers/eoi-{dossier_eoi.pk}-") and event.note.endswith(".zip")
    with default_storage.open(event.note, "rb") as stored, zipfile.ZipFile(stored) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert sorted(files) == sorted(
        [
            f"eoi-{dossier_eoi.pk}-de.pdf",
            "attachments/Ratsbeschluss.pdf",
            "attachments/ratsbeschluss (2).pdf",
            "attachments/passwd",
            "terms-of-reference.json",
            "history.csv",
            "eoi.json",
        ]
    )
    assert files["attachments/ratsbeschluss (2).pdf"] == b"%PDF-1.4 second"
    pdf_text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(files[f"eoi-{dossier_eoi.pk}-de.pdf"])).pages
    )
    assert "Windhoek" in pdf_text
    content = json.loads(files["eoi.json"])
    assert content["id"] == dossier_eoi.pk and content["status"] == "submitted"
    assert content["content"]["need"] == dossier_eoi.need
    assert json.loads(files["terms-of-reference.json"])["expertise"] == "Water network engineering"
    history = list(csv.reader(io.StringIO(files["history.csv"].decode("utf-8-sig"))))
    assert ["Entwurf", "Eingereicht"] in [row[2:4] for row in history]
    for name, data in {**files, "pdf text": pdf_text.encode()}.items():
        assert SECRET.encode() not in data, name
        assert b"Open question" not in data, name  # messages are left out altogether


def test_building_twice_makes_one_dossier(staff, dossier_eoi):
    first = build_dossier.delay(dossier_eoi.pk, staff.pk)
    second = build_dossier.delay(dossier_eoi.pk, staff.pk)
    assert first.successful() and second.successful()
    assert dossier_eoi.events.filter(kind=Event.Kind.EXPORTED).count() == 1
    _dirs, stored = default_storage.listdir("dossiers")
    assert len(stored) == 1


def test_a_change_makes_a_new_dossier(staff, dossier_eoi):
    first = dossier.build(dossier_eoi.pk, staff.pk)
    services.transition(dossier_eoi, "start_review", by=staff)
    second = dossier.build(dossier_eoi.pk, staff.pk)
    assert first != second
    assert default_storage.exists(first) and default_storage.exists(second)


def test_dossier_is_listed_on_the_dashboard_and_downloads_for_staff_only(client, staff, dossier_eoi):
    name = dossier.build(dossier_eoi.pk, staff.pk)
    event = Event.objects.get(kind=Event.Kind.EXPORTED, note=name)
    url = reverse("admin:applications_expressionofinterest_dossier", args=[event.pk])
    client.force_login(staff)
    assert f'href="{url}"' in client.get(reverse("admin:applications_expressionofinterest_dashboard")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name.split("/")[-1]}"'
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403


def test_dossier_download_refuses_other_events(client, staff, dossier_eoi):
    other = dossier_eoi.events.exclude(kind=Event.Kind.EXPORTED).first()
    client.force_login(staff)
    assert client.get(reverse("admin:applications_expressionofinterest_dossier", args=[other.pk])).status_code == 404


def test_the_action_sits_beside_the_admins_own_actions(client, staff, eoi):
    client.force_login(staff)
    response = client.get(reverse("admin:applications_expressionofinterest_changelist"))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert "export_dossier" in choices
