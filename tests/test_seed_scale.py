"""`manage.py seed`: the shape of the bulk data (tiny scale, the same code as large), valid row by row."""

import io
from itertools import groupby

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.models import Event, ExpressionOfInterest, Status, TermsOfReference, Version
from fachkraefte.management.commands.seed import SCALES
from partnerships.bulk import CONTACT, RECRUITER, SPECIALIST, STAFF
from partnerships.models import Municipality, Partnership, User
from placements import publication
from placements.models import (
    Activity,
    Candidate,
    NetworkEvent,
    Placement,
    PlacementEvent,
    PlacementStatus,
    PublicationConsent,
    Registration,
    Report,
    ShortlistEntry,
)
from placements.reports import schedule_reports

TINY = SCALES["tiny"]
SEEDED_APPS = ("partnerships", "applications", "placements")
REFERENCE_DATA = {"Country", "OdaListing", "ModelAvailability"}


def seed(*arguments):
    out = io.StringIO()
    call_command("seed", "--scale", "tiny", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def test_the_shape_of_one_run(seeded):
    assert Municipality.objects.count() == TINY.municipalities + 2  # and the contact persona's two
    assert Partnership.objects.count() == TINY.partnerships + 1
    assert ExpressionOfInterest.objects.count() == TINY.eois
    assert Placement.objects.count() == TINY.placements
    assert Candidate.objects.count() >= TINY.candidates
    assert abs(Activity.objects.count() - TINY.activities) <= TINY.placements  # shared out in whole activities
    assert NetworkEvent.objects.count() == TINY.network_events
    assert Registration.objects.exists()
    assert "Seeded at scale tiny" in seeded


def test_every_status_is_there(seeded):
    assert set(ExpressionOfInterest.objects.values_list("status", flat=True)) == set(Status.values)


def test_every_history_leads_to_the_status_it_ends_in(seeded):
    changes = Event.objects.exclude(to_status="").order_by("eoi_id", "created_at", "pk")
    steps = {eoi: list(rows) for eoi, rows in groupby(changes, key=lambda event: event.eoi_id)}
    for eoi in ExpressionOfInterest.objects.all():
        history, status = steps.get(eoi.pk, []), Status.DRAFT
        for event in history:
            assert event.from_status == status, (eoi.pk, [(e.from_status, e.to_status) for e in history])
            assert eoi.created_at <= event.created_at <= eoi.status_changed_at
            status = event.to_status
        assert status == eoi.status
        assert eoi.status_changed_at == (history[-1].created_at if history else eoi.created_at)


def test_what_was_submitted_was_complete_and_confirmed_by_all(seeded):
    submitted = ExpressionOfInterest.objects.filter(events__kind=Event.Kind.SUBMITTED).distinct()
    assert submitted.exists()
    for eoi in submitted.with_participants():
        assert not eoi.missing_fields(), eoi.pk
        fingerprint = eoi.fingerprint()
        confirmed = {c.municipality_id for c in eoi.confirmations.standing() if c.fingerprint == fingerprint}
        assert confirmed == {p.municipality_id for p in eoi.participants.all()}, eoi.pk
        assert eoi.versions.get(submitted=True).fingerprint == fingerprint
    never = ExpressionOfInterest.objects.exclude(pk__in=submitted)
    assert not Version.objects.filter(eoi__in=never, submitted=True).exists()


def test_recruitment_began_on_agreed_terms_and_contracting_on_a_pick(seeded):
    for eoi in ExpressionOfInterest.objects.filter(events__params__step="start_recruitment").distinct():
        assert eoi.agreed_terms() is not None, eoi.pk
    for eoi in ExpressionOfInterest.objects.filter(status__in=[Status.CONTRACTING, Status.PLACED]):
        picked = eoi.shortlist.get(selected=True)
        assert eoi.shortlist.accepted_by_all().filter(pk=picked.pk).exists()
        record = eoi.events.get(to_status=Status.CONTRACTING)
        assert record.params["candidate_id"] == picked.candidate_id
    for eoi in ExpressionOfInterest.objects.filter(status=Status.CANDIDATE_SELECTION):
        assert eoi.shortlist.not_declined().exists(), eoi.pk


def test_the_terms_know_when_their_municipalities_agreed_as_the_service_writes_it(seeded):
    for terms in TermsOfReference.objects.prefetch_related("agreements", "eoi__participants"):
        by_municipality = {a.municipality_id: a.agreed_at for a in terms.agreements.all() if a.municipality_id}
        every_one = {p.municipality_id for p in terms.eoi.participants.all()} <= by_municipality.keys()
        expected = max(by_municipality.values()) if every_one else None
        assert terms.municipalities_agreed_at == expected, terms.pk


def test_each_placement_has_the_reports_its_dates_call_for(seeded):
    for placement in Placement.objects.all():
        reports = list(placement.reports.values_list("kind", "period_start", "period_end", "due_date", "state"))
        assert placement.reports.filter(kind=Report.Kind.FINAL, period_end=placement.end).exists()
        schedule_reports(placement)  # the portal's own schedule: it finds nothing to change
        again = list(placement.reports.values_list("kind", "period_start", "period_end", "due_date", "state"))
        assert sorted(again) == sorted(reports), placement.pk
        for report in placement.reports.filter(state=Report.State.SUBMITTED):
            assert (
                report.totals["activities"]
                == placement.activities.filter(date__range=(report.period_start, report.period_end)).count()
            )


def test_each_placement_history_leads_to_its_status(seeded):
    for placement in Placement.objects.all():
        changes = placement.events.exclude(to_status="").order_by("created_at", "pk")
        status = ""
        for event in changes:
            assert event.from_status == status, placement.pk
            status = event.to_status
        assert status == placement.status
        if placement.status != PlacementStatus.PLANNED:
            assert placement.activities.exists()


def test_some_eois_and_placements_are_on_the_transparency_list_and_others_not(seeded):
    published = publication.published_eois()
    assert published.exists() and publication.published_placements().exists()
    past_submission = ExpressionOfInterest.objects.filter(status__in=publication.PUBLIC_EOI_STATES)
    assert past_submission.exclude(pk__in=published.values("pk")).filter(publication_consents__isnull=False).exists()
    assert not published.exclude(status__in=publication.PUBLIC_EOI_STATES).exists()
    assert PublicationConsent.objects.filter(revoked_at__isnull=False).exists()


def test_every_row_passes_the_models_own_validation(seeded):
    """full_clean: field validators (AGS, e-mail), choices, the model's clean() and its constraints."""
    for label in SEEDED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__ in REFERENCE_DATA or model._meta.label.endswith("Historical" + model.__name__):
                continue
            protected = [f.name for f in model._meta.concrete_fields if getattr(f, "protected", False)]  # FSM status
            for obj in model._default_manager.all():
                obj.full_clean(exclude=protected)


def test_the_benchmarks_users(seeded):
    contact = User.objects.get(email=CONTACT.email)
    visible = ExpressionOfInterest.objects.filter(participants__municipality__memberships__user=contact).distinct()
    assert visible.count() == 5
    assert visible.filter(status=Status.RECRUITMENT, specialist_model="integrated").exists()
    for persona in (STAFF, RECRUITER):
        assert TOTPDevice.objects.filter(user__email=persona.email, confirmed=True).exists()
    assert User.objects.get(email=STAFF.email).is_staff
    specialist = Placement.objects.get(specialist__email=SPECIALIST.email)
    assert specialist.status in (PlacementStatus.ACTIVE, PlacementStatus.EXTENDED)
    assert specialist.activities.count() >= 40
    for persona in (CONTACT, STAFF, RECRUITER, SPECIALIST):
        assert User.objects.get(email=persona.email).check_password("bench-Fachkraft-2026")
    assert "bench-Fachkraft-2026" in seeded


def test_a_second_run_adds_and_replace_starts_again(seeded):
    seed()
    assert ExpressionOfInterest.objects.count() == 2 * TINY.eois
    contact = User.objects.get(email=CONTACT.email)
    assert ExpressionOfInterest.objects.filter(participants__municipality__memberships__user=contact).count() == 5
    assert (
        ShortlistEntry.objects.filter(selected=True).count()
        == ExpressionOfInterest.objects.filter(status__in=[Status.CONTRACTING, Status.PLACED]).count()
        + ExpressionOfInterest.objects.filter(status=Status.WITHDRAWN, events__from_status=Status.CONTRACTING).count()
    )
    seed("--replace")
    assert ExpressionOfInterest.objects.count() == TINY.eois
    assert Placement.objects.count() == TINY.placements
    assert (
        PlacementEvent.objects.filter(placement__in=Placement.objects.all()).count() == PlacementEvent.objects.count()
    )
    assert User.objects.filter(email=CONTACT.email).count() == 1


def test_refused_with_production_settings(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        seed()
