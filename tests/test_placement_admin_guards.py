"""A placement is for the candidate selected on its own EOI, and its specialist's account is tied by invitation only.

The audit's hole: the admin's add form offered every candidate selected on any EOI in contracting and took any
account as the specialist's; staff could place EOI X with the person picked for EOI Y, or hand any account the
specialist's rights on a placement with no grant on record.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from applications import services as eoi_services
from applications.models import Status
from fachkraefte.models import OutboundEmail
from partnerships.models import Role
from placements import services
from placements.models import Candidate, Placement, PlacementEvent
from tests.factories import PartnerMunicipalityFactory, UserFactory
from tests.workflow import in_status, make_placement

pytestmark = pytest.mark.usefixtures("media")
REFUSAL = "Only the candidate selected on this expression of interest's shortlist can be placed for it."
ADD = reverse("admin:placements_placement_add")


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


def contracting_with(eoi, name, people):
    """The EOI walked to contracting, `name` shortlisted, accepted by every municipality and picked."""
    candidate = Candidate.objects.create(
        name=name, email=f"{name.lower()}@example.org", nationalities=["DE"], years_of_experience=5
    )
    return in_status(eoi, Status.CONTRACTING, **people, candidate=candidate), candidate


@pytest.fixture
def two_contracting(eoi, partnership, german_contact, people):
    """Two EOIs of the partnership in contracting: Greta picked for the first, Jonas for the second."""
    first = contracting_with(eoi, "Greta", people)
    other = eoi_services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    return first, contracting_with(other, "Jonas", people)


def add_data(eoi, candidate, **more):
    windhoek = eoi.participants.get(side="partner").municipality
    return {"eoi": eoi.pk, "candidate": candidate.pk, "start": "2027-03-01", "places": [windhoek.pk], **more}


def unsaved_placement(eoi, candidate):
    start = datetime.date(2027, 3, 1)
    return Placement(
        eoi=eoi,
        candidate=candidate,
        specialist_model=eoi.specialist_model,
        employer="Windhoek",
        start=start,
        end=Placement.default_end(start),
    )


def partners_of(eoi):
    return [p.municipality for p in eoi.participants.filter(side="partner")]


# --- the candidate is the one selected on the EOI's own shortlist --------------------------------


def test_the_admin_refuses_the_candidate_selected_for_another_eoi(client, staff, two_contracting):
    (eoi, _greta), (other, jonas) = two_contracting
    staff.preferred_language = "en"
    staff.save()
    client.force_login(staff)
    response = client.post(ADD, add_data(eoi, jonas))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["candidate"] == [REFUSAL]
    assert form["candidate"].value() == str(jonas.pk)  # the input is kept
    assert REFUSAL.replace("'", "&#x27;") in response.content.decode()
    assert not Placement.objects.exists()
    eoi.refresh_from_db()
    other.refresh_from_db()
    assert (eoi.status, other.status) == (Status.CONTRACTING, Status.CONTRACTING)
    assert not OutboundEmail.objects.filter(template="specialist-invitation").exists()


def test_the_service_refuses_the_candidate_selected_for_another_eoi(staff, two_contracting):
    (eoi, _greta), (_other, jonas) = two_contracting
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.create_placement(unsaved_placement(eoi, jonas), partners_of(eoi), by=staff)
    assert refused.value.messages == [REFUSAL]
    assert not Placement.objects.exists()
    eoi.refresh_from_db()
    assert eoi.status == Status.CONTRACTING
    assert not eoi.events.filter(to_status=Status.PLACED).exists()


def test_the_service_refuses_a_candidate_on_no_shortlist(staff, two_contracting):
    (eoi, _greta), _other = two_contracting
    stranger = Candidate.objects.create(name="Stranger", nationalities=["DE"])
    with pytest.raises(ValidationError):
        services.create_placement(unsaved_placement(eoi, stranger), partners_of(eoi), by=staff)
    assert not Placement.objects.exists()


def test_the_admin_places_the_eoi_with_its_own_selected_candidate(client, staff, two_contracting):
    (eoi, greta), (other, _jonas) = two_contracting
    client.force_login(staff)
    response = client.post(ADD, add_data(eoi, greta))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Placement.objects.get().candidate == greta
    eoi.refresh_from_db()
    other.refresh_from_db()
    assert (eoi.status, other.status) == (Status.PLACED, Status.CONTRACTING)


def test_the_service_places_the_eoi_with_its_own_selected_candidate(staff, two_contracting):
    (_eoi, _greta), (other, jonas) = two_contracting
    placement = services.create_placement(unsaved_placement(other, jonas), partners_of(other), by=staff)
    assert placement.candidate == jonas
    other.refresh_from_db()
    assert other.status == Status.PLACED


# --- the specialist's account: tied by the invitation, never named in the admin -------------------


def test_an_account_named_on_the_add_form_is_ignored_and_the_candidate_invited(client, staff, two_contracting):
    (eoi, greta), _other = two_contracting
    bystander = UserFactory()
    client.force_login(staff)
    response = client.post(ADD, add_data(eoi, greta, specialist=bystander.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    placement = Placement.objects.get()
    assert placement.specialist is None
    assert not bystander.groups.filter(name=Role.SPECIALIST).exists()
    assert OutboundEmail.objects.get(template="specialist-invitation").to == [greta.email]
    assert placement.events.filter(kind=PlacementEvent.Kind.SPECIALIST_INVITED).exists()


def test_the_add_form_offers_no_specialist_account(admin_client, two_contracting):
    (eoi, _greta), _other = two_contracting
    response = admin_client.get(ADD, {"eoi": eoi.pk})
    assert response.status_code == 200
    assert "specialist" not in response.context["adminform"].form.fields
    assert 'name="specialist"' not in response.content.decode()


def change_data(response):
    """What the change form posts back as it stands, its inline's management form included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for bound in form:
            if bound.value() not in (None, False):
                data[bound.html_name] = bound.value()
    return data


