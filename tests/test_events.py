"""Network and exchange events: registration and waiting list, cancellation, .ics, reminders, own events, admin."""

import datetime
import threading
import time

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fachkraefte.celery import app as celery_app
from fachkraefte.models import OutboundEmail
from partnerships.models import Role
from placements import events
from placements.models import NetworkEvent, OwnNetworkEvent, Registration
from placements.tasks import remind_event_participants
from tests.factories import UserFactory
from tests.workflow import make_placement

UTC = datetime.UTC
State = Registration.State


def make_event(created_by, *, capacity=2, starts_in=datetime.timedelta(days=10), **fields):
    starts = timezone.now() + starts_in
    values = {
        "title": "Austauschtreffen Wasser",
        "description": "Erfahrungen aus den Einsätzen",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "time_zone": "Europe/Berlin",
        "place": "Bonn, Tulpenfeld 7",
        "capacity": capacity,
        "registration_deadline": starts - min(datetime.timedelta(days=1), starts_in / 2),
        "created_by": created_by,
    }
    return NetworkEvent.objects.create(**(values | fields))


def specialists(count):
    return [UserFactory(roles=[Role.SPECIALIST]) for _ in range(count)]


def states(registrations):
    return [Registration.objects.get(pk=r.pk).state for r in registrations]


@pytest.fixture
def event(staff):
    return make_event(staff)


# Registering


def test_registered_until_capacity_then_waitlisted(event):
    registrations = [events.register(event, person) for person in specialists(4)]
    assert states(registrations) == [State.REGISTERED, State.REGISTERED, State.WAITLISTED, State.WAITLISTED]
    assert [events.waitlist_position(r) for r in registrations] == [None, None, 1, 2]


def test_registering_twice_is_refused_politely(event, specialist):
    events.register(event, specialist)
    with pytest.raises(ValidationError, match="already registered|bereits angemeldet"):
        events.register(event, specialist)
    assert event.registrations.count() == 1


def test_may_register_again_after_cancelling(event, specialist):
    events.cancel(events.register(event, specialist), by=specialist)
    assert events.register(event, specialist).state == State.REGISTERED


def test_deadline_passed_is_refused(staff, specialist):
    late = make_event(staff, registration_deadline=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="deadline|Anmeldeschluss"):
        events.register(late, specialist)
    assert not late.registrations.exists()


@pytest.mark.parametrize("persona", ["staff", "outsider", "german_contact"])
def test_only_specialists_may_register(request, event, persona):
    with pytest.raises(PermissionDenied):
        events.register(event, request.getfixturevalue(persona))


# Cancelling


def test_cancel_promotes_the_first_waitlisted_and_mails_them(event, mailoutbox, django_capture_on_commit_callbacks):
    first, second, third, fourth = specialists(4)
    third.preferred_language = "en"
    third.save()
    registrations = [events.register(event, person) for person in (first, second, third, fourth)]
    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(registrations[0], by=first)
    assert states(registrations) == [State.CANCELLED, State.REGISTERED, State.REGISTERED, State.WAITLISTED]
    assert [m.to for m in mailoutbox] == [[third.email]]
    assert "Austauschtreffen Wasser" in mailoutbox[0].subject
    assert reverse("placements:event_ics", args=[event.pk]) in mailoutbox[0].body


def test_cancelling_a_waitlisted_place_promotes_nobody(event, mailoutbox, django_capture_on_commit_callbacks):
    registrations = [events.register(event, person) for person in specialists(4)]
    with django_capture_on_commit_callbacks(execute=True):
        events.cancel(registrations[2], by=registrations[2].specialist)
    assert states(registrations) == [State.REGISTERED, State.REGISTERED, State.CANCELLED, State.WAITLISTED]
    assert mailoutbox == []


