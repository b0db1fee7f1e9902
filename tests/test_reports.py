"""Reports: the list with due dates, writing and submitting with frozen totals, the PDF, the reminders."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import services as eoi_services
from partnerships.models import Role
from placements import reports, services
from placements.models import Activity, PlacementEvent, Report
from placements.tasks import remind_reports, render_report_pdf
from tests.factories import UserFactory
from tests.workflow import make_placement

D = datetime.date


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    placement = make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )
    return services.transition(placement, "begin", by=staff)


@pytest.fixture
def other_specialist(placement, partnership, staff, german_contact, partner_contact):
    user = UserFactory(roles=[Role.SPECIALIST])
    second = eoi_services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    make_placement(second, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=user)
    return user


@pytest.fixture
def first(placement):
    """The first interim report: 1 January – 30 June 2027, due 30 July 2027."""
    return placement.reports.get(kind=Report.Kind.INTERIM, period_start=D(2027, 1, 1))


@pytest.fixture
def activities(placement):
    """Two activities in the first half year, one after it (which its totals must leave out)."""

    def log(day, title, women, men, diverse, not_stated):
        return Activity.objects.create(
            placement=placement,
            date=day,
            title=title,
            participants_women=women,
            participants_men=men,
            participants_diverse=diverse,
            participants_not_stated=not_stated,
            created_by=placement.specialist,
        )

    return [
        log(D(2027, 2, 1), "Alpha", 10, 20, 1, 2),
        log(D(2027, 6, 30), "Beta", 7, 3, 2, 3),
        log(D(2027, 7, 1), "Gamma", 100, 100, 100, 100),
    ]


FIRST_TOTALS = {"activities": 2, "women": 17, "men": 23, "diverse": 3, "not_stated": 5, "participants": 48}
TEXT = {
    "summary": "We set up a citizens' office.",
    "results": "Two services online.",
    "challenges": "",
    "next_steps": "",
}


def url(name, placement, *args):
    return reverse(f"placements:{name}", args=[placement.pk, *args])


def submitted(client, placement, report, specialist, capture):
    client.force_login(specialist)
    with capture(execute=True):
        response = client.post(url("report_edit", placement, report.pk), {**TEXT, "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    return report


def pdf_text(report):
    with report.pdf.open("rb") as handle:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


# --- who sees what -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("specialist", 200),
        ("german_contact", 200),
        ("partner_contact", 200),
        ("staff", 200),
        ("other_specialist", 404),
        ("outsider", 404),
    ],
)
def test_report_pages_by_persona(client, request, placement, first, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("report_list", placement)).status_code == status
    assert client.get(url("report_edit", placement, first.pk)).status_code == status


@pytest.mark.parametrize("persona", ["german_contact", "viewer", "staff"])
def test_only_the_specialist_writes(client, request, placement, first, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url("report_edit", placement, first.pk))
    assert response.context["form"] is None
    assert client.post(url("report_edit", placement, first.pk), {**TEXT, "submit": "1"}).status_code == 403
    first.refresh_from_db()
    assert first.state == Report.State.DUE and first.summary == ""


def test_the_list_shows_due_dates_and_highlights_overdue_reports(client, placement, first, specialist):
    Report.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(specialist)
    content = client.get(url("report_list", placement)).content.decode()
    assert content.count('class="table-danger overdue"') == 1
    assert f'data-report="{first.pk}"' in content
    assert len(re.findall(r"data-report=", content)) == placement.reports.count() == 4


# --- writing and submitting ---------------------------------------------------------------------------------------
def test_the_form_shows_the_totals_of_the_period(client, placement, first, activities, specialist):
    client.force_login(specialist)
    response = client.get(url("report_edit", placement, first.pk))
    assert response.context["totals"] == FIRST_TOTALS
    content = response.content.decode()
    for key, value in FIRST_TOTALS.items():
        assert f'data-total="{key}">{value}<' in content
    assert 'name="submit"' in content


def test_the_specialist_saves_a_draft(client, placement, first, specialist):
    client.force_login(specialist)
    response = client.post(url("report_edit", placement, first.pk), {**TEXT, "draft": "1"})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == Report.State.DUE and first.summary == TEXT["summary"] and first.totals == {}


def test_submitting_needs_a_summary_and_results_and_keeps_the_input(client, placement, first, specialist):
    client.force_login(specialist)
    response = client.post(
        url("report_edit", placement, first.pk), {**TEXT, "results": "", "challenges": "Kept", "submit": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Kept" in response.content.decode()
    first.refresh_from_db()
    assert first.state == Report.State.DUE


def test_submit_freezes_the_totals_and_prints_a_pdf_with_them(
    client, placement, first, activities, specialist, media, django_capture_on_commit_callbacks
):
    report = submitted(client, placement, first, specialist, django_capture_on_commit_callbacks)
    assert report.state == Report.State.SUBMITTED and report.submitted_by == specialist
    assert report.totals == FIRST_TOTALS
    assert PlacementEvent.objects.filter(placement=placement, kind="report_submitted").exists()
    text = pdf_text(report)
    for label, value in [
        ("Women|Frauen", 17),
        ("Men|Männer", 23),
        ("Diverse|[Dd]ivers", 3),
        ("Not stated|[Kk]eine Angabe", 5),
    ]:
        assert re.search(rf"({label})\s*{value}\b", text), (label, text)
    assert "Alpha" in text and "Beta" in text and "Gamma" not in text

    # Activities logged later change nothing in a submitted report.
    Activity.objects.create(
        placement=placement, date=D(2027, 3, 1), title="Late", participants_women=50, created_by=specialist
    )
    response = client.get(url("report_edit", placement, first.pk))
    assert response.context["totals"] == FIRST_TOTALS and response.context["form"] is None


def test_a_submitted_report_is_read_only(
    client, placement, first, specialist, media, django_capture_on_commit_callbacks
):
    report = submitted(client, placement, first, specialist, django_capture_on_commit_callbacks)
    response = client.post(url("report_edit", placement, report.pk), {**TEXT, "summary": "Changed", "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary == TEXT["summary"]
    with pytest.raises(Exception, match="no longer|nicht mehr"):
        reports.save_draft(report, {"summary": "Changed"}, by=specialist)


def test_the_pdf_task_twice_makes_one_file(
    client, placement, first, specialist, media, django_capture_on_commit_callbacks
):
    report = submitted(client, placement, first, specialist, django_capture_on_commit_callbacks)
    name = report.pdf.name
    render_report_pdf(report.pk)
    render_report_pdf(report.pk)
    report.refresh_from_db()
    assert report.pdf.name == name
    assert [p.name for p in (media / "report-pdfs").iterdir()] == [name.split("/")[-1]]


def test_the_pdf_task_ignores_an_unsubmitted_report(first, media):
    render_report_pdf(first.pk)
    first.refresh_from_db()
    assert not first.pdf


@pytest.mark.parametrize(
    ("persona", "status"),
    [("specialist", 200), ("german_contact", 200), ("staff", 200), ("other_specialist", 404), ("outsider", 404)],
)
def test_pdf_download_by_persona(
    client, request, placement, first, specialist, media, django_capture_on_commit_callbacks, persona, status
):
    submitted(client, placement, first, specialist, django_capture_on_commit_callbacks)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url("report_pdf", placement, first.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_no_pdf_before_submission(client, placement, first, specialist):
    client.force_login(specialist)
    assert client.get(url("report_pdf", placement, first.pk)).status_code == 404


# --- reminders -----------------------------------------------------------------------------------------------------
def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(6, 45)))


def remind(day, capture):
    mail.outbox.clear()
    with capture(execute=True):
        count = reports.send_report_reminders(now=at(day))
    assert count == len(mail.outbox)
    return mail.outbox


def test_a_reminder_14_days_before_the_due_date(placement, first, specialist, django_capture_on_commit_callbacks):
    assert remind(D(2027, 7, 15), django_capture_on_commit_callbacks) == []
    [message] = remind(D(2027, 7, 16), django_capture_on_commit_callbacks)
    assert message.to == [specialist.email]
    assert url("report_edit", placement, first.pk) in message.body
    first.refresh_from_db()
    assert first.last_reminded_at == at(D(2027, 7, 16))
    assert remind(D(2027, 7, 16), django_capture_on_commit_callbacks) == []  # not twice a day
    assert remind(D(2027, 7, 20), django_capture_on_commit_callbacks) == []  # once before the due date


def test_overdue_reports_are_reminded_every_7_days(placement, first, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert len(remind(D(2027, 7, 16), capture)) == 1
    assert len(remind(D(2027, 7, 31), capture)) == 1  # the day after the due date
    assert remind(D(2027, 7, 31), capture) == []
    assert remind(D(2027, 8, 6), capture) == []
    assert len(remind(D(2027, 8, 7), capture)) == 1
    assert len(remind(D(2027, 8, 14), capture)) == 1
    assert PlacementEvent.objects.filter(placement=placement, kind="report_reminded").count() == 4


def test_no_reminder_after_submission(client, placement, first, specialist, media, django_capture_on_commit_callbacks):
    submitted(client, placement, first, specialist, django_capture_on_commit_callbacks)
    assert remind(D(2027, 7, 16), django_capture_on_commit_callbacks) == []
    assert remind(D(2027, 8, 20), django_capture_on_commit_callbacks) == []


def test_no_reminder_for_a_placement_that_has_not_begun(placement, first, django_capture_on_commit_callbacks):
    placement.reports.update(due_date=D(2027, 7, 30))
    type(placement).objects.filter(pk=placement.pk).update(status="planned")
    assert remind(D(2027, 7, 31), django_capture_on_commit_callbacks) == []


def test_the_reminder_is_written_in_the_specialists_language(
    placement, first, specialist, django_capture_on_commit_callbacks
):
    specialist.preferred_language = "en"
    specialist.save()
    [message] = remind(D(2027, 7, 31), django_capture_on_commit_callbacks)
    assert message.subject.startswith("Overdue")
    assert "07/30/2027" in message.body  # English short dates
    assert "07/30/2027" in message.alternatives[0][0]


def test_the_beat_task_runs(placement, first, django_capture_on_commit_callbacks):
    Report.objects.filter(pk=first.pk).update(due_date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reports.delay().get() == 1
    assert len(mail.outbox) == 1
