"""Issue 13.1: each participating municipality's decision on a shortlisted candidate is its own.

Berlin (the German side) and Windhoek (the partner, the employer of an integrated expert) each accept
or decline each candidate, with their own reason; the page names every party's decision; nobody
decides for a municipality they are no contact of; the employer picks among the candidates both
accepted; when every candidate is declined by someone, recruitment goes on.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.models import Event, ExpressionOfInterest, Status
from fachkraefte.models import AuditEntry
from partnerships.models import MembershipRole
from placements import selection
from placements.candidates import anonymise
from placements.models import Candidate, ShortlistDecision, ShortlistEntry
from tests.factories import MembershipFactory
from tests.workflow import in_status

REASON = "Zu wenig Erfahrung mit Wasserverlusten"


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


def english(*users):
    for user in users:
        user.preferred_language = "en"
        user.save()


@pytest.fixture
def selecting(eoi, people, staff):
    """The integrated EOI of Berlin and Windhoek in candidate selection, with Greta and Ida on the shortlist."""
    eoi = in_status(eoi, Status.RECRUITMENT, **people)
    for name in ("Greta", "Ida"):
        candidate = Candidate.objects.create(name=name, nationalities=["DE"], years_of_experience=6)
        ShortlistEntry.objects.create(eoi=eoi, candidate=candidate, added_by=staff)
    eoi = services.transition(eoi, "start_candidate_selection", by=staff)
    greta, ida = eoi.shortlist.order_by("candidate__name")
    return eoi, greta, ida


def decide_url(entry):
    return reverse("placements:shortlist_decide", args=[entry.pk])


def post_decision(client, entry, municipality, decision, reason=""):
    prefix = f"entry-{entry.pk}"
    data = {f"{prefix}-municipality": municipality.pk, f"{prefix}-decision": decision, f"{prefix}-reason": reason}
    return client.post(decide_url(entry), data)


def shortlist_page(client, user, eoi):
    client.force_login(user)
    response = client.get(reverse("placements:shortlist", args=[eoi.pk]))
    assert response.status_code == 200
    return response


def decision_row(page, entry, municipality):
    """The row of the municipality's decision on the entry in the page's table of decisions."""
    start = page.index(f'id="decision-{entry.pk}-{municipality.pk}"')
    return page[start : page.index("</tr>", start)]


def forms_of(response, entry):
    """{municipality: form} of the decision forms the page shows for the entry."""
    [row] = [row for row in response.context["rows"] if row["entry"] == entry]
    return {party["municipality"]: party["form"] for party in row["parties"] if party["form"]}


def test_two_municipalities_decide_differently_and_each_sees_both_by_name(
    client, selecting, german_contact, partner_contact, german_municipality, partner_municipality
):
    eoi, greta, _ida = selecting
    english(german_contact, partner_contact)
    client.force_login(german_contact)
    assert post_decision(client, greta, german_municipality, "declined", REASON).status_code == 302
    client.force_login(partner_contact)
    assert post_decision(client, greta, partner_municipality, "accepted").status_code == 302

    decisions = {d.municipality: d for d in greta.decisions.all()}
    assert (decisions[german_municipality].decision, decisions[german_municipality].reason) == ("declined", REASON)
    assert (decisions[partner_municipality].decision, decisions[partner_municipality].reason) == ("accepted", "")
    assert decisions[partner_municipality].decided_by == partner_contact

    for reader in (german_contact, partner_contact):
        page = shortlist_page(client, reader, eoi).content.decode()
        berlin, windhoek = (
            decision_row(page, greta, german_municipality),
            decision_row(page, greta, partner_municipality),
        )
        assert "Berlin" in berlin and german_contact.name in berlin and "declined" in berlin and REASON in berlin
        assert "Windhoek" in windhoek and partner_contact.name in windhoek and "accepted" in windhoek
        assert REASON not in windhoek  # Berlin's reason stays on Berlin's row
        assert page.count(REASON) == 1 + (reader == german_contact)  # the row, and Berlin's own form
        assert "not yet decided" in decision_row(page, _ida, partner_municipality)


def test_the_partners_form_is_preset_with_its_own_decision_not_the_german_one(
    client, selecting, german_contact, partner_contact, german_municipality, partner_municipality
):
    eoi, greta, _ida = selecting
    selection.decide(greta, "declined", REASON, by=german_contact)

    partner_forms = forms_of(shortlist_page(client, partner_contact, eoi), greta)
    assert list(partner_forms) == [partner_municipality]  # no form for Berlin
    assert partner_forms[partner_municipality].initial == {"municipality": partner_municipality.pk}

    german_forms = forms_of(shortlist_page(client, german_contact, eoi), greta)
    assert list(german_forms) == [german_municipality]
    initial = german_forms[german_municipality].initial
    assert (initial["decision"], initial["reason"]) == ("declined", REASON)


def test_a_contact_cannot_decide_for_the_other_municipality(
    client, selecting, german_contact, partner_contact, partner_municipality
):
    eoi, greta, _ida = selecting
    selection.decide(greta, "accepted", "", by=partner_contact)
    client.force_login(german_contact)
    response = post_decision(client, greta, partner_municipality, "declined", "Not for Windhoek to say")
    assert response.status_code == 403
    assert greta.decisions.get().decision == "accepted"  # Windhoek's own, unchanged
    assert not greta.decisions.filter(decided_by=german_contact).exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=german_contact).exists()
    assert not eoi.events.filter(kind=Event.Kind.SHORTLIST_DECIDED, actor=german_contact).exists()


def test_a_contact_of_both_municipalities_decides_for_each_separately(
    client, selecting, german_municipality, partner_municipality
):
    eoi, greta, _ida = selecting
    both = MembershipFactory(municipality=german_municipality, role=MembershipRole.CONTACT).user
    MembershipFactory(user=both, municipality=partner_municipality, role=MembershipRole.CONTACT)
    page = shortlist_page(client, both, eoi)
    assert set(forms_of(page, greta)) == {german_municipality, partner_municipality}
    html = page.content.decode()
    assert f'id="decide-{greta.pk}-{german_municipality.pk}"' in html
    assert f'id="decide-{greta.pk}-{partner_municipality.pk}"' in html

    assert post_decision(client, greta, german_municipality, "accepted").status_code == 302
    assert post_decision(client, greta, partner_municipality, "declined", REASON).status_code == 302
    assert dict(greta.decisions.values_list("municipality__name", "decision")) == {
        "Berlin": "accepted",
        "Windhoek": "declined",
    }
    forms = forms_of(shortlist_page(client, both, eoi), greta)
    assert forms[german_municipality].initial == {
        "municipality": german_municipality.pk,
        "decision": "accepted",
        "reason": "",
    }
    assert forms[partner_municipality].initial["reason"] == REASON


def test_the_pick_is_refused_unless_every_municipality_accepted(
    client, selecting, german_contact, partner_contact, partner_municipality
):
    eoi, greta, _ida = selecting
    select = reverse("placements:shortlist_select", args=[greta.pk])
    selection.decide(greta, "accepted", "", by=partner_contact)  # the employer alone
    assert f'id="select-{greta.pk}"' not in shortlist_page(client, partner_contact, eoi).content.decode()
    client.post(select)
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.CANDIDATE_SELECTION
    assert not ShortlistEntry.objects.filter(selected=True).exists()

    selection.decide(greta, "declined", REASON, by=german_contact)
    client.post(select)
    assert not ShortlistEntry.objects.filter(selected=True).exists()

    selection.decide(greta, "accepted", "", by=german_contact)  # Berlin changes its mind
    assert f'id="select-{greta.pk}"' in shortlist_page(client, partner_contact, eoi).content.decode()
    assert client.post(select).status_code == 302
    greta.refresh_from_db()
    assert greta.selected and ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.CONTRACTING


def test_the_employer_picks_and_the_page_says_so(client, selecting, german_contact, partner_contact):
    eoi, greta, _ida = selecting
    english(german_contact)
    for contact in (german_contact, partner_contact):
        selection.decide(greta, "accepted", "", by=contact)
    page = shortlist_page(client, german_contact, eoi).content.decode()
    assert "the partner municipality, as the employer, selects one of the candidates every municipality" in page
    assert f'id="select-{greta.pk}"' not in page
    assert client.post(reverse("placements:shortlist_select", args=[greta.pk])).status_code == 403

    client.force_login(partner_contact)
    assert client.post(reverse("placements:shortlist_select", args=[greta.pk])).status_code == 302
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert eoi.status == Status.CONTRACTING
    assert eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first().actor == partner_contact


def test_recruitment_reopens_when_every_candidate_is_declined_by_someone(
    client, selecting, german_contact, partner_contact, german_municipality, partner_municipality
):
    eoi, greta, ida = selecting
    selection.decide(greta, "accepted", "", by=partner_contact)
    client.force_login(german_contact)
    post_decision(client, greta, german_municipality, "declined", REASON)
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.CANDIDATE_SELECTION  # Ida can still be had
    client.force_login(partner_contact)
    post_decision(client, ida, partner_municipality, "declined", "Sprachkenntnisse fehlen")
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert eoi.status == Status.RECRUITMENT
    event = eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.to_status, event.actor, event.params) == (
        Status.RECRUITMENT,
        partner_contact,
        {"step": "reopen_recruitment", "all_declined": True},
    )


def test_each_decision_is_recorded_with_the_candidate_and_the_municipality(
    selecting, german_contact, german_municipality
):
    eoi, greta, _ida = selecting
    selection.decide(greta, "declined", REASON, by=german_contact)
    selection.decide(greta, "declined", REASON, by=german_contact)  # saved unchanged: nothing new to record
    [event] = eoi.events.filter(kind=Event.Kind.SHORTLIST_DECIDED)
    assert event.actor == german_contact and event.note == ""  # the reason stays on the decision, not in the record
    assert event.params == {
        "candidate_id": greta.candidate_id,
        "candidate": "Greta",
        "municipality": "Berlin",
        "decision": "declined",
    }
    with translation.override("en"):
        assert event.detail() == "Berlin declined Greta"

    anonymise(greta.candidate, by=german_contact)
    event.refresh_from_db()
    assert event.params["candidate"] != "Greta" and event.params["candidate_id"] == greta.candidate_id
    decision = greta.decisions.get()
    assert decision.reason == "" and decision.reason_erased_at is not None


# --- the database holds the rules -------------------------------------------------------------------


def test_the_database_refuses_a_second_decision_of_the_same_municipality(selecting, german_municipality):
    _eoi, greta, _ida = selecting
    ShortlistDecision.objects.create(entry=greta, municipality=german_municipality, decision="accepted")
    with transaction.atomic(), pytest.raises(IntegrityError, match="one_shortlist_decision_per_municipality"):
        ShortlistDecision.objects.create(entry=greta, municipality=german_municipality, decision="declined", reason="x")


def test_the_database_refuses_a_decline_without_a_reason(selecting, german_municipality, partner_municipality):
    _eoi, greta, _ida = selecting
    with transaction.atomic(), pytest.raises(IntegrityError, match="shortlist_decline_has_a_reason"):
        ShortlistDecision.objects.create(entry=greta, municipality=german_municipality, decision="declined")
    with transaction.atomic(), pytest.raises(IntegrityError, match="shortlist_decision_accepted_or_declined"):
        ShortlistDecision.objects.create(entry=greta, municipality=german_municipality, decision="pending")
    ShortlistDecision.objects.create(entry=greta, municipality=partner_municipality, decision="accepted")


# --- the migration: the one old decision becomes the decision of the decider's municipality ------------

BEFORE = [("placements", "0004_one_record_and_report_workflow")]
AFTER = [("placements", "0005_shortlist_decisions_per_municipality")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_old_decision_to_the_municipality_of_whoever_decided(
    eoi, staff, german_contact, partner_contact, german_municipality, partner_municipality
):
    names = ["Anna", "Bert", "Carla", "Dora", "Emil"]
    for name in names:
        candidate = Candidate.objects.create(name=name, nationalities=["DE"])
        ShortlistEntry.objects.create(eoi=eoi, candidate=candidate, added_by=staff)
    gone = MembershipFactory(municipality=german_municipality).user
    gone.memberships.all().delete()  # decided once, no member of either municipality any more
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("placements", "ShortlistEntry")
    old_decisions = {
        "Anna": ("accepted", "", german_contact),
        "Bert": ("declined", "Keine Erfahrung mit Netzen", partner_contact),
        "Dora": ("declined", "", german_contact),  # the reason went with the anonymised candidate's data
        "Emil": ("accepted", "", gone),
    }
    for name, (decision, reason, person) in old_decisions.items():
        old.objects.filter(candidate__name=name).update(
            decision=decision, reason=reason, decided_by_id=person.pk, decided_at="2026-11-02T10:00:00Z"
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("placements", "ShortlistDecision")
    rows = {
        row.entry.candidate.name: (row.municipality_id, row.decision, row.reason, row.decided_by_id)
        for row in new.objects.select_related("entry__candidate")
    }
    assert rows == {
        "Anna": (german_municipality.pk, "accepted", "", german_contact.pk),
        "Bert": (partner_municipality.pk, "declined", "Keine Erfahrung mit Netzen", partner_contact.pk),
        "Dora": (german_municipality.pk, "declined", "", german_contact.pk),
    }  # Carla was undecided; Emil's decider belongs to neither municipality any more
    assert new.objects.get(entry__candidate__name="Dora").reason_erased_at is not None
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
