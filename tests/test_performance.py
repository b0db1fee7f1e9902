"""Fast at the programme's size (issue 15): lists a page at a time, the staff dashboard's figures from the cache,
no session write on a plain request, the admin's search on indexes, PostgreSQL-only indexes skipped on SQLite."""

import datetime
import re
import sqlite3

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import dashboard_figures, services
from applications.models import ExpressionOfInterest
from applications.tasks import refresh_dashboard_figures
from applications.work import terms_waiting_for_staff
from partnerships import login_sessions
from partnerships.models import MembershipRole
from placements import services as placement_services
from placements.models import Activity
from placements.views import portal
from tests.factories import (
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
)
from tests.workflow import make_placement

DASHBOARD = "admin:applications_expressionofinterest_dashboard"
CHANGELIST = "admin:applications_expressionofinterest_changelist"
MAX_HTML_BYTES = 150_000


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    placement = make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )
    return placement_services.transition(placement, "begin", by=staff)


def log_activities(placement, count):
    start = placement.start
    Activity.objects.bulk_create(
        Activity(
            placement=placement,
            date=start + datetime.timedelta(days=number % 300),
            title=f"Workshop {number:03d}",
            description="A long description of what happened. " * 10,
            created_by=placement.specialist,
        )
        for number in range(count)
    )


# --- pagination -------------------------------------------------------------------------------


def test_the_activity_log_shows_a_page_at_a_time(client, placement, specialist):
    log_activities(placement, 2 * portal.ACTIVITIES_PER_PAGE + 7)
    client.force_login(specialist)
    url = reverse("placements:activity_list", args=[placement.pk])
    first = client.get(url)
    assert len(first.context["rows"]) == portal.ACTIVITIES_PER_PAGE
    assert len(first.content) < MAX_HTML_BYTES
    html = first.content.decode()
    assert re.search(r'<nav aria-label="[^"]+"', html)
    assert 'aria-current="page"' in html
    assert 'href="?page=2"' in html
    last = client.get(url, {"page": 3})
    assert len(last.context["rows"]) == 7
    # The quarterly totals still count every activity, not the page's.
    assert sum(quarter["activities"] for quarter in last.context["quarters"]) == 2 * portal.ACTIVITIES_PER_PAGE + 7


def test_turning_the_page_keeps_the_filter(client, placement, specialist):
    log_activities(placement, portal.ACTIVITIES_PER_PAGE + 1)
    client.force_login(specialist)
    url = reverse("placements:activity_list", args=[placement.pk])
    since = placement.start.isoformat()
    html = client.get(url, {"date_after": since}).content.decode()
    assert f'href="?date_after={since}&amp;page=2"' in html


def test_the_activity_log_takes_as_many_queries_for_10_as_for_120_activities(client, placement, specialist):
    client.force_login(specialist)
    url = reverse("placements:activity_list", args=[placement.pk])
    log_activities(placement, 10)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    log_activities(placement, 110)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_reports_page_is_paginated(client, placement, specialist, monkeypatch):
    monkeypatch.setattr(portal, "REPORTS_PER_PAGE", 1)
    client.force_login(specialist)
    url = reverse("placements:report_list", args=[placement.pk])
    scheduled = placement.reports.count()
    assert scheduled > 1
    first = client.get(url)
    assert len(re.findall(r"data-report=", first.content.decode())) == 1
    second = client.get(url, {"page": 2})
    assert second.status_code == 200
    shown = re.findall(r'data-report="(\d+)"', second.content.decode())
    assert shown == [str(placement.reports.order_by("due_date", "pk")[1].pk)]
    assert client.get(url, {"page": 999}).context["page"].number == scheduled  # past the end: the last page


def test_a_single_page_shows_no_pagination(rf_request):
    html = render_pagination(rf_request("/"), count=3, per_page=10, number=1)
    assert html.strip() == ""


