"""The placement's own workflow (begin, extend, complete, end early) and the reports that follow its dates."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from fachkraefte.models import OutboundEmail
from fachkraefte.workflow import StepRefused
from placements import services
from placements.admin_placements import PlacementAdmin
from placements.models import Placement, PlacementEvent, Report
from placements.reports import schedule_reports
from tests.workflow import make_placement

D = datetime.date
INTERIM, FINAL = Report.Kind.INTERIM, Report.Kind.FINAL


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    return make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )


@pytest.fixture
def active(placement, staff):
    return services.transition(placement, "begin", by=staff)


def schedule(placement):
    """(kind, period start, period end, due date, state) of every report, in order."""
    return [
        (r.kind, r.period_start, r.period_end, r.due_date, r.state)
        for r in placement.reports.order_by("kind", "period_start", "pk")
    ]


def step_arguments(name):
    return {
        "begin": {},
        "complete": {},
        "extend": {"new_end": D(2029, 6, 30), "reason": "The council asked for six more months."},
        "end_early": {"end": D(2027, 9, 30), "reason": "Family reasons."},
    }[name]


TARGETS = {"begin": "active", "extend": "extended", "complete": "completed", "end_early": "ended_early"}


# --- who may -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["begin", "extend", "complete", "end_early"])
def test_staff_runs_every_step_and_it_is_recorded(placement, staff, name):
    if name != "begin":
        placement = services.transition(placement, "begin", by=staff)
    moved = services.transition(placement, name, by=staff, **step_arguments(name))
    assert Placement.objects.get(pk=placement.pk).status == TARGETS[name]
    event = PlacementEvent.objects.filter(placement=placement, kind=name).get()
    assert (event.from_status, event.to_status, event.actor) == (
        "planned" if name == "begin" else "active",
        TARGETS[name],
        staff,
    )
    assert event.note == step_arguments(name).get("reason", "")
    assert moved.status == TARGETS[name]


@pytest.mark.parametrize("persona", ["specialist", "german_contact", "partner_contact", "outsider"])
@pytest.mark.parametrize("name", ["begin", "extend", "complete", "end_early"])
def test_everybody_but_staff_is_refused(request, placement, staff, persona, name):
    if name != "begin":
        placement = services.transition(placement, "begin", by=staff)
    status = placement.status
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.transition(placement, name, by=user, **step_arguments(name))
    placement.refresh_from_db()
    assert placement.status == status
    assert not PlacementEvent.objects.filter(placement=placement, kind=name, actor=user).exists()


def test_a_non_staff_user_is_refused_even_where_the_status_would_not_allow_it(placement, specialist):
    with pytest.raises(PermissionDenied):
        services.transition(placement, "complete", by=specialist)


def test_a_step_the_status_does_not_allow_is_refused_with_the_status(placement, staff):
    with pytest.raises(StepRefused, match="Planned|Geplant"):
        services.transition(placement, "complete", by=staff)
    with pytest.raises(StepRefused):
        services.transition(placement, "no_such_step", by=staff)


def test_a_finished_placement_does_not_move_again(active, staff):
    services.transition(active, "complete", by=staff)
    with pytest.raises(StepRefused):
        services.transition(active, "extend", by=staff, new_end=D(2030, 1, 1), reason="again")


@pytest.mark.parametrize("name", ["extend", "end_early"])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_extending_and_ending_early_need_a_reason(active, staff, name, reason):
    arguments = {**step_arguments(name), "reason": reason}
    with pytest.raises(StepRefused):
        services.transition(active, name, by=staff, **arguments)
    active.refresh_from_db()
    assert active.status == "active"


@pytest.mark.parametrize("new_end", [D(2028, 12, 31), D(2028, 6, 30), None])
def test_an_extension_ends_after_the_current_end(active, staff, new_end):
    # the refusal names the current end the way the reader writes dates
    with translation.override("en"), pytest.raises(StepRefused, match="12/31/2028"):
        services.transition(active, "extend", by=staff, new_end=new_end, reason="more work")


@pytest.mark.parametrize("end", [D(2029, 1, 1), D(2026, 12, 31), None])
def test_an_early_end_lies_within_the_placement(active, staff, end):
    with pytest.raises(StepRefused):
        services.transition(active, "end_early", by=staff, end=end, reason="stopped")


def test_extend_and_end_early_keep_the_new_end_and_the_reason(active, staff):
    services.transition(active, "extend", by=staff, new_end=D(2029, 12, 31), reason="More to do")
    active.refresh_from_db()
    assert (active.end, active.end_reason) == (D(2029, 12, 31), "More to do")
    services.transition(active, "end_early", by=staff, end=D(2029, 3, 31), reason="Illness")
    active.refresh_from_db()
    assert (active.status, active.end, active.end_reason) == ("ended_early", D(2029, 3, 31), "Illness")


# --- the reports follow the placement --------------------------------------------------------------------------
TWO_YEARS = [
    (FINAL, D(2027, 1, 1), D(2028, 12, 31), D(2029, 3, 1), "due"),
    (INTERIM, D(2027, 1, 1), D(2027, 6, 30), D(2027, 7, 30), "due"),
    (INTERIM, D(2027, 7, 1), D(2027, 12, 31), D(2028, 1, 30), "due"),
    (INTERIM, D(2028, 1, 1), D(2028, 6, 30), D(2028, 7, 30), "due"),
]


def test_begin_schedules_an_interim_report_every_six_months_and_a_final_report(active):
    assert schedule(active) == TWO_YEARS


def test_scheduling_is_idempotent_and_works_at_creation(placement):
    schedule_reports(placement)
    schedule_reports(placement)
    assert schedule(placement) == TWO_YEARS


def test_a_changed_start_before_the_begin_replaces_the_schedule(placement):
    schedule_reports(placement)
    placement.start, placement.end = D(2027, 3, 1), Placement.default_end(D(2027, 3, 1))
    placement.save()
    schedule_reports(placement)
    rows = schedule(placement)
    assert [row[1:3] for row in rows] == [
        (D(2027, 3, 1), D(2029, 2, 28)),
        (D(2027, 3, 1), D(2027, 8, 31)),
        (D(2027, 9, 1), D(2028, 2, 29)),
        (D(2028, 3, 1), D(2028, 8, 31)),
    ]
    assert not placement.reports.filter(state="cancelled").exists()  # a planned placement has no history


def test_extend_adds_interim_reports_and_moves_the_final_report(active, staff):
    services.transition(active, "extend", by=staff, new_end=D(2029, 12, 31), reason="More to do")
    assert schedule(active) == [
        (FINAL, D(2027, 1, 1), D(2029, 12, 31), D(2030, 3, 1), "due"),
        *TWO_YEARS[1:],
        (INTERIM, D(2028, 7, 1), D(2028, 12, 31), D(2029, 1, 30), "due"),
        (INTERIM, D(2029, 1, 1), D(2029, 6, 30), D(2029, 7, 30), "due"),
    ]


def submit(report, specialist, text="Done"):
    from placements import reports

    return reports.submit(report, {"summary": text, "results": text}, by=specialist)


def test_end_early_cancels_later_reports_keeps_submitted_ones_and_moves_the_final(active, staff, specialist, media):
    first = active.reports.get(kind=INTERIM, period_start=D(2027, 1, 1))
    submit(first, specialist, "First half year")
    services.transition(active, "end_early", by=staff, end=D(2027, 9, 30), reason="Family reasons")
    assert schedule(active) == [
        (FINAL, D(2027, 1, 1), D(2027, 9, 30), D(2027, 11, 29), "due"),
        (INTERIM, D(2027, 1, 1), D(2027, 6, 30), D(2027, 7, 30), "submitted"),
        # The half year the early end cuts short is covered by the final report.
        (INTERIM, D(2027, 7, 1), D(2027, 12, 31), D(2028, 1, 30), "cancelled"),
        (INTERIM, D(2028, 1, 1), D(2028, 6, 30), D(2028, 7, 30), "cancelled"),
    ]
    first.refresh_from_db()
    assert first.summary == "First half year"


def test_a_submitted_report_is_never_changed_by_a_reschedule(active, staff, specialist, media):
    second = active.reports.get(kind=INTERIM, period_start=D(2027, 7, 1))
    submit(second, specialist)
    before = Report.objects.filter(pk=second.pk).values().get()
    services.transition(active, "end_early", by=staff, end=D(2027, 8, 15), reason="Stopped")
    assert Report.objects.filter(pk=second.pk).values().get() == before


# --- the admin pages -----------------------------------------------------------------------------------------
def admin_request(method, user, data=None):
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "post" else factory.get("/")
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_admin_confirmation_page_extends_with_a_reason(active, staff):
    model_admin = PlacementAdmin(Placement, admin.site)
    page = model_admin.step_view(admin_request("get", staff), active.pk, "extend")
    page.render()
    assert b'name="new_end"' in page.content and b'name="comment"' in page.content
    response = model_admin.step_view(
        admin_request("post", staff, {"new_end": "2029-06-30", "comment": "More to do"}), active.pk, "extend"
    )
    assert response.status_code == 302
    active.refresh_from_db()
    assert (active.status, active.end) == ("extended", D(2029, 6, 30))


def test_admin_confirmation_page_keeps_the_input_when_refused(active, staff):
    model_admin = PlacementAdmin(Placement, admin.site)
    response = model_admin.step_view(
        admin_request("post", staff, {"new_end": "2028-01-01", "comment": "Too short"}), active.pk, "extend"
    )
    response.render()
    assert response.status_code == 200
    assert b"Too short" in response.content and b"2028-01-01" in response.content
    active.refresh_from_db()
    assert active.status == "active"


def test_admin_lists_the_possible_steps(active, staff, client):
    client.force_login(staff)
    page = client.get(reverse("admin:placements_placement_change", args=[active.pk])).content.decode()
    assert f"/{active.pk}/transition/extend/" in page and "/transition/begin/" not in page


def test_admin_refuses_an_unknown_step(active, staff):
    with pytest.raises(PermissionDenied):
        PlacementAdmin(Placement, admin.site).step_view(admin_request("get", staff), active.pk, "x")


# --- who is told -------------------------------------------------------------------------------------------
def placement_mails():
    return {row.to[0]: row for row in OutboundEmail.objects.filter(template="placement-status-changed")}


@pytest.mark.parametrize("name", ["begin", "extend", "complete", "end_early"])
def test_each_step_tells_the_specialist_and_the_contacts_once_each_in_their_language(
    placement, staff, specialist, german_contact, partner_contact, name
):
    if name != "begin":
        placement = services.transition(placement, "begin", by=staff)
    OutboundEmail.objects.all().delete()
    partner_contact.preferred_language = "en"
    partner_contact.save()

    services.transition(placement, name, by=staff, **step_arguments(name))

    mails = placement_mails()
    assert sorted(mails) == sorted([specialist.email, german_contact.email, partner_contact.email])
    english = mails[partner_contact.email]
    assert english.language == "en"
    status = {"begin": "Active", "extend": "Extended", "complete": "Completed", "end_early": "Ended early"}[name]
    assert english.subject.startswith(f"{status}: placement of ")
    assert f"/placements/{placement.pk}/" in english.text
    assert step_arguments(name).get("reason", "") in english.text
    assert mails[german_contact.email].language == "de"


def test_a_refused_step_tells_nobody(active, staff, specialist):
    OutboundEmail.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.transition(active, "complete", by=specialist)
    with pytest.raises(StepRefused):
        services.transition(active, "extend", by=staff, new_end=D(2020, 1, 1), reason="x")
    assert not OutboundEmail.objects.exists()
