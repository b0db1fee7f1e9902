"""The specialist's portal: their placements and the activity log with quarterly totals."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services as eoi_services
from partnerships.models import Role
from placements import services
from placements.models import Activity
from placements.views.portal import quarterly_totals
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
    """The specialist of a second placement of the same partnership."""
    user = UserFactory(roles=[Role.SPECIALIST])
    second = eoi_services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    make_placement(second, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=user)
    return user


def activity(placement, day, **values):
    values = {
        "title": f"Workshop {day}",
        "created_by": placement.specialist,
        **values,
    }
    return Activity.objects.create(placement=placement, date=day, **values)


def url(name, placement, *args):
    return reverse(f"placements:{name}", args=[placement.pk, *args])


VALID = {
    "date": "2027-03-15",
    "title": "Citizens' budget workshop",
    "description": "With the finance department",
    "themes": ["municipal_services", "new_actors"],
    "sdgs": ["11", "16"],
    "departments": "Finance, civil society forum",
    "participants_women": "12",
    "participants_men": "9",
    "participants_diverse": "1",
    "participants_not_stated": "0",
    "principles": ["transparency", "inclusion"],
}


# --- my placements and the placement page ------------------------------------------------------------------
def test_my_placements_lists_the_specialists_own(client, placement, specialist, other_specialist):
    client.force_login(specialist)
    response = client.get(reverse("placements:my_placements"))
    assert response.status_code == 200
    assert list(response.context["placements"]) == [placement]


@pytest.mark.parametrize("persona", ["german_contact", "outsider", "cim_recruiter"])
def test_my_placements_refuses_people_who_are_neither_specialist_nor_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("placements:my_placements")).status_code == 403


def test_my_placements_is_empty_for_staff(client, staff, placement):
    client.force_login(staff)
    response = client.get(reverse("placements:my_placements"))
    assert response.status_code == 200
    assert list(response.context["placements"]) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("specialist", 200),
        ("german_contact", 200),
        ("partner_contact", 200),
        ("viewer", 200),
        ("staff", 200),
        ("other_specialist", 404),
        ("outsider", 404),
    ],
)
def test_placement_detail_by_persona(client, request, placement, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("placement_detail", placement)).status_code == status


@pytest.mark.parametrize("persona", ["specialist", "staff", "german_contact"])
def test_placement_detail_never_shows_the_top_up(client, request, placement, persona):
    placement.monthly_top_up, placement.top_up_currency = Decimal("1234.56"), "NAD"
    placement.save()
    client.force_login(request.getfixturevalue(persona))
    content = client.get(url("placement_detail", placement)).content.decode()
    assert "1234" not in content and "1.234" not in content and "NAD" not in content


def test_anonymous_is_sent_to_log_in(client, placement):
    response = client.get(url("activity_list", placement))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- who may read and write the activity log ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("specialist", 200, 200),
        ("german_contact", 200, 403),
        ("partner_contact", 200, 403),
        ("viewer", 200, 403),
        ("staff", 200, 403),
        ("other_specialist", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_activity_pages_by_persona(client, request, placement, persona, read, write):
    entry = activity(placement, D(2027, 2, 1))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("activity_list", placement)).status_code == read
    assert client.get(url("activity_create", placement)).status_code == write
    assert client.get(url("activity_edit", placement, entry.pk)).status_code == write
    assert client.post(url("activity_create", placement), VALID).status_code == (302 if write == 200 else write)
    if write != 200:
        assert Activity.objects.count() == 1


def test_the_specialist_logs_an_activity(client, placement, specialist):
    client.force_login(specialist)
    response = client.post(url("activity_create", placement), VALID)
    assert response.status_code == 302
    created = Activity.objects.get(title="Citizens' budget workshop")
    assert created.placement == placement and created.created_by == specialist
    assert created.themes == ["municipal_services", "new_actors"]
    assert created.sdgs == [11, 16]
    assert created.principles == ["transparency", "inclusion"]
    assert (created.participants_women, created.participants_men, created.participants_diverse) == (12, 9, 1)
    assert created.participants_total == 22


def test_the_specialist_edits_an_activity(client, placement, specialist):
    entry = activity(placement, D(2027, 2, 1), themes=["climate"], sdgs=[13])
    client.force_login(specialist)
    form = client.get(url("activity_edit", placement, entry.pk)).context["form"]
    assert form.initial["themes"] == ["climate"]
    response = client.post(url("activity_edit", placement, entry.pk), {**VALID, "title": "Renamed"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Renamed" and entry.sdgs == [11, 16]


def test_another_placements_activity_is_not_found(client, placement, specialist, other_specialist):
    theirs = activity(other_specialist.placements.get(), D(2027, 2, 1), created_by=other_specialist)
    client.force_login(specialist)
    assert client.get(url("activity_edit", placement, theirs.pk)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"participants_women": "-1"}, "participants_women"),
        ({"participants_men": "many"}, "participants_men"),
        ({"date": "2026-12-31"}, "date"),
        ({"title": ""}, "title"),
        ({"themes": ["no-such-theme"]}, "themes"),
    ],
)
def test_bad_input_keeps_the_input_and_says_why(client, placement, specialist, change, field):
    client.force_login(specialist)
    response = client.post(url("activity_create", placement), {**VALID, "description": "Kept text", **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Kept text" in response.content.decode()
    assert not Activity.objects.exists()


# --- filters and totals --------------------------------------------------------------------------------------------
@pytest.fixture
def log(placement):
    """A hand-built data set over three quarters."""
    return [
        activity(placement, D(2027, 1, 10), themes=["climate"], principles=["transparency"], participants_women=5),
        activity(
            placement,
            D(2027, 3, 31),
            themes=["waste"],
            principles=["inclusion"],
            participants_women=3,
            participants_men=4,
            participants_diverse=1,
            participants_not_stated=2,
        ),
        activity(placement, D(2027, 4, 1), themes=["climate", "waste"], participants_men=7),
        activity(placement, D(2028, 2, 29), principles=["inclusion", "cooperation"], participants_not_stated=6),
    ]


def test_totals_per_quarter(client, placement, log, german_contact):
    client.force_login(german_contact)
    quarters = client.get(url("activity_list", placement)).context["quarters"]
    assert [(q["label"], q["activities"], q["women"], q["men"], q["diverse"], q["not_stated"]) for q in quarters] == [
        ("Q1 2027", 2, 8, 4, 1, 2),
        ("Q2 2027", 1, 0, 7, 0, 0),
        ("Q1 2028", 1, 0, 0, 0, 6),
    ]
    assert [q["participants"] for q in quarters] == [15, 7, 6]


def test_totals_are_one_query(placement, log, django_assert_num_queries):
    with django_assert_num_queries(1):
        quarterly_totals(placement.activities.all())


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"date_after": "2027-03-01", "date_before": "2027-04-30"}, ["Workshop 2027-04-01", "Workshop 2027-03-31"]),
        ({"theme": "climate"}, ["Workshop 2027-04-01", "Workshop 2027-01-10"]),
        ({"principle": "inclusion"}, ["Workshop 2028-02-29", "Workshop 2027-03-31"]),
        ({"theme": "waste", "principle": "inclusion"}, ["Workshop 2027-03-31"]),
        ({}, ["Workshop 2028-02-29", "Workshop 2027-04-01", "Workshop 2027-03-31", "Workshop 2027-01-10"]),
    ],
)
def test_filters(client, placement, log, specialist, query, titles):
    client.force_login(specialist)
    response = client.get(url("activity_list", placement), query)
    assert [row[0].title for row in response.context["rows"]] == titles


def test_the_filter_shows_what_was_chosen_and_then_nothing(client, placement, log, specialist):
    """The empty filter's HTML is kept (crispy_once): a filtered page's choice must not stay in it."""
    client.force_login(specialist)
    chosen = client.get(url("activity_list", placement), {"theme": "climate"}).content.decode()
    assert '<option value="climate" selected>' in chosen
    for _ in range(2):
        page = client.get(url("activity_list", placement)).content.decode()
        assert '<option value="climate">' in page and '<option value="climate" selected>' not in page


def test_totals_follow_the_filter(client, placement, log, specialist):
    client.force_login(specialist)
    quarters = client.get(url("activity_list", placement), {"theme": "waste"}).context["quarters"]
    assert [(q["label"], q["activities"], q["participants"]) for q in quarters] == [
        ("Q1 2027", 1, 10),
        ("Q2 2027", 1, 7),
    ]


def test_the_log_page_shows_the_activities_and_totals(client, placement, log, viewer):
    client.force_login(viewer)
    content = client.get(url("activity_list", placement)).content.decode()
    assert "Workshop 2027-03-31" in content and "Q1 2027" in content
    assert url("activity_create", placement) not in content
