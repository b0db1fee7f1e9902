"""An anonymised candidate in the EOI's record: kept as data, named in the reader's language when read.

The nightly task anonymises with German active; the record must not keep "anonymisierte/r Kandidat/in 12"
for a Spanish contact to read in the timeline and in e-mails (HOUSE_STYLE 12: never store a translated
sentence). The record keeps the candidate's number and a marker; the label is worded when it is read.
"""

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Event, Status
from fachkraefte.models import OutboundEmail
from placements.candidates import anonymise
from placements.models import Candidate
from placements.tasks import anonymise_expired_candidates
from tests.workflow import in_status, pick_the_candidate

GERMAN_LABEL = "anonymisierte/r Kandidat/in"
# The label in each language the portal speaks: none of them may be stored in a record.
LABELS = (GERMAN_LABEL, "anonymised candidate", "candidato anonimizado", "candidat anonymisé")
READINGS = {
    "es": {
        "selected": "Seleccionado: candidato anonimizado {pk}",
        "accepted": "{municipality} ha aceptado a candidato anonimizado {pk}",
    },
    "en": {
        "selected": "Selected: anonymised candidate {pk}",
        "accepted": "{municipality} accepted anonymised candidate {pk}",
    },
}


@pytest.fixture
def people(staff, german_contact, partner_contact):
    partner_contact.preferred_language = "es"
    partner_contact.save()
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def anonymised_after_the_pick(eoi, people):
    """Kim is decided on and picked by name, then the nightly task (in German) anonymises her."""
    eoi = in_status(eoi, Status.CONTRACTING, **people)
    candidate = eoi.shortlist.get(selected=True).candidate
    Candidate.objects.filter(pk=candidate.pk).update(retention_until=timezone.localdate() - datetime.timedelta(1))
    with translation.override("de"):
        assert anonymise_expired_candidates() == 1
    return eoi, candidate


def records_naming(candidate):
    return list(Event.objects.filter(params__candidate_id=candidate.pk).order_by("pk"))


def assert_kept_as_data(candidate):
    events = records_naming(candidate)
    assert {event.kind for event in events} == {Event.Kind.SHORTLIST_DECIDED, Event.Kind.STATUS_CHANGED}
    for event in events:
        assert event.params["candidate"] == "" and event.params["candidate_anonymised"] is True
        texts = [value for value in event.params.values() if isinstance(value, str)]
        assert not [text for text in texts for label in LABELS if label.lower() in text.lower()], event.params


def assert_read_in(language, candidate, events):
    """Every record naming the candidate reads in `language`, with nothing German in it."""
    selected = [event for event in events if event.kind == Event.Kind.STATUS_CHANGED]
    decided = [event for event in events if event.kind == Event.Kind.SHORTLIST_DECIDED]
    with translation.override(language):
        assert [event.detail() for event in selected] == [READINGS[language]["selected"].format(pk=candidate.pk)]
        assert sorted(event.detail() for event in decided) == [
            READINGS[language]["accepted"].format(municipality=name, pk=candidate.pk) for name in ("Berlin", "Windhoek")
        ]
        for event in events:
            assert GERMAN_LABEL not in event.sentence()


def test_the_nightly_anonymisation_keeps_the_candidate_in_the_record_as_data(anonymised_after_the_pick):
    _eoi, candidate = anonymised_after_the_pick
    assert_kept_as_data(candidate)
    [selected] = [event for event in records_naming(candidate) if event.kind == Event.Kind.STATUS_CHANGED]
    assert selected.params == {
        "step": "start_contracting",
        "candidate": "",
        "candidate_id": candidate.pk,
        "candidate_anonymised": True,
    }


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_record_names_the_anonymised_candidate_in_the_readers_language(anonymised_after_the_pick, language):
    _eoi, candidate = anonymised_after_the_pick
    assert_read_in(language, candidate, records_naming(candidate))


def test_a_spanish_contact_reads_the_anonymised_candidate_in_spanish_on_the_history_page(
    client, anonymised_after_the_pick, partner_contact
):
    eoi, candidate = anonymised_after_the_pick
    client.force_login(partner_contact)
    page = client.get(reverse("applications:history", args=[eoi.pk])).content.decode()
    assert f"Seleccionado: candidato anonimizado {candidate.pk}" in page
    assert f"Windhoek ha aceptado a candidato anonimizado {candidate.pk}" in page
    assert GERMAN_LABEL not in page and "anonymisierte" not in page


def test_a_candidate_anonymised_before_the_decisions_is_recorded_as_data_and_mailed_in_spanish(eoi, people):
    """The municipalities decide on and pick a candidate already anonymised, with German active."""
    eoi = in_status(eoi, Status.CANDIDATE_SELECTION, **people)
    candidate = eoi.shortlist.get().candidate
    mailed_before = list(OutboundEmail.objects.values_list("pk", flat=True))
    with translation.override("de"):
        anonymise(candidate, by=None)
        pick_the_candidate(eoi, people["german_contact"], people["partner_contact"])

    assert_kept_as_data(candidate)
    assert_read_in("es", candidate, records_naming(candidate))
    assert_read_in("en", candidate, records_naming(candidate))
    mails = OutboundEmail.objects.exclude(pk__in=mailed_before)
    [mail] = mails.filter(template="eoi-status-changed", to=[people["partner_contact"].email])
    assert mail.language == "es"
    assert f"Seleccionado: candidato anonimizado {candidate.pk}" in mail.text
    assert "anonymisierte" not in mail.text and "anonymisierte" not in mail.html


def test_records_written_before_the_marker_are_read_in_the_readers_language_after_the_migration(
    anonymised_after_the_pick,
):
    """placements migration 0010: a record that stored the German label gets the marker; a named one stays."""
    from django.apps import apps

    migration = importlib.import_module("placements.migrations.0010_anonymised_candidates_in_old_records")
    eoi, candidate = anonymised_after_the_pick
    old_style = {"candidate": f"{GERMAN_LABEL} {candidate.pk}", "candidate_id": candidate.pk}
    for event in records_naming(candidate):
        params = {key: value for key, value in event.params.items() if key != "candidate_anonymised"}
        Event.objects.filter(pk=event.pk).update(params={**params, **old_style})
    named = Candidate.objects.create(name="Noor Named", nationalities=["DE"])
    kept = Event.objects.create(
        eoi=eoi,
        kind=Event.Kind.SHORTLIST_DECIDED,
        params={**named.as_recorded(), "municipality": "Berlin", "decision": "accepted"},
    )

    migration.mark_anonymised_candidates(apps, None)

    assert_kept_as_data(candidate)
    assert_read_in("es", candidate, records_naming(candidate))
    kept.refresh_from_db()
    assert kept.params["candidate"] == "Noor Named" and "candidate_anonymised" not in kept.params
