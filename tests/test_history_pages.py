"""The newest records on an EOI's and a placement's page, and the whole record on their history pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Event
from fachkraefte.records import HISTORY_PAGE_SIZE, RECORDS_ON_PAGE
from placements.models import PlacementEvent
from tests.test_query_counts import counts_with_few_and_many
from tests.workflow import make_placement

pytestmark = pytest.mark.usefixtures("media")

START = timezone.now() - datetime.timedelta(days=365)


def note(number):
    return f"Entry {number:03}"  # "Entry 001" is no part of "Entry 010"


def give_eoi_records(eoi, number):
    """The EOI's record, replaced by `number` messages a minute apart: "Entry 000" the oldest."""
    eoi.events.all().delete()
    add_eoi_records(eoi, 0, number)


def add_eoi_records(eoi, first, number):
    Event.objects.bulk_create(
        Event(eoi=eoi, kind=Event.Kind.MESSAGE, note=note(i), created_at=START + datetime.timedelta(minutes=i))
        for i in range(first, first + number)
    )


def give_placement_records(placement, number):
    placement.events.all().delete()
    PlacementEvent.objects.bulk_create(
        PlacementEvent(
            placement=placement,
            kind=PlacementEvent.Kind.REPORT_REMINDED,
            note=note(i),
            created_at=START + datetime.timedelta(minutes=i),
        )
        for i in range(number)
    )


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    return make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )


