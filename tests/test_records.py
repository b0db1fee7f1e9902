"""The one record of what happened: kinds and parameters as data, read in the reader's language."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from applications import dialogue, services
from applications.models import Event, Part, Status
from fachkraefte.models import AuditEntry, OutboundEmail
from fachkraefte.workflow import StepRefused
from placements import services as placement_services
from placements.models import Candidate, Placement, PlacementEvent
from tests.eoi_content import fill
from tests.workflow import agree_terms, in_status, make_placement

pytestmark = pytest.mark.usefixtures("media")


def read(record, language):
    with translation.override(language):
        return record.detail()


def test_a_saved_part_is_kept_as_data_and_read_in_each_language(eoi, german_contact):
    with translation.override("de"):  # the writer works in German
        fill(eoi, german_contact)
    saved = eoi.events.filter(kind=Event.Kind.PART_SAVED).first()
    assert saved.note == ""  # no sentence stored
    assert saved.params["part"] in Part.values
    german_label = read(saved, "de")
    assert german_label in ("Deutsche Seite", "Partnerseite", "Gemeinsam")
    assert read(saved, "fr") in ("Côté allemand", "Côté partenaire", "Ensemble")
    assert read(saved, "fr") != german_label


def test_the_terms_agreement_reads_in_the_readers_language(eoi, staff, german_contact, partner_contact):
    eoi = in_status(
        eoi, Status.NEEDS_DIALOGUE, staff=staff, german_contact=german_contact, partner_contact=partner_contact
    )
    values = {
        "expertise": "Water",
        "tasks_and_goals": "Reduce losses",
        "places_of_assignment": "Windhoek",
        "specialist_model": eoi.specialist_model,
        "duration_months": 24,
        "start": datetime.date(2027, 3, 1),
        "languages": [],
    }
    with translation.override("de"):
        terms = dialogue.propose_terms(eoi, values, by=staff)
        dialogue.agree_terms(terms, [], by=staff, as_staff=True)
    agreed = eoi.events.filter(kind=Event.Kind.TERMS_AGREED).first()
    assert agreed.params["parties"] == [None]  # programme staff, as data
    assert read(agreed, "en").startswith("Version 1: programme staff")
    assert read(agreed, "de") != read(agreed, "en")
    proposed = eoi.events.filter(kind=Event.Kind.TERMS_PROPOSED).first()
    assert read(proposed, "en") == "Terms of reference, version 1"
    assert read(proposed, "es") != read(proposed, "en")


def test_the_timeline_shows_each_reader_their_language(client, eoi, german_contact, partner_contact):
    with translation.override("de"):
        fill(eoi, german_contact)
    partner_contact.preferred_language = "fr"
    partner_contact.save()
    client.force_login(partner_contact)
    page = client.get(reverse("applications:detail", args=[eoi.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Deutsche Seite" not in page and "Partnerseite" not in page
    assert "Côté" in page or "Ensemble" in page


# --- placements: written and read ---------------------------------------------------------------------


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    return make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )


def test_a_placement_is_created_as_a_service_with_its_record(placement, staff):
    created = placement.events.get(kind=PlacementEvent.Kind.CREATED)
    assert (created.actor, placement.eoi.status) == (staff, Status.PLACED)
    assert placement.reports.exists()


def test_creating_a_placement_for_an_eoi_not_in_contracting_leaves_nothing(
    eoi, staff, german_contact, partner_contact, specialist
):
    eoi = in_status(
        eoi, Status.RECRUITMENT, staff=staff, german_contact=german_contact, partner_contact=partner_contact
    )
    candidate = Candidate.objects.create(name="Kim")
    start = datetime.date(2027, 1, 1)
    placement = Placement(
        eoi=eoi,
        candidate=candidate,
        specialist_model=eoi.specialist_model,
        employer="x",
        start=start,
        end=Placement.default_end(start),
    )
    with pytest.raises(StepRefused):
        placement_services.create_placement(placement, [], by=staff)
    assert not Placement.objects.filter(eoi=eoi).exists()


def test_the_placement_page_reads_its_record(client, placement, staff, specialist):
    placement = placement_services.transition(placement, "begin", by=staff)
    new_end = placement.end + datetime.timedelta(days=90)
    placement_services.transition(placement, "extend", by=staff, new_end=new_end, reason="More to do")
    specialist.preferred_language = "es"
    specialist.save()
    client.force_login(specialist)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert 'id="timeline"' in page and "More to do" in page
    extended = placement.events.get(kind=PlacementEvent.Kind.EXTEND)
    assert extended.params == {"new_end": new_end.isoformat()}
    with translation.override("es"):
        assert str(PlacementEvent.Kind.EXTEND.label) in page


def test_the_placement_e_mail_renders_the_record_in_the_recipients_language(placement, staff, specialist):
    specialist.preferred_language = "fr"
    specialist.save()
    placement = placement_services.transition(placement, "begin", by=staff)
    placement_services.transition(placement, "end_early", by=staff, end=placement.start, reason="Santé")
    mail = OutboundEmail.objects.filter(template="placement-status-changed", to=[specialist.email]).first()
    assert mail.language == "fr" and "Santé" in mail.text
    with translation.override("fr"):
        assert read(placement.events.get(kind=PlacementEvent.Kind.END_EARLY), "fr") in mail.text


# --- the runner: a refusal changes nothing and the forbidden ones are logged ---------------------------


def test_a_forbidden_step_is_logged_and_changes_nothing(eoi, staff, german_contact, partner_contact):
    eoi = in_status(eoi, Status.SUBMITTED, staff=staff, german_contact=german_contact, partner_contact=partner_contact)
    events, mails = eoi.events.count(), OutboundEmail.objects.count()
    with pytest.raises(StepRefused) as refused:
        services.transition(eoi, "start_review", by=german_contact)
    assert refused.value.forbidden
    eoi.refresh_from_db()
    assert (eoi.status, eoi.events.count(), OutboundEmail.objects.count()) == (Status.SUBMITTED, events, mails)
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED).first()
    assert (entry.object_id, entry.detail) == (str(eoi.pk), "step start_review")


def test_a_step_with_unmet_conditions_says_why(eoi, staff, german_contact, partner_contact):
    eoi = in_status(
        eoi, Status.NEEDS_DIALOGUE, staff=staff, german_contact=german_contact, partner_contact=partner_contact
    )
    with translation.override("en"), pytest.raises(StepRefused, match="not yet agreed") as refused:
        services.transition(eoi, "start_recruitment", by=staff)
    assert not refused.value.forbidden
    agree_terms(eoi, staff)
    assert services.transition(eoi, "start_recruitment", by=staff).status == Status.RECRUITMENT