@pytest.mark.parametrize("tied", [True, False], ids=["account-tied", "invitation-pending"])
def test_the_specialist_account_is_read_only_on_change(client, eoi, staff, specialist, people, tied):
    placement = make_placement(eoi, **people, specialist=specialist)
    if not tied:
        Placement.objects.filter(pk=placement.pk).update(specialist=None)
    bystander = UserFactory()
    change = reverse("admin:placements_placement_change", args=[placement.pk])
    client.force_login(staff)
    page = client.get(change)
    assert "specialist" not in page.context["adminform"].form.fields
    response = client.post(change, {**change_data(page), "employer": "Windhoek Water", "specialist": bystander.pk})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.employer == "Windhoek Water"  # the post was saved, all but the account
    assert placement.specialist == (specialist if tied else None)
    assert not bystander.groups.filter(name=Role.SPECIALIST).exists()


def test_the_places_of_assignment_stay_among_the_eois_partners_on_change(client, eoi, staff, specialist, people):
    placement = make_placement(eoi, **people, specialist=specialist)
    elsewhere = PartnerMunicipalityFactory(name="Lusaka", country="NA")
    change = reverse("admin:placements_placement_change", args=[placement.pk])
    client.force_login(staff)
    page = client.get(change)
    assert elsewhere not in page.context["adminform"].form.fields["places"].queryset
    response = client.post(change, {**change_data(page), "places": [elsewhere.pk]})
    assert response.status_code == 200 and "places" in response.context["adminform"].form.errors
    assert list(placement.places.all()) == [eoi.participants.get(side="partner").municipality]


# --- a new plan saved in the admin is recorded, for those who read the placement's record -------------------


def test_a_new_plan_saved_in_the_admin_is_recorded_and_moves_the_reports(client, eoi, staff, specialist, people):
    placement = make_placement(eoi, **people, specialist=specialist)
    change = reverse("admin:placements_placement_change", args=[placement.pk])
    client.force_login(staff)
    page = client.get(change)
    response = client.post(change, {**change_data(page), "end": "2029-02-28", "employer": "Windhoek Water"})
    assert response.status_code == 302
    (changed,) = placement.events.filter(kind=PlacementEvent.Kind.PLAN_CHANGED)
    assert changed.actor == staff
    assert changed.params == {
        "start": placement.start.isoformat(),
        "end": "2029-02-28",
        "employer": "Windhoek Water",
        "places": ["Windhoek"],
    }
    with translation.override("en"):
        assert changed.detail() == f"{placement.start:%m/%d/%Y} – 02/28/2029; Windhoek Water; Windhoek"
    assert placement.reports.filter(kind="final").get().period_end == datetime.date(2029, 2, 28)


def test_saving_the_pay_alone_records_no_new_plan(client, eoi, staff, specialist, people):
    placement = make_placement(eoi, **people, specialist=specialist)
    change = reverse("admin:placements_placement_change", args=[placement.pk])
    client.force_login(staff)
    page = client.get(change)
    response = client.post(change, {**change_data(page), "monthly_top_up": "250", "top_up_currency": "EUR"})
    assert response.status_code == 302
    assert not placement.events.filter(kind=PlacementEvent.Kind.PLAN_CHANGED).exists()
