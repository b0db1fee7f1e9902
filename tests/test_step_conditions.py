"""Two steps whose rule lived outside their declaration, so the admin's generic step page could take them anyway.

`place`: staff could mark an EOI in contracting as placed with no Placement row, a state nothing repairs (placed is
final, a placement is only added in contracting). Its condition now asks for the placement, which only
placements.services.create_placement saves before running the step.
`start_candidate_selection`: only the portal's button asked for a shortlisted candidate still open; the admin's step
moved an EOI with an empty or all-declined shortlist. The condition is now declared on the step.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Event, ExpressionOfInterest, Status
from fachkraefte.workflow import StepRefused, run_step
from placements import selection
from placements.models import Placement
from tests.workflow import in_status, place, shortlist_someone

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def people(staff, german_contact, partner_contact):
    staff.preferred_language = "en"
    staff.save()
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def contracting(eoi, people):
    return in_status(eoi, Status.CONTRACTING, **people)


@pytest.fixture
def recruiting(eoi, people):
    """In recruitment with an empty shortlist."""
    return in_status(eoi, Status.RECRUITMENT, **people)


@pytest.fixture
def all_declined(eoi, people, german_contact):
    """Back in recruitment because the German municipality declined the only shortlisted candidate."""
    eoi = in_status(eoi, Status.CANDIDATE_SELECTION, **people)
    selection.decide(eoi.shortlist.get(), "declined", "Too little experience", by=german_contact)
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert eoi.status == Status.RECRUITMENT and eoi.shortlist.exists()
    return eoi


def step_url(eoi, name):
    return reverse("admin:applications_expressionofinterest_transition", args=[eoi.pk, name])


def refusal(eoi, name, staff):
    """The runner's sentence for the step, in English, checked to change nothing."""
    with translation.override("en"), pytest.raises(StepRefused) as refused:
        run_step(eoi, name, by=staff)
    assert not refused.value.forbidden  # staff may take the step: it is its condition that fails
    return refused.value.message


def assert_admin_refuses(client, staff, eoi, name):
    events = eoi.events.count()
    client.force_login(staff)
    assert client.get(step_url(eoi, name)).status_code == 200
    response = client.post(step_url(eoi, name), {"comment": ""})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [refusal(eoi, name, staff)]
    assert refusal(eoi, name, staff) in response.content.decode()
    current = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert (current.status, current.events.count()) == (eoi.status, events)


# --- place: only with its placement ------------------------------------------------------------------------------


def test_the_runner_refuses_to_place_without_a_placement(contracting, staff):
    assert (
        refusal(contracting, "place", staff)
        == "An expression of interest is placed by adding its placement (Placements, Add)."
    )
    contracting.refresh_from_db()
    assert contracting.status == Status.CONTRACTING
    assert not contracting.events.filter(to_status=Status.PLACED).exists()
    assert not Placement.objects.exists()


def test_the_admin_step_page_refuses_to_place_without_a_placement(client, contracting, staff):
    assert_admin_refuses(client, staff, contracting, "place")
    assert not Placement.objects.exists()


def test_create_placement_still_places(contracting, staff):
    placement = place(contracting, staff=staff)
    contracting.refresh_from_db()
    assert contracting.status == Status.PLACED and placement.eoi == contracting
    event = contracting.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.from_status, event.to_status, event.actor) == (Status.CONTRACTING, Status.PLACED, staff)


def test_the_admin_add_form_still_places(client, contracting, staff):
    """The placement add form is the staff's way: it goes through create_placement."""
    client.force_login(staff)
    data = {
        "eoi": contracting.pk,
        "candidate": contracting.shortlist.get(selected=True).candidate_id,
        "start": "2027-03-01",
        "places": [contracting.participants.get(side="partner").municipality_id],
    }
    response = client.post(reverse("admin:placements_placement_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    contracting.refresh_from_db()
    assert contracting.status == Status.PLACED and Placement.objects.get().eoi == contracting


# --- start_candidate_selection: only with a shortlisted candidate still open -------------------------------------


@pytest.mark.parametrize("shortlist", ["recruiting", "all_declined"])
def test_the_runner_refuses_to_open_the_selection_without_an_open_candidate(request, staff, shortlist):
    eoi = request.getfixturevalue(shortlist)
    assert refusal(eoi, "start_candidate_selection", staff).startswith("No shortlisted candidate is still open")
    eoi.refresh_from_db()
    assert eoi.status == Status.RECRUITMENT


@pytest.mark.parametrize("shortlist", ["recruiting", "all_declined"])
def test_the_admin_step_page_refuses_to_open_the_selection_without_an_open_candidate(client, request, staff, shortlist):
    assert_admin_refuses(client, staff, request.getfixturevalue(shortlist), "start_candidate_selection")


def test_the_admin_step_opens_the_selection_with_an_open_candidate(client, all_declined, staff):
    shortlist_someone(all_declined, staff=staff)
    client.force_login(staff)
    assert client.post(step_url(all_declined, "start_candidate_selection"), {"comment": ""}).status_code == 302
    all_declined.refresh_from_db()
    assert all_declined.status == Status.CANDIDATE_SELECTION


def test_the_runner_opens_the_selection_with_an_open_candidate(recruiting, staff):
    shortlist_someone(recruiting, staff=staff)
    assert run_step(recruiting, "start_candidate_selection", by=staff).status == Status.CANDIDATE_SELECTION


def test_the_portal_refuses_an_all_declined_shortlist_and_says_what_to_do(client, all_declined, staff):
    client.force_login(staff)
    response = client.post(reverse("placements:start_selection", args=[all_declined.pk]), follow=True)
    assert "Shortlist at least one candidate first." in response.content.decode()
    all_declined.refresh_from_db()
    assert all_declined.status == Status.RECRUITMENT