def page_of(client, name, pk, **query):
    response = client.get(reverse(name, args=[pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def shown(page, numbers):
    return [number for number in numbers if note(number) in page]


# --- the detail pages: the newest ten, a link when there are more -------------------------------------------
@pytest.mark.parametrize("number", [RECORDS_ON_PAGE - 1, RECORDS_ON_PAGE])
def test_the_eoi_page_has_no_link_when_it_shows_every_record(client, eoi, german_contact, number):
    give_eoi_records(eoi, number)
    client.force_login(german_contact)
    page = page_of(client, "applications:detail", eoi.pk)
    assert shown(page, range(number)) == list(range(number))
    assert 'id="whole-history"' not in page


def test_the_eoi_page_shows_the_newest_ten_and_links_to_the_rest(client, eoi, german_contact):
    give_eoi_records(eoi, RECORDS_ON_PAGE + 5)
    client.force_login(german_contact)
    page = page_of(client, "applications:detail", eoi.pk)
    assert shown(page, range(RECORDS_ON_PAGE + 5)) == list(range(5, RECORDS_ON_PAGE + 5))
    assert page.index(note(14)) < page.index(note(5))  # newest first
    assert f'href="{reverse("applications:history", args=[eoi.pk])}" id="whole-history"' in page


def test_the_eoi_page_reads_its_records_in_one_query_without_a_count(client, eoi, german_contact):
    give_eoi_records(eoi, 30)
    client.force_login(german_contact)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("applications:detail", args=[eoi.pk]))
    reads = [q["sql"] for q in captured if 'FROM "applications_event"' in q["sql"]]
    assert len(reads) == 1
    assert f"LIMIT {RECORDS_ON_PAGE + 1}" in reads[0] and "COUNT(" not in reads[0]
    assert 'JOIN "partnerships_user"' in reads[0]  # the actor in the same query


def test_the_placement_page_shows_the_newest_ten_and_links_to_the_rest(client, placement, specialist):
    give_placement_records(placement, RECORDS_ON_PAGE)
    client.force_login(specialist)
    assert 'id="whole-history"' not in page_of(client, "placements:placement_detail", placement.pk)
    give_placement_records(placement, RECORDS_ON_PAGE + 1)
    page = page_of(client, "placements:placement_detail", placement.pk)
    assert shown(page, range(RECORDS_ON_PAGE + 1)) == list(range(1, RECORDS_ON_PAGE + 1))
    assert f'href="{reverse("placements:history", args=[placement.pk])}" id="whole-history"' in page


# --- the history pages: everything, a page at a time -----------------------------------------------------
def test_the_eoi_history_pages_through_the_whole_record(client, eoi, german_contact):
    total = HISTORY_PAGE_SIZE + 10
    give_eoi_records(eoi, total)
    client.force_login(german_contact)
    first = page_of(client, "applications:history", eoi.pk)
    assert shown(first, range(total)) == list(range(10, total))
    assert first.index(note(total - 1)) < first.index(note(10))
    assert "Seite 1 von 2" in first and "60 Einträge" in first  # german_contact reads German
    assert f'href="{reverse("applications:detail", args=[eoi.pk])}"' in first  # the breadcrumb back
    second = page_of(client, "applications:history", eoi.pk, page=2)
    assert shown(second, range(total)) == list(range(10))
    assert 'id="whole-history"' not in first + second


@pytest.mark.parametrize(("asked", "given"), [("99", 2), ("-1", 2), ("next", 1)])
def test_a_bad_page_number_gives_the_last_or_the_first_page(client, eoi, german_contact, asked, given):
    give_eoi_records(eoi, HISTORY_PAGE_SIZE + 10)
    client.force_login(german_contact)
    response = client.get(reverse("applications:history", args=[eoi.pk]), {"page": asked})
    assert response.context["page"].number == given


def test_the_placement_history_pages_through_the_whole_record(client, placement, german_contact):
    total = HISTORY_PAGE_SIZE + 1
    give_placement_records(placement, total)
    client.force_login(german_contact)  # a member of the EOI's municipality reads the placement too
    first = page_of(client, "placements:history", placement.pk)
    assert shown(first, range(total)) == list(range(1, total))
    assert f'href="{reverse("placements:placement_detail", args=[placement.pk])}"' in first
    assert shown(page_of(client, "placements:history", placement.pk, page=2), range(total)) == [0]


def test_the_history_is_read_in_the_readers_language(client, eoi, partner_contact):
    give_eoi_records(eoi, 3)
    client.force_login(partner_contact)
    page = page_of(client, "applications:history", eoi.pk)  # partner_contact reads French
    assert "Historique" in page and "3 entrées" in page


# --- what applicants may read, and who may read it ------------------------------------------------------------
def test_the_staff_only_records_are_shown_on_neither_page(client, eoi, german_contact, staff):
    give_eoi_records(eoi, RECORDS_ON_PAGE)
    Event.objects.create(eoi=eoi, kind=Event.Kind.EXPORTED, actor=staff, note="dossiers/eoi-secret.zip")
    client.force_login(german_contact)
    detail = page_of(client, "applications:detail", eoi.pk)
    history = page_of(client, "applications:history", eoi.pk)
    for page in (detail, history):
        assert "eoi-secret" not in page and str(Event.Kind.EXPORTED.label) not in page
    assert 'id="whole-history"' not in detail  # ten readable records: nothing older to see
    assert "10 Einträge" in history


@pytest.mark.parametrize("name", ["applications:history", "placements:history"])
def test_a_member_of_another_municipality_gets_404(client, placement, outsider, name):
    pk = placement.eoi.pk if name.startswith("applications") else placement.pk
    client.force_login(outsider)
    assert client.get(reverse(name, args=[pk])).status_code == 404


@pytest.mark.parametrize("name", ["applications:history", "placements:history"])
def test_the_anonymous_are_sent_to_the_login(client, placement, name):
    pk = placement.eoi.pk if name.startswith("applications") else placement.pk
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- as many queries with 3 records as with 30 --------------------------------------------------------------
def test_the_eoi_history_page_queries(client, eoi, german_contact):
    eoi.events.all().delete()
    client.force_login(german_contact)

    def add(number):
        add_eoi_records(eoi, eoi.events.count(), number)
        Event.objects.filter(eoi=eoi).update(actor=german_contact)

    few, many = counts_with_few_and_many(client, [reverse("applications:history", args=[eoi.pk])], add)
    assert many == few


def test_the_placement_history_page_queries(client, placement, specialist, staff):
    client.force_login(specialist)

    def add(number):
        PlacementEvent.objects.bulk_create(
            PlacementEvent(placement=placement, kind=PlacementEvent.Kind.REPORT_REMINDED, actor=staff)
            for _ in range(number)
        )

    few, many = counts_with_few_and_many(client, [reverse("placements:history", args=[placement.pk])], add)
    assert many == few