def test_the_pagination_says_where_the_reader_is(rf_request):
    html = render_pagination(rf_request("/?q=Mainz&page=2"), count=30, per_page=10, number=2)
    assert '<nav aria-label="Pages of things"' in html
    assert 'aria-current="page"' in html
    assert 'href="?q=Mainz&amp;page=1" rel="prev"' in html
    assert 'href="?q=Mainz&amp;page=3" rel="next"' in html


@pytest.fixture
def rf_request():
    return RequestFactory().get


def render_pagination(request, *, count, per_page, number):
    from django.core.paginator import Paginator

    page = Paginator(list(range(count)), per_page).get_page(number)
    template = Template('{% include "_pagination.html" with page=page label="Pages of things" %}')
    return template.render(Context({"request": request, "page": page}))


# --- the staff dashboard's figures ------------------------------------------------------------


def start_eoi(partnership, by):
    return services.start(partnership, list(partnership.municipalities.all()), "integrated", by=by)


def test_an_empty_cache_computes_the_figures_and_keeps_them(client, staff, eoi):
    assert cache.get(dashboard_figures.CACHE_KEY) is None
    client.force_login(staff)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    assert response.context["total"] == ExpressionOfInterest.objects.count() == 1
    assert cache.get(dashboard_figures.CACHE_KEY).total == 1


def test_the_page_reads_the_kept_figures_until_the_task_refreshes_them(client, staff, eoi, partnership, german_contact):
    client.force_login(staff)
    client.get(reverse(DASHBOARD))
    start_eoi(partnership, german_contact)
    assert client.get(reverse(DASHBOARD)).context["total"] == 1  # kept: a few minutes old at most
    refresh_dashboard_figures.delay()
    assert client.get(reverse(DASHBOARD)).context["total"] == 2


def test_the_page_says_how_fresh_the_figures_are(client, staff, eoi):
    staff.preferred_language = "en"
    staff.save()
    moment = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 5))
    cache.set(dashboard_figures.CACHE_KEY, dashboard_figures.compute(now=moment), 60)
    client.force_login(staff)
    html = client.get(reverse(DASHBOARD)).content.decode()
    assert re.search(r"Figures as of\s+10:05", html)


def test_the_refresh_is_in_the_beat_schedule():
    from fachkraefte.celery import app as celery_app

    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "applications.tasks.refresh_dashboard_figures" in tasks


def test_the_kept_figures_hold_no_translated_text(eoi):
    figures = dashboard_figures.compute()
    assert all(isinstance(code, str) and len(code) == 2 for code, _count in figures.country_counts)


# --- sessions ---------------------------------------------------------------------------------


def session_writes(queries):
    writes = ('UPDATE "django_session"', 'INSERT INTO "django_session"', 'DELETE FROM "django_session"')
    return [q["sql"] for q in queries if q["sql"].startswith(writes)]


@pytest.mark.parametrize("persona", ["german_contact", "staff", "specialist"])
def test_a_plain_request_writes_no_session(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    client.get(reverse("home"))  # a first request may note the session's start
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("partnerships:profile")).status_code == 200
    assert session_writes(queries) == []


def test_a_staff_session_is_noted_as_in_use_at_most_once_a_minute(client, staff):
    client.force_login(staff)
    client.get(reverse("home"))
    session = client.session
    session[login_sessions.SEEN_KEY] = login_sessions.now() - login_sessions.TOUCH_EVERY - 1
    session.save()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("partnerships:profile"))
    assert len(session_writes(queries)) == 1
    assert login_sessions.now() - client.session[login_sessions.SEEN_KEY] < 5


# --- the admin's search -----------------------------------------------------------------------


