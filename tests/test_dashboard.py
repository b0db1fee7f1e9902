"""The staff dashboard: exact figures from a hand-made history, who may see it, and its chart."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from applications import services, statistics
from applications.admin_dashboard import status_bar_chart
from applications.models import Event, ExpressionOfInterest, Status
from partnerships.models import Country, ModelAvailability, SpecialistModel
from tests.eoi_content import fill
from tests.factories import PartnerMunicipalityFactory, PartnershipFactory, UserFactory

NOW = timezone.now().replace(microsecond=0)
DASHBOARD = "admin:applications_expressionofinterest_dashboard"


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def ghana_partnership(german_municipality):
    ghana = Country.objects.get(code="GH")
    for model in SpecialistModel:
        ModelAvailability.objects.update_or_create(country=ghana, model=model, defaults={"is_open": True})
    return PartnershipFactory(german=german_municipality, partner=PartnerMunicipalityFactory(name="Kumasi"))


def make(partnership, model, *, by, staff, steps, created, changes):
    """An EOI started, submitted and moved through `steps` by the services, then dated by hand.

    `created` and `changes` are in days before NOW: the start, then one per status change.
    """
    eoi = services.start(partnership, list(partnership.municipalities.all()), model, by=by)
    if steps:
        eoi = fill(eoi, by)
        services.confirm(eoi, list(partnership.municipalities.all()), by=by)
        eoi = services.submit(eoi, by=by)
        for name in steps[1:]:
            eoi = services.transition(eoi, name, by=staff, comment="Reason")
    transitions = eoi.events.exclude(to_status="").order_by("pk")
    assert transitions.count() == len(changes)
    for event, days in zip(transitions, changes, strict=True):
        Event.objects.filter(pk=event.pk).update(created_at=days_ago(days))
    last_change = days_ago(changes[-1] if changes else created)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(created_at=days_ago(created), status_changed_at=last_change)
    return eoi


@pytest.fixture
def history(partnership, ghana_partnership, german_contact, staff, models_open_in_namibia):
    """Five EOIs in Namibia (NA) and Ghana (GH) with status changes on known days."""
    common = {"by": german_contact, "staff": staff}
    return {
        "draft": make(partnership, "integrated", steps=[], created=10, changes=[], **common),
        "late_submitted": make(partnership, "integrated", steps=["submit"], created=20, changes=[12], **common),
        "dialogue": make(
            ghana_partnership,
            "development_worker",
            steps=["submit", "start_review", "open_needs_dialogue"],
            created=40,
            changes=[30, 28, 8],
            **common,
        ),
        "late_review": make(
            ghana_partnership, "local", steps=["submit", "start_review"], created=50, changes=[45, 41], **common
        ),
        "rejected": make(
            partnership,
            "development_worker",
            steps=["submit", "start_review", "reject"],
            created=30,
            changes=[25, 24, 20],
            **common,
        ),
    }


def test_counts_per_status_list_every_status(history):
    counts = dict(statistics.status_counts(ExpressionOfInterest.objects.all()))
    assert list(counts) == list(Status)
    expected = {Status.DRAFT: 1, Status.SUBMITTED: 1, Status.IN_REVIEW: 1, Status.NEEDS_DIALOGUE: 1, Status.REJECTED: 1}
    assert counts == {status: expected.get(status, 0) for status in Status}


def test_median_days_per_status_come_from_the_event_record(history):
    rows = statistics.median_days_per_status(ExpressionOfInterest.objects.all(), now=NOW)
    medians = {row.status: (row.median_days, row.periods) for row in rows}
    assert medians == {
        Status.DRAFT: (8, 5),  # 10, 8, 10, 5, 5
        Status.SUBMITTED: (3, 4),  # 12 (still there), 2, 4, 1
        Status.IN_REVIEW: (20, 3),  # 20, 41 (still there), 4
        Status.RETURNED: (None, 0),
        Status.NEEDS_DIALOGUE: (8, 1),
        Status.RECRUITMENT: (None, 0),
        Status.CANDIDATE_SELECTION: (None, 0),
        Status.CONTRACTING: (None, 0),
    }


def test_overdue_follows_the_status_limits_longest_waiting_first(history, settings):
    settings.EOI_STATUS_LIMITS = {"submitted": 5, "in_review": 30, "needs_dialogue": 90}
    late = statistics.overdue(ExpressionOfInterest.objects.all(), now=NOW)
    assert [(row.eoi, row.days_in_status, row.limit) for row in late] == [
        (history["late_review"], 41, 30),
        (history["late_submitted"], 12, 5),
    ]


def test_counts_by_partner_country_and_by_model(history):
    eois = ExpressionOfInterest.objects.all()
    with translation.override("en"):
        assert [(str(name), n) for name, n in statistics.partner_country_counts(eois)] == [("Namibia", 3), ("Ghana", 2)]
    assert statistics.specialist_model_counts(eois) == [
        (SpecialistModel.INTEGRATED, 2),
        (SpecialistModel.DEVELOPMENT_WORKER, 2),
        (SpecialistModel.LOCAL, 1),
    ]


def test_figures_take_a_few_queries_however_many_eois(client, staff, history, partnership, german_contact):
    client.force_login(staff)
    cache.clear()  # both requests compute the figures (applications.dashboard_figures), none reads them kept
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse(DASHBOARD)).status_code == 200
    make(partnership, "integrated", by=german_contact, staff=staff, steps=["submit"], created=9, changes=[3])
    make(partnership, "local", by=german_contact, staff=staff, steps=[], created=2, changes=[])
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        client.get(reverse(DASHBOARD))
    assert len(after.captured_queries) == len(before.captured_queries)


# --- the page ---------------------------------------------------------------------------------


def test_dashboard_shows_the_chart_and_the_tables(client, staff, history):
    staff.preferred_language = "en"
    staff.save()
    client.force_login(staff)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'aria-labelledby="status-chart-title"' in page
    assert page.count('fill="#417690"') == len(Status)
    assert "Median days per status" in page
    overdue_link = reverse("admin:applications_expressionofinterest_change", args=[history["late_review"].pk])
    assert f'href="{overdue_link}"' in page
    assert [row.eoi for row in response.context["overdue"]] == [history["late_review"], history["late_submitted"]]


def test_the_changelist_links_to_the_dashboard_and_the_exports(client, staff, history):
    client.force_login(staff)
    page = client.get(reverse("admin:applications_expressionofinterest_changelist"), {"status__exact": "draft"})
    html = page.content.decode()
    assert f'href="{reverse(DASHBOARD)}"' in html
    assert reverse("admin:applications_expressionofinterest_export", args=["csv"]) + "?status__exact=draft" in html


def test_staff_without_view_permission_is_refused(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(DASHBOARD)).status_code == 403


def test_non_staff_are_sent_to_the_admin_login(client, german_contact):
    client.force_login(german_contact)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_chart_escapes_its_labels_and_needs_no_script_or_style():
    chart = status_bar_chart([(SimpleNamespace(label="<script>alert(1)</script>"), 3)])
    assert "<script>" not in chart
    assert "&lt;script&gt;" in chart
    assert "style=" not in chart


def test_chart_bars_are_proportional():
    chart = status_bar_chart(
        [(SimpleNamespace(label="a"), 4), (SimpleNamespace(label="b"), 1), (SimpleNamespace(label="c"), 0)]
    )
    assert 'width="360"' in chart and 'width="90"' in chart and 'width="0"' in chart