def test_nobody_else_may_cancel_a_registration(event, specialist):
    registration = events.register(event, specialist)
    with pytest.raises(PermissionDenied):
        events.cancel(registration, by=UserFactory(roles=[Role.SPECIALIST]))


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_cancellations_promote_exactly_two(monkeypatch):
    # No fixtures: a transactional test flushes the database, and the ODA list does not come back.
    creator = UserFactory(is_staff=True, roles=[Role.PROGRAMME_STAFF])
    event = make_event(creator, capacity=2)
    registrations = [events.register(event, person) for person in specialists(5)]  # 2 registered, 3 waiting

    # Widen the window between "cancelled" and "count the free places": without the row lock on the
    # event, both threads would count one free place each and promote the same person.
    fill = events.fill_free_places

    def slow_fill(locked_event):
        time.sleep(0.3)
        return fill(locked_event)

    monkeypatch.setattr(events, "fill_free_places", slow_fill)
    barrier = threading.Barrier(2)
    errors = []

    def cancel(registration):
        try:
            barrier.wait(timeout=10)
            events.cancel(registration, by=registration.specialist)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in registrations[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert states(registrations) == [
        State.CANCELLED,
        State.CANCELLED,
        State.REGISTERED,
        State.REGISTERED,
        State.WAITLISTED,
    ]
    assert event.registrations.filter(state=State.REGISTERED).count() == event.capacity
    promoted = {r.specialist.email for r in registrations[2:4]}
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(promoted)


# The calendar file


def test_ics_parses_with_the_times_in_the_events_zone(client, staff, specialist):
    windhoek = make_event(
        staff,
        starts_at=datetime.datetime(2030, 3, 10, 8, 0, tzinfo=UTC),
        ends_at=datetime.datetime(2030, 3, 10, 11, 30, tzinfo=UTC),
        registration_deadline=datetime.datetime(2030, 3, 1, tzinfo=UTC),
        time_zone="Africa/Windhoek",
        place="",
        online_link="https://meet.example.org/wasser",
    )
    client.force_login(specialist)
    response = client.get(reverse("placements:event_ics", args=[windhoek.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="network-event-{windhoek.pk}.ics"'
    entry = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, "Africa/Windhoek")
    assert (end.hour, end.minute) == (13, 30)
    assert start == windhoek.starts_at
    assert str(entry["summary"]) == windhoek.title
    assert str(entry["location"]) == str(entry["url"]) == "https://meet.example.org/wasser"
    assert "Erfahrungen" in str(entry["description"])
    again = icalendar.Calendar.from_ical(client.get(reverse("placements:event_ics", args=[windhoek.pk])).content)
    assert again.walk("VEVENT")[0]["uid"] == entry["uid"]  # stable: calendars update the entry


def test_ics_refuses_others(client, outsider, event):
    """Whoever may not see the events does not learn that this one exists."""
    client.force_login(outsider)
    assert client.get(reverse("placements:event_ics", args=[event.pk])).status_code == 404


# Reminders


def test_reminder_is_sent_once_to_the_registered_only(staff, mailoutbox, django_capture_on_commit_callbacks):
    soon = make_event(staff, capacity=1, starts_in=datetime.timedelta(days=2, hours=20))
    make_event(staff, starts_in=datetime.timedelta(days=5))  # too early to remind
    registered, waiting, cancelled = specialists(3)
    events.register(soon, registered)
    events.register(soon, waiting)
    events.cancel(events.register(soon, cancelled), by=cancelled)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            remind_event_participants()
    assert [m.to for m in mailoutbox] == [[registered.email]]
    assert reverse("placements:event_ics", args=[soon.pk]) in mailoutbox[0].body
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


def test_reminder_speaks_the_participants_language(staff):
    soon = make_event(staff, starts_in=datetime.timedelta(days=1))
    german, french = specialists(2)
    french.preferred_language = "fr"
    french.save()
    events.register(soon, german)
    events.register(soon, french)
    events.send_due_reminders()
    written = OutboundEmail.objects.filter(template="event-reminder")
    assert sorted((e.template, e.to[0], e.language) for e in written) == sorted(
        [("event-reminder", german.email, "de"), ("event-reminder", french.email, "fr")]
    )


def test_reminder_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "placements.tasks.remind_event_participants" in tasks


# Portal pages


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status"),
    [("specialist", 200, 200), ("staff", 200, 200), ("outsider", 403, 404)],
)
def test_event_pages_by_persona(request, client, event, persona, list_status, detail_status):
    """The list is a role page (403 without the role); an event is an object its outsiders do not see (404)."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("placements:event_list")).status_code == list_status
    assert client.get(reverse("placements:event_detail", args=[event.pk])).status_code == detail_status


def test_event_list_shows_free_places_and_own_state(client, staff, specialist):
    full = make_event(staff, capacity=1, title="Volles Treffen")
    events.register(full, UserFactory(roles=[Role.SPECIALIST]))
    events.register(full, specialist)
    client.force_login(specialist)
    html = client.get(reverse("placements:event_list")).content.decode()
    assert "Volles Treffen" in html
    assert "Warteliste" in html or "waiting list" in html


def test_register_and_cancel_through_the_pages(client, event, specialist):
    client.force_login(specialist)
    register = reverse("placements:event_register", args=[event.pk])
    assert client.get(register).status_code == 405
    response = client.post(register)
    assert response.status_code == 302
    assert event.registrations.get().state == State.REGISTERED
    client.post(register)  # twice: refused with a message, no second row
    assert event.registrations.count() == 1
    assert client.post(reverse("placements:event_cancel", args=[event.pk])).status_code == 302
    assert event.registrations.get().state == State.CANCELLED
    assert client.post(reverse("placements:event_cancel", args=[event.pk])).status_code == 404


def test_staff_may_not_register_through_the_page(client, event, staff):
    client.force_login(staff)
    assert client.post(reverse("placements:event_register", args=[event.pk])).status_code == 403


# Own events


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist, media):
    return make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )


OWN_EVENT = {
    "title": "Runder Tisch Abfall",
    "date": "2027-02-03",
    "role": "organised",
    "place": "Windhoek",
    "partners": "Stadtwerke",
    "participants_women": "12",
    "participants_men": "9",
    "participants_diverse": "1",
    "participants_not_stated": "0",
}


def test_specialist_records_an_own_event(client, placement, specialist):
    client.force_login(specialist)
    create = reverse("placements:own_event_create", args=[placement.pk])
    assert client.get(create).status_code == 200
    response = client.post(create, OWN_EVENT)
    assert response.status_code == 302
    own = OwnNetworkEvent.objects.get(placement=placement)
    assert (own.organised, own.participants_total) == (True, 22)
    html = client.get(reverse("placements:own_event_list", args=[placement.pk])).content.decode()
    assert "Runder Tisch Abfall" in html


def test_own_event_form_keeps_the_input_and_says_why(client, placement, specialist):
    client.force_login(specialist)
    response = client.post(reverse("placements:own_event_create", args=[placement.pk]), OWN_EVENT | {"date": "x"})
    assert response.status_code == 200
    assert "Runder Tisch Abfall" in response.content.decode()
    assert response.context["form"].errors["date"]
    assert not OwnNetworkEvent.objects.exists()


def test_another_placements_specialist_gets_404(client, placement):
    client.force_login(UserFactory(roles=[Role.SPECIALIST]))
    assert client.get(reverse("placements:own_event_list", args=[placement.pk])).status_code == 404
    assert client.post(reverse("placements:own_event_create", args=[placement.pk]), OWN_EVENT).status_code == 404
    assert not OwnNetworkEvent.objects.exists()


def test_staff_read_own_events_but_do_not_add(client, placement, staff):
    client.force_login(staff)
    assert client.get(reverse("placements:own_event_list", args=[placement.pk])).status_code == 200
    assert client.get(reverse("placements:own_event_create", args=[placement.pk])).status_code == 403


def test_outsider_gets_404_for_own_events(client, placement, outsider):
    client.force_login(outsider)
    assert client.get(reverse("placements:own_event_list", args=[placement.pk])).status_code == 404


# Admin

CHANGELIST = "admin:placements_networkevent_changelist"


def test_changelist_shows_counts_without_n_plus_one(client, staff):
    people = specialists(3)

    def add_event():
        new = make_event(staff, capacity=1)
        for person in people:
            events.register(new, person)

    add_event()
    client.force_login(staff)
    client.get(reverse(CHANGELIST))  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse(CHANGELIST))
    for _ in range(3):
        add_event()
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert len(four) == len(one)
    rows = response.context["cl"].result_list
    assert [(e.registered_count, e.waitlisted_count) for e in rows] == [(1, 2)] * 4


def test_staff_create_an_event_in_its_time_zone(client, staff):
    client.force_login(staff)
    data = {
        "title": "Regionaltreffen Afrika",
        "description": "",
        "time_zone": "Africa/Windhoek",
        "starts_at_0": "2030-05-04",
        "starts_at_1": "10:00:00",
        "ends_at_0": "2030-05-04",
        "ends_at_1": "16:00:00",
        "place": "Windhoek",
        "online_link": "",
        "capacity": "20",
        "registration_deadline_0": "2030-04-20",
        "registration_deadline_1": "23:59:00",
        "audience": "Fachkräfte im südlichen Afrika",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:placements_networkevent_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = NetworkEvent.objects.get()
    assert created.starts_at == datetime.datetime(2030, 5, 4, 8, 0, tzinfo=UTC)  # 10:00 in Windhoek
    assert created.created_by == staff
    page = client.get(reverse("admin:placements_networkevent_change", args=[created.pk])).content.decode()
    assert 'value="10:00:00"' in page  # shown in the event's zone again

    bad = client.post(reverse("admin:placements_networkevent_add"), data | {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 200
    assert bad.context["adminform"].form.errors["time_zone"]


def test_attendance_marking_saves(client, staff, event):
    present, absent = specialists(2)
    first, second = events.register(event, present), events.register(event, absent)
    client.force_login(staff)
    change = reverse("admin:placements_networkevent_change", args=[event.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    local = timezone.localtime(event.starts_at, events.zone_of(event))
    for name in ("starts_at", "ends_at", "registration_deadline"):
        moment = timezone.localtime(getattr(event, name), events.zone_of(event))
        data |= {f"{name}_0": moment.date().isoformat(), f"{name}_1": moment.time().isoformat("seconds")}
        del data[name]
    assert local.tzinfo is not None
    data |= {
        "registrations-TOTAL_FORMS": "2",
        "registrations-INITIAL_FORMS": "2",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
        "registrations-0-id": str(first.pk),
        "registrations-0-event": str(event.pk),
        "registrations-0-attended": "true",
        "registrations-1-id": str(second.pk),
        "registrations-1-event": str(event.pk),
        "registrations-1-attended": "false",
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attended, second.attended) == (True, False)
    event.refresh_from_db()
    assert event.starts_at == NetworkEvent.objects.get(pk=event.pk).starts_at


def test_mark_registered_attended_action(client, staff, event):
    registrations = [events.register(event, person) for person in specialists(3)]  # 2 registered, 1 waiting
    client.force_login(staff)
    client.post(reverse(CHANGELIST), {"action": "mark_registered_attended", "_selected_action": [event.pk]})
    assert [Registration.objects.get(pk=r.pk).attended for r in registrations] == [True, True, None]


def test_own_events_admin_lists_for_staff(client, staff, placement):
    OwnNetworkEvent.objects.create(placement=placement, title="Runder Tisch", date=datetime.date(2027, 2, 3))
    client.force_login(staff)
    response = client.get(reverse("admin:placements_ownnetworkevent_changelist") + "?organised__exact=0")
    assert response.status_code == 200
    assert "Runder Tisch" in response.content.decode()