@pytest.fixture
def searchable(german_contact, models_open_in_namibia):
    """Two EOIs: one of a named partnership with Mainz (07315000), one with Koblenz (07111000)."""
    mainz = GermanMunicipalityFactory(name="Mainz", ags="07315000")
    koblenz = GermanMunicipalityFactory(name="Koblenz", ags="07111000")
    named = PartnershipFactory(
        german=mainz, partner=PartnerMunicipalityFactory(name="Kigali", country="NA"), name="Rhein–Ruanda"
    )
    plain = PartnershipFactory(german=koblenz, partner=PartnerMunicipalityFactory(name="Cotonou", country="NA"))
    for town in (mainz, koblenz):  # whoever starts an EOI acts for its German municipality
        MembershipFactory(user=german_contact, municipality=town, role=MembershipRole.CONTACT)
    return {
        partnership.pk: services.start(
            partnership, list(partnership.municipalities.all()), "integrated", by=german_contact
        )
        for partnership in (named, plain)
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Mainz", ["Mainz"]),
        ("mainz", ["Mainz"]),
        ("ruanda", ["Mainz"]),  # the partnership's name
        ("Cotonou", ["Koblenz"]),  # the partner municipality
        ("0731", ["Mainz"]),  # the start of the AGS
        ("315000", []),  # not its middle
        ("Mainz Kigali", ["Mainz"]),  # every word must match
        ("Mainz Cotonou", []),
        ("", ["Koblenz", "Mainz"]),
    ],
)
def test_the_admin_search_matches_names_and_the_start_of_the_ags(client, staff, searchable, query, expected):
    client.force_login(staff)
    found = client.get(reverse(CHANGELIST), {"q": query}).context["cl"].result_list
    german = sorted(p.municipality.name for eoi in found for p in eoi.participants.all() if p.side == "german")
    assert german == expected


def test_the_admin_list_counts_no_more_than_it_shows(client, staff, searchable):
    client.force_login(staff)
    changelist = client.get(reverse(CHANGELIST), {"q": "Mainz"}).context["cl"]
    assert changelist.result_count == 1
    assert changelist.full_result_count is None  # show_full_result_count = False: no second count


def test_the_partner_country_filter_lists_countries_with_eois_and_filters_without_duplicates(client, staff, searchable):
    client.force_login(staff)
    response = client.get(reverse(CHANGELIST))
    spec = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "country"
    )
    country = spec.lookup_choices[0][0]
    found = client.get(reverse(CHANGELIST), {"country": country}).context["cl"].result_list
    assert len(found) == len({eoi.pk for eoi in found}) >= 1


# --- PostgreSQL-only migrations ---------------------------------------------------------------


def test_the_migrations_apply_on_sqlite_without_the_postgresql_indexes(migrated_sqlite):
    with sqlite3.connect(migrated_sqlite) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "eoi_newest_first_idx" in names  # an ordinary index is made everywhere
    assert "municipality_name_trgm_idx" not in names  # a trigram index only on PostgreSQL


def test_the_trigram_indexes_exist_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm_idx"])
        names = {row[0] for row in cursor.fetchall()}
    assert names == {"municipality_name_trgm_idx", "partnership_name_trgm_idx"}


def test_a_query_run_again_on_the_connection_is_prepared_once(db, eoi):
    """PostgreSQL parses and plans a page's repeated queries once per connection (settings: server_side_binding)."""
    # A select list no other test asks for: the connection (one per test process) keeps what earlier tests prepared.
    for pk in (eoi.pk, eoi.pk + 1, eoi.pk + 2, eoi.pk + 3):  # other parameters, the same statement
        list(ExpressionOfInterest.objects.filter(pk=pk).values_list("shared_version", "german_version"))
    with connection.cursor() as cursor:
        table = '"applications_expressionofinterest"'
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'SELECT {table}."shared_version" AS "shared_version", {table}."german_version" AS "german_version" %'],
        )
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1
    assert '"applications_expressionofinterest"."id" = $1' in prepared[0]


def test_the_terms_waiting_for_staff_can_be_read_from_their_index_alone(db):
    """The work queue's terms kind: an index-only scan of terms_agreed_covering_idx (bench/EXPLAIN.md, 29)."""
    sql, params = terms_waiting_for_staff().order_by().values_list("pk", "since").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test database is small enough to read whole
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using terms_agreed_covering_idx on applications_termsofreference" in plan
