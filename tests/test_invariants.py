"""The rules the database holds (HOUSE_STYLE 12a): each test hands it a breaking row and sees it refused.

Rows are written straight through the ORM, past every form and service, because that is what the
database must survive; the forms' friendly echo of the same rules is tested at the end.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.functional import Promise

from applications import services
from placements.admin_events import NetworkEventForm
from placements.models import Candidate, NetworkEvent, Placement, Report, ShortlistEntry

D = datetime.date


@pytest.fixture(autouse=True)
def in_english():
    """The rules' messages are asserted in the source language, read while it is active."""
    with translation.override("en"):
        yield


def refused(constraint):
    """The database refuses the row, naming the constraint (PostgreSQL puts its name in the message)."""
    return pytest.raises(IntegrityError, match=constraint)


def make_candidate(name="Eva Europa"):
    return Candidate.objects.create(name=name, nationalities=["DE"])


def placement_values(eoi, staff, **values):
    """A placement row for `eoi`; the database does not ask in which status the EOI is."""
    start = D(2027, 1, 1)
    return {
        "eoi": eoi,
        "candidate": make_candidate(),
        "specialist_model": eoi.specialist_model,
        "employer": "Windhoek City Council",
        "start": start,
        "end": Placement.default_end(start),
        "created_by": staff,
        **values,
    }


@pytest.fixture
def placement(eoi, staff, partner_municipality):
    placement = Placement.objects.create(**placement_values(eoi, staff))
    placement.places.set([partner_municipality])
    return placement


# --- a placement ends after it starts --------------------------------------------------------------------
def test_a_placement_that_ends_before_it_starts_is_refused(eoi, staff):
    with transaction.atomic(), refused("placement_end_not_before_start"):
        Placement.objects.create(**placement_values(eoi, staff, start=D(2027, 1, 1), end=D(2026, 12, 31)))


def test_a_placement_whose_dates_are_turned_round_on_saving_is_refused(placement):
    placement.end = placement.start - datetime.timedelta(days=1)
    with transaction.atomic(), refused("placement_end_not_before_start"):
        placement.save()


def test_a_placement_may_end_on_the_day_it_starts(eoi, staff):
    """`end` is the last day: a placement ended early on its first day is still a whole placement."""
    day = D(2027, 1, 1)
    assert Placement.objects.create(**placement_values(eoi, staff, start=day, end=day)).pk


# --- a network event ends at or after its start ------------------------------------------------------------
def event_values(staff, **values):
    starts = timezone.now() + datetime.timedelta(days=30)
    return {
        "title": "Exchange",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=3),
        "capacity": 10,
        "registration_deadline": starts - datetime.timedelta(days=5),
        "online_link": "https://meet.example.org/x",
        "created_by": staff,
        **values,
    }


def test_a_network_event_that_ends_before_it_starts_is_refused(staff):
    values = event_values(staff)
    values["ends_at"] = values["starts_at"] - datetime.timedelta(minutes=1)
    with transaction.atomic(), refused("network_event_end_not_before_start"):
        NetworkEvent.objects.bulk_create([NetworkEvent(**values)])


def test_a_network_event_may_end_when_it_starts(staff):
    values = event_values(staff)
    assert NetworkEvent.objects.create(**{**values, "ends_at": values["starts_at"]}).pk


# --- one report per placement and period -------------------------------------------------------------------
def report_values(placement, **values):
    return {
        "placement": placement,
        "kind": Report.Kind.INTERIM,
        "period_start": D(2027, 1, 1),
        "period_end": D(2027, 6, 30),
        "due_date": D(2027, 7, 30),
        **values,
    }


def test_a_second_report_for_the_same_placement_and_period_is_refused(placement):
    Report.objects.create(**report_values(placement))
    with transaction.atomic(), refused("one_report_per_placement_and_period"):
        Report.objects.create(**report_values(placement, state=Report.State.CANCELLED))


def test_the_same_period_in_another_placement_or_as_the_final_report_is_allowed(
    placement, partnership, staff, german_contact
):
    """After an early end on a six-month boundary the final report covers the days of a submitted interim one."""
    other_eoi = services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    other = Placement.objects.create(**placement_values(other_eoi, staff))
    Report.objects.create(**report_values(placement))
    Report.objects.create(**report_values(other))
    Report.objects.create(**report_values(placement, kind=Report.Kind.FINAL))
    assert Report.objects.count() == 3


# --- one selected candidate per EOI --------------------------------------------------------------------------
def test_a_second_selected_candidate_for_an_eoi_is_refused(eoi, staff):
    ShortlistEntry.objects.create(eoi=eoi, candidate=make_candidate("Ada"), added_by=staff, selected=True)
    second = ShortlistEntry.objects.create(eoi=eoi, candidate=make_candidate("Ida"), added_by=staff)
    second.selected = True
    with transaction.atomic(), refused("one_selected_candidate_per_eoi"):
        second.save()


def test_many_candidates_on_a_shortlist_are_fine_while_one_at_most_is_selected(eoi, staff):
    for name in ("Ada", "Ida", "Uwe"):
        ShortlistEntry.objects.create(eoi=eoi, candidate=make_candidate(name), added_by=staff)
    ShortlistEntry.objects.filter(candidate__name="Ada").update(selected=True)
    assert eoi.shortlist.filter(selected=True).count() == 1


# --- the top-up: not negative, with an ISO 4217 currency --------------------------------------------------------
def test_a_negative_top_up_is_refused(eoi, staff):
    with transaction.atomic(), refused("placement_top_up_not_negative"):
        Placement.objects.create(**placement_values(eoi, staff, monthly_top_up=Decimal("-0.01"), top_up_currency="EUR"))


