"""Each page `make bench` measures sends as many SQL queries with 3 objects as with 30.

The pages with such a test elsewhere are not repeated here: the applicants' dashboard
(tests/test_eoi.py), the admin EOI changelist unfiltered (tests/test_eoi_admin.py), the staff dashboard
(tests/test_dashboard.py), the work queue and the staff's home page (tests/test_work_queue.py), the
recruiters' list (tests/test_recruitment.py), the recruiter's matching list ranked and from the cache
(tests/test_query_counts_matching.py); the transparency list has its own.
"""

import datetime
from urllib.parse import urlencode

import pytest
from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string
from zeal import NPlusOneError

from applications import invitations, services
from applications.models import Attachment, Participant, Status
from placements import services as placement_services
from placements.models import Activity, Report
from tests import n_plus_one
from tests.workflow import make_placement

FEW, MANY = 3, 30


def queries(client, url):
    """The SQL queries of one request to `url`, which answers 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def counts_with_few_and_many(client, urls, add):
    """{url: queries} with FEW objects, then with MANY: `add(n)` adds n more of what the pages list."""
    add(FEW)
    for url in urls:
        client.get(url)  # warm: caches that fill once per process are not the page's cost
    few = {url: queries(client, url) for url in urls}
    add(MANY - FEW)
    return few, {url: queries(client, url) for url in urls}


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def placement(eoi, people, specialist):
    placement = make_placement(eoi, **people, specialist=specialist)
    return placement_services.transition(placement, "begin", by=people["staff"])


def add_eois(partnership, by):
    municipalities = list(partnership.municipalities.all())

    def add(number):
        for _ in range(number):
            services.start(partnership, municipalities, "local", by=by)

    return add


def test_home_page(client, partnership, german_contact, models_open_in_namibia):
    few, many = counts_with_few_and_many(client, [reverse("home")], add_eois(partnership, german_contact))
    assert many == few


def test_eoi_detail(client, eoi, german_contact, partner_contact, partner_municipality, media):
    added = []

    def add(number):
        for _ in range(number):
            n = len(added)
            invitations.invite(eoi, partner_municipality, f"guest{n}@example.org", "", "en", by=partner_contact)
            added.append(
                Attachment.objects.create(
                    eoi=eoi,
                    file=ContentFile(b"%PDF-1.4", name=f"a{n}.pdf"),
                    original_name=f"a{n}.pdf",
                    content_type="application/pdf",
                    size=8,
                    uploaded_by=german_contact,
                )
            )

    client.force_login(german_contact)
    few, many = counts_with_few_and_many(client, [reverse("applications:detail", args=[eoi.pk])], add)
    assert many == few


def test_activity_log_and_reports(client, placement, specialist):
    day = placement.start or datetime.date(2027, 1, 1)

    def add(number):
        first = placement.activities.count()
        Activity.objects.bulk_create(
            Activity(
                placement=placement,
                date=day + datetime.timedelta(days=first + i),
                title=f"Workshop {first + i}",
                themes=["municipal_services"],
                principles=["transparency"],
                created_by=specialist,
            )
            for i in range(number)
        )
        reports = placement.reports.count()
        for i in range(reports, reports + number):
            start = day + datetime.timedelta(days=400 * (i + 10))
            Report.objects.create(
                placement=placement,
                kind=Report.Kind.INTERIM,
                period_start=start,
                period_end=start + datetime.timedelta(days=180),
                due_date=start + datetime.timedelta(days=210),
                **({"state": Report.State.SUBMITTED, "submitted_by": specialist} if i % 2 else {}),
            )

    client.force_login(specialist)
    urls = [reverse(f"placements:{name}", args=[placement.pk]) for name in ("activity_list", "report_list")]
    few, many = counts_with_few_and_many(client, urls, add)
    assert many == few


def test_admin_eoi_changelist_filtered_and_searched(client, staff, partnership, german_contact, models_open_in_namibia):
    changelist = reverse("admin:applications_expressionofinterest_changelist")
    urls = [
        f"{changelist}?{urlencode({'status': Status.DRAFT.value, 'country': 'NA'})}",
        f"{changelist}?{urlencode({'q': 'Berlin'})}",
        f"{changelist}?{urlencode({'q': '11000000'})}",
    ]
    client.force_login(staff)
    few, many = counts_with_few_and_many(client, urls, add_eois(partnership, german_contact))
    assert many == few


# --- the N+1 guard itself (tests/n_plus_one.py) ----------------------------------------------------------------
def municipality_names(request=None):
    """An N+1: a query for each participant's municipality."""
    return [participant.municipality.name for participant in Participant.objects.all()]


@shared_task
def municipality_names_task():
    return municipality_names()


def test_the_guard_fails_a_request_and_a_task_with_an_n_plus_one_and_leaves_set_up_alone(eoi):
    assert settings.MIDDLEWARE[0] == n_plus_one.MIDDLEWARE  # around every request, the other middleware too
    assert len(municipality_names()) == 2  # outside a request or a task: set-up code is not checked
    guarded_view = import_string(n_plus_one.MIDDLEWARE)(municipality_names)
    with pytest.raises(NPlusOneError, match="Participant.municipality"):
        guarded_view(None)
    with pytest.raises(NPlusOneError, match="Participant.municipality"):
        municipality_names_task.apply(throw=True)