@pytest.mark.parametrize("currency", ["", "eur", "E1R", "EU"])
def test_a_top_up_without_an_iso_currency_is_refused(eoi, staff, currency):
    with transaction.atomic(), refused("placement_top_up_in_iso_currency"):
        Placement.objects.create(
            **placement_values(eoi, staff, monthly_top_up=Decimal("800.00"), top_up_currency=currency)
        )


def test_a_currency_must_be_iso_shaped_even_without_an_amount(eoi, staff):
    with transaction.atomic(), refused("placement_top_up_in_iso_currency"):
        Placement.objects.create(**placement_values(eoi, staff, top_up_currency="n$"))


@pytest.mark.parametrize(
    ("amount", "currency"), [(None, ""), (Decimal("0.00"), "EUR"), (Decimal("1200.00"), "NAD"), (None, "GHS")]
)
def test_good_top_ups_are_stored(eoi, staff, amount, currency):
    values = placement_values(eoi, staff, monthly_top_up=amount, top_up_currency=currency)
    assert Placement.objects.create(**values).pk


# --- the friendly echo: forms say it before the database has to -----------------------------------------------
def messages_of(error):
    return [message for messages in error.message_dict.values() for message in messages]


def test_the_models_explain_each_rule_in_words(placement, staff, eoi):
    """ModelForm.full_clean runs validate_constraints: these are the messages the forms show."""
    placement.end = placement.start - datetime.timedelta(days=1)
    placement.monthly_top_up, placement.top_up_currency = Decimal("-5"), ""
    with pytest.raises(ValidationError) as error:
        placement.validate_constraints()
    assert sorted(messages_of(error.value)) == sorted(
        [
            "The end of the placement must not lie before its start.",
            "The monthly top-up cannot be negative.",
            "Give the top-up's currency as an ISO 4217 code, such as EUR or NAD.",
        ]
    )
    Report.objects.create(**report_values(placement))
    with pytest.raises(ValidationError, match="already has this report for this period"):
        Report(**report_values(placement)).validate_constraints()
    ShortlistEntry.objects.create(eoi=eoi, candidate=make_candidate("Ada"), added_by=staff, selected=True)
    with pytest.raises(ValidationError, match="already been selected"):
        ShortlistEntry(eoi=eoi, candidate=make_candidate("Ida"), added_by=staff, selected=True).validate_constraints()
    values = event_values(staff)
    with pytest.raises(ValidationError, match="must not end before it starts"):
        NetworkEvent(**{**values, "ends_at": values["starts_at"] - datetime.timedelta(hours=1)}).validate_constraints()


@pytest.mark.parametrize("model", [Placement, NetworkEvent, Report, ShortlistEntry])
def test_every_rule_has_a_message_in_the_readers_language(model):
    """Lazy translations: the message is rendered in the language of whoever reads the form."""
    for constraint in model._meta.constraints:
        if constraint.name != "candidate_once_per_shortlist":  # Django's own "already exists" message
            assert isinstance(constraint.violation_error_message, Promise), constraint.name


def placement_admin_form(placement, staff, **changes):
    """The placement admin's own change form, bound to the placement's values with `changes`."""
    request = RequestFactory().post("/")
    request.user = staff
    model_admin = admin.site._registry[Placement]
    form_class = model_admin.get_form(request, placement, change=True)
    data = {
        name: value
        for name, value in model_to_dict(placement, fields=form_class.base_fields).items()
        if value is not None
    }
    if "places" in data:
        data["places"] = [municipality.pk for municipality in data["places"]]
    return form_class(data={**data, **changes}, instance=placement)


def test_the_admin_form_asks_for_the_currency_with_a_top_up(placement, staff):
    form = placement_admin_form(placement, staff, monthly_top_up="950.00", top_up_currency="")
    assert not form.is_valid()
    assert form.errors["top_up_currency"] == ["Choose the currency of the top-up."]


def test_the_admin_form_offers_iso_currencies_only(placement, staff):
    form = placement_admin_form(placement, staff, monthly_top_up="950.00", top_up_currency="XYZ")
    choices = dict(form.fields["top_up_currency"].choices)
    assert {"EUR", "NAD", "GHS", "XOF"} <= set(choices) and "XYZ" not in choices
    assert not form.is_valid() and "top_up_currency" in form.errors


def test_the_admin_form_refuses_a_negative_top_up_with_the_rules_message(placement, staff):
    form = placement_admin_form(placement, staff, monthly_top_up="-1.00", top_up_currency="EUR")
    assert not form.is_valid()
    assert "The monthly top-up cannot be negative." in form.non_field_errors()
    placement.refresh_from_db()
    assert placement.monthly_top_up is None


def test_the_admin_form_saves_a_good_top_up(placement, staff):
    form = placement_admin_form(placement, staff, monthly_top_up="950.00", top_up_currency="NAD")
    assert form.is_valid(), form.errors
    form.save()
    placement.refresh_from_db()
    assert (placement.monthly_top_up, placement.top_up_currency) == (Decimal("950.00"), "NAD")


def test_the_network_event_form_refuses_an_end_before_the_start(staff):
    values = event_values(staff)
    data = {
        **{name: values[name] for name in ("title", "capacity", "online_link")},
        "time_zone": "Europe/Berlin",
        "starts_at": values["starts_at"].strftime("%Y-%m-%d %H:%M"),
        "ends_at": (values["starts_at"] - datetime.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M"),
        "registration_deadline": values["registration_deadline"].strftime("%Y-%m-%d %H:%M"),
    }
    form = NetworkEventForm(data=data)
    assert not form.is_valid() and "ends_at" in form.errors
    assert not NetworkEvent.objects.exists()
