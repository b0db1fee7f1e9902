"""Matches, the shortlist and the municipalities' choice; the placement created in the admin."""

import datetime
import importlib
import random

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from applications import services
from applications.models import Event, ExpressionOfInterest, Status
from applications.permissions import get_recruitable_eoi
from applications.vocabulary import CefrLevel, Theme, WorkingLanguage
from placements import matching, selection
from placements.models import Candidate, Placement, PlacementEvent, PlacementStatus, ShortlistDecision, ShortlistEntry
from placements.views.selection import MATCHES_SHOWN, candidate_pool
from tests.workflow import in_status

CV = b"%PDF-1.4 a CV"


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def recruiting(eoi, people):
    """The integrated-model EOI (CIM) in recruitment."""
    return in_status(eoi, Status.RECRUITMENT, **people)


@pytest.fixture
def local_recruiting(partnership, german_contact, models_open_in_namibia, people):
    municipalities = list(partnership.municipalities.all())
    local = services.start(partnership, municipalities, "local", by=german_contact)
    return in_status(local, Status.RECRUITMENT, **people)


def make_candidate(name, nationalities=("DE",), **values):
    values = {
        "email": f"{name.lower()}@example.org",
        "phone": "+49 30 1234567",
        "date_of_birth": datetime.date(1985, 4, 12),
        "years_of_experience": 6,
        "qualification": "Dipl.-Ing. Wasserwirtschaft",
        "expertise": ["climate"],
        "languages": [{"language": "en", "level": "C1"}],
        "available_from": datetime.date(2027, 1, 1),
        **values,
    }
    return Candidate.objects.create(name=name, nationalities=list(nationalities), **values)


@pytest.fixture
def eligible(media, cim_recruiter):
    """Recorded by the CIM recruiter, so that both staff and that recruiter work with her."""
    return make_candidate("Greta", cv=ContentFile(CV, name="cv.pdf"), cv_name="Greta-CV.pdf", created_by=cim_recruiter)


@pytest.fixture
def ineligible(cim_recruiter):
    return make_candidate("Howard", nationalities=["US"], created_by=cim_recruiter)


def shortlist(eoi, *candidates, by):
    return [ShortlistEntry.objects.create(eoi=eoi, candidate=c, added_by=by) for c in candidates]


@pytest.fixture
def selecting(recruiting, eligible, staff):
    """The integrated EOI in candidate selection, with Greta on its shortlist."""
    [entry] = shortlist(recruiting, eligible, by=staff)
    eoi = services.transition(recruiting, "start_candidate_selection", by=staff)
    return eoi, entry


def accepted_by_all(entry):
    """Every participating municipality accepts the entry (as its contacts would in the portal)."""
    for participant in entry.eoi.participants.all():
        ShortlistDecision.objects.create(entry=entry, municipality=participant.municipality, decision="accepted")


def decision_data(entry, municipality, decision, reason=""):
    prefix = f"entry-{entry.pk}"
    return {f"{prefix}-municipality": municipality.pk, f"{prefix}-decision": decision, f"{prefix}-reason": reason}


def url(name, obj):
    return reverse(f"placements:{name}", args=[obj.pk])


def english(user):
    user.preferred_language = "en"
    user.save()
    return user


# --- matches and the shortlist ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "cim_recruiter"])
def test_matches_rank_candidates_with_reasons_and_eligibility(
    client, personas, recruiting, eligible, ineligible, persona
):
    client.force_login(english(personas[persona]))
    response = client.get(url("matches", recruiting))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Greta" in page and "Howard" in page
    assert "Expertise: 1 of 2 themes (Climate change)" in page
    assert "needs an EU or EFTA nationality" in page
    # The button is there for the eligible candidate only.
    assert f'name="candidate" value="{eligible.pk}"' in page
    assert f'name="candidate" value="{ineligible.pk}"' not in page
    assert "greta@example.org" not in page


def test_eligible_candidates_rank_first_and_the_ineligible_stand_apart(client, staff, recruiting, cim_recruiter):
    """A US national for an integrated-expert post scores 70 but cannot be placed: listed apart, with the reason."""
    strong = ["climate", "municipal_services"]
    best_but_american = make_candidate(
        "Howard", nationalities=["US"], created_by=cim_recruiter, expertise=strong, years_of_experience=10
    )
    weaker = make_candidate("Greta", created_by=cim_recruiter, expertise=[], years_of_experience=1)
    client.force_login(english(staff))
    response = client.get(url("matches", recruiting))
    assert [row["match"].candidate for row in response.context["rows"]] == [weaker]
    [apart] = response.context["ineligible_rows"]
    assert (
        apart["match"].candidate == best_but_american
        and apart["match"].score > response.context["rows"][0]["match"].score
    )
    assert any("EU or EFTA" in reason for reason in apart["ineligible"])
    page = response.content.decode()
    assert page.index('id="matches"') < page.index('id="ineligible-matches"')
    assert f'name="candidate" value="{best_but_american.pk}"' not in page


def test_recruiter_shortlists_an_eligible_candidate(client, cim_recruiter, recruiting, eligible):
    client.force_login(cim_recruiter)
    response = client.post(url("shortlist_add", recruiting), {"candidate": eligible.pk})
    assert response.status_code == 302
    entry = ShortlistEntry.objects.get(eoi=recruiting)
    assert (entry.candidate, entry.added_by) == (eligible, cim_recruiter)
    assert not entry.decisions.exists()
    # Recorded once, for programme staff: the municipalities meet the shortlist when the selection opens.
    client.post(url("shortlist_add", recruiting), {"candidate": eligible.pk})
    (shortlisted,) = recruiting.events.filter(kind=Event.Kind.SHORTLISTED)
    assert (shortlisted.actor, shortlisted.params["candidate_id"]) == (cim_recruiter, eligible.pk)
    with translation.override("en"):
        assert shortlisted.sentence().startswith("Candidate shortlisted") and eligible.name in shortlisted.detail()
    assert not recruiting.events.readable_by_applicants().filter(kind=Event.Kind.SHORTLISTED).exists()


def test_a_recruiter_neither_sees_nor_shortlists_the_other_channels_candidates(
    client, cim_recruiter, giz_recruiter, staff, recruiting, eligible
):
    recorded_by_giz = make_candidate("Ines", created_by=giz_recruiter)
    client.force_login(cim_recruiter)
    page = client.get(url("matches", recruiting)).content.decode()
    assert "Greta" in page and "Ines" not in page
    response = client.post(url("shortlist_add", recruiting), {"candidate": recorded_by_giz.pk})
    assert response.status_code == 404
    assert not ShortlistEntry.objects.exists()
    # Staff work with the whole pool.
    client.force_login(staff)
    assert "Ines" in client.get(url("matches", recruiting)).content.decode()
    client.post(url("shortlist_add", recruiting), {"candidate": recorded_by_giz.pk})
    assert ShortlistEntry.objects.get().candidate == recorded_by_giz


def test_the_server_refuses_an_ineligible_candidate_with_the_reason(client, staff, recruiting, ineligible):
    client.force_login(english(staff))
    response = client.post(url("shortlist_add", recruiting), {"candidate": ineligible.pk}, follow=True)
    assert not ShortlistEntry.objects.exists()
    assert "Howard cannot be shortlisted: needs an EU or EFTA nationality." in response.content.decode()


def test_local_model_needs_a_national_of_the_partner_country(client, staff, local_recruiting, eligible):
    namibian = make_candidate("Ndapewa", nationalities=["NA"])
    client.force_login(staff)
    client.post(url("shortlist_add", local_recruiting), {"candidate": eligible.pk})
    client.post(url("shortlist_add", local_recruiting), {"candidate": namibian.pk})
    assert [e.candidate for e in local_recruiting.shortlist.all()] == [namibian]


def test_staff_hand_the_shortlist_to_the_municipalities(client, staff, recruiting, eligible):
    shortlist(recruiting, eligible, by=staff)
    client.force_login(staff)
    response = client.post(url("start_selection", recruiting))
    assert response.status_code == 302
    recruiting.refresh_from_db()
    assert recruiting.status == Status.CANDIDATE_SELECTION
    event = recruiting.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.from_status, event.to_status, event.actor) == ("recruitment", "candidate_selection", staff)


def test_an_empty_shortlist_cannot_be_handed_over(client, staff, recruiting):
    client.force_login(staff)
    client.post(url("start_selection", recruiting))
    recruiting.refresh_from_db()
    assert recruiting.status == Status.RECRUITMENT


def test_only_staff_hand_the_shortlist_over_recruiters_see_a_note(client, cim_recruiter, recruiting, eligible, staff):
    shortlist(recruiting, eligible, by=staff)
    client.force_login(cim_recruiter)
    page = client.get(url("matches", recruiting)).content.decode()
    assert 'id="staff-only-note"' in page and 'id="start-selection"' not in page
    assert client.post(url("start_selection", recruiting)).status_code == 403
    recruiting.refresh_from_db()
    assert recruiting.status == Status.RECRUITMENT


# --- the ranking, kept in the cache --------------------------------------------------------------


@pytest.fixture
def ranking_runs(monkeypatch):
    """How often the pool is ranked (rather than read from the cache)."""
    runs = []
    rank = matching.rank

    def counted(*args, **kwargs):
        runs.append(1)
        return rank(*args, **kwargs)

    monkeypatch.setattr(matching, "rank", counted)
    return runs


def shown(response):
    """Each listed candidate with score, reasons and, for the others, why they cannot be placed."""
    context = response.context
    rows = [(row, ()) for row in context["rows"]] + [(row, row["ineligible"]) for row in context["ineligible_rows"]]
    listed = [(row["match"].candidate.pk, row["match"].score, row["match"].reasons, list(why)) for row, why in rows]
    return listed, context["total"], context["ineligible_total"]


def test_the_ranking_is_kept_and_a_changed_candidate_shows_at_once(
    client, staff, recruiting, eligible, ineligible, ranking_runs
):
    client.force_login(english(staff))
    first = client.get(url("matches", recruiting))
    assert "6 years of professional experience" in first.content.decode()
    assert shown(client.get(url("matches", recruiting))) == shown(first)
    assert len(ranking_runs) == 1  # the second view read the kept ranking
    # A queryset update sends no signal and touches no timestamp: the row's version tells.
    Candidate.objects.filter(pk=eligible.pk).update(years_of_experience=12)
    [greta] = client.get(url("matches", recruiting)).context["rows"]
    assert greta["match"].reasons[-1] == "12 years of professional experience"
    assert len(ranking_runs) == 2


def test_a_candidate_leaving_or_joining_the_pool_shows_at_once(
    client, staff, partnership, german_contact, recruiting, eligible, ineligible
):
    client.force_login(staff)
    assert "Greta" in client.get(url("matches", recruiting)).content.decode()
    # Planned for another EOI: busy, out of the pool.
    elsewhere = services.start(partnership, list(partnership.municipalities.all()), "integrated", by=german_contact)
    start = datetime.date(2027, 1, 1)
    placement = Placement.objects.create(
        eoi=elsewhere, candidate=eligible, specialist_model="integrated", employer="Windhoek", start=start,
        end=Placement.default_end(start), created_by=staff,
    )  # fmt: skip
    assert "Greta" not in client.get(url("matches", recruiting)).content.decode()
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.COMPLETED)
    assert "Greta" in client.get(url("matches", recruiting)).content.decode()
    make_candidate("Ines")
    assert "Ines" in client.get(url("matches", recruiting)).content.decode()
    Candidate.objects.filter(name="Ines").update(anonymised_at=timezone.now())
    assert "Ines" not in client.get(url("matches", recruiting)).content.decode()


def test_new_terms_of_reference_or_themes_rank_anew(client, staff, recruiting, eligible):
    client.force_login(english(staff))
    assert "Expertise: 1 of 2 themes (Climate change)" in client.get(url("matches", recruiting)).content.decode()
    type(recruiting).objects.filter(pk=recruiting.pk).update(themes=["climate"])
    assert "Expertise: 1 of 1 themes (Climate change)" in client.get(url("matches", recruiting)).content.decode()


def test_each_language_has_its_own_ranking(client, staff, recruiting, eligible):
    client.force_login(english(staff))
    assert "6 years of professional experience" in client.get(url("matches", recruiting)).content.decode()
    staff.preferred_language = "de"
    staff.save()
    assert "6 Jahre Berufserfahrung" in client.get(url("matches", recruiting)).content.decode()


def random_candidates(count, seed, **values):
    chance = random.Random(seed)  # noqa: S311 - test data
    themes, languages, levels = list(Theme.values), list(WorkingLanguage.values), list(CefrLevel.values)
    dates = [None, *(datetime.date(2026, 1, 1) + datetime.timedelta(days) for days in range(0, 500, 7))]
    for number in range(count):
        make_candidate(
            f"{chance.choice(['Ana', 'ana', 'Bo', 'Cem', 'Dana'])} {number}",
            nationalities=chance.sample(["DE", "FR", "US", "NA", "GH"], chance.randint(0, 2)),
            date_of_birth=chance.choice([None, datetime.date(1960, 1, 1), datetime.date(2010, 5, 5)]),
            years_of_experience=chance.randint(0, 14),
            expertise=chance.sample(themes, chance.randint(0, 3)),
            languages=[
                {"language": language, "level": chance.choice(levels)}
                for language in chance.sample(languages, chance.randint(0, 3))
            ],
            available_from=chance.choice(dates),
            **values,
        )


@pytest.mark.parametrize("specialist_model", ["integrated", "development_worker", "local"])
def test_the_kept_ranking_is_the_ranking_of_the_whole_pool(
    client, staff, people, partnership, models_open_in_namibia, specialist_model
):
    """The page, computed or read from the cache, lists what ranking every candidate of the pool lists."""
    municipalities = list(partnership.municipalities.all())
    eoi = services.start(partnership, municipalities, specialist_model, by=people["german_contact"])
    eoi = in_status(eoi, Status.RECRUITMENT, **people)
    random_candidates(80, seed=specialist_model)
    client.force_login(english(staff))
    computed, kept = client.get(url("matches", eoi)), client.get(url("matches", eoi))
    eoi = get_recruitable_eoi(staff, eoi.pk)
    terms = eoi.agreed_terms()
    with translation.override("en"):
        day = timezone.localdate()
        ranked = matching.rank(candidate_pool(staff), terms or {}, on=day, themes=eoi.themes)
        eligible, ineligible = selection.by_eligibility(ranked, eoi, selection.reference_day(terms))
    shown_eligible = [(m.candidate.pk, m.score, m.reasons, []) for m in eligible[:MATCHES_SHOWN]]
    shown_ineligible = [(m.candidate.pk, m.score, m.reasons, why) for m, why in ineligible[:MATCHES_SHOWN]]
    expected = (shown_eligible + shown_ineligible, len(eligible), len(ineligible))
    assert shown(computed) == shown(kept) == expected
    assert eligible and ineligible


def test_the_best_are_kept_and_all_are_counted(staff, recruiting):
    random_candidates(30, seed=1)
    eoi = get_recruitable_eoi(staff, recruiting.pk)
    with translation.override("en"):
        ranking = selection.rank_pool(eoi, candidate_pool(staff), eoi.agreed_terms(), on=timezone.localdate(), shown=4)
        whole = selection.rank_pool(eoi, candidate_pool(staff), eoi.agreed_terms(), on=timezone.localdate(), shown=99)
    assert ranking.eligible == whole.eligible[:4] and ranking.ineligible == whole.ineligible[:4]
    totals = (ranking.eligible_total, ranking.ineligible_total)
    assert totals == (len(whole.eligible), len(whole.ineligible)) and sum(totals) == 30


def test_without_row_versions_the_pool_is_ranked_every_time(monkeypatch, staff, recruiting, eligible, ranking_runs):
    """SQLite (a laptop's zero set-up) has no row versions: nothing is kept, nothing can be stale."""
    eoi = get_recruitable_eoi(staff, recruiting.pk)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    for _ in range(2):
        ranking = selection.rank_pool(eoi, candidate_pool(staff), eoi.agreed_terms(), on=timezone.localdate(), shown=5)
    assert [match.candidate for match in ranking.eligible] == [eligible]
    assert len(ranking_runs) == 2


# --- the municipalities' choice -----------------------------------------------------------------


@pytest.mark.parametrize("persona", ["german_contact", "partner_contact", "viewer", "staff", "cim_recruiter"])
def test_shortlist_shows_profiles_without_contact_data(client, personas, selecting, persona):
    eoi, entry = selecting
    client.force_login(personas[persona])
    response = client.get(url("shortlist", eoi))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Greta" in page and "Dipl.-Ing. Wasserwirtschaft" in page
    assert url("shortlist_cv", entry) in page
    for hidden in ("greta@example.org", "+49 30 1234567", "1985", "12.04"):
        assert hidden not in page


def test_municipalities_do_not_see_the_shortlist_during_recruitment(
    client, german_contact, recruiting, eligible, staff
):
    shortlist(recruiting, eligible, by=staff)
    client.force_login(german_contact)
    assert client.get(url("shortlist", recruiting)).status_code == 404


def test_cv_download_for_those_who_see_the_shortlist(client, german_contact, selecting):
    eoi, entry = selecting
    client.force_login(german_contact)
    response = client.get(url("shortlist_cv", entry))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CV
    assert "Greta-CV.pdf" in response["Content-Disposition"]


def test_contact_accepts_a_candidate(client, german_contact, german_municipality, selecting):
    eoi, entry = selecting
    client.force_login(german_contact)
    response = client.post(url("shortlist_decide", entry), decision_data(entry, german_municipality, "accepted"))
    assert response.status_code == 302
    decision = entry.decisions.get()
    assert (decision.municipality, decision.decision, decision.decided_by) == (
        german_municipality,
        "accepted",
        german_contact,
    )


def test_declining_needs_a_reason_and_keeps_the_input(client, german_contact, german_municipality, selecting):
    eoi, entry = selecting
    client.force_login(english(german_contact))
    data = decision_data(entry, german_municipality, "declined", " ")
    response = client.post(url("shortlist_decide", entry), data)
    assert response.status_code == 200
    assert "Please say why you decline this candidate." in response.content.decode()
    [party] = [party for party in response.context["rows"][0]["parties"] if party["form"]]
    assert party["form"].is_bound and party["form"]["decision"].value() == "declined"
    assert not entry.decisions.exists()


def test_all_declined_returns_the_eoi_to_recruitment(
    client, german_contact, german_municipality, partner_contact, selecting, staff
):
    eoi, greta = selecting
    other = ShortlistEntry.objects.create(eoi=eoi, candidate=make_candidate("Ida"), added_by=staff)
    client.force_login(german_contact)
    for entry in (greta, other):
        data = decision_data(entry, german_municipality, "declined", "Not enough field experience")
        assert client.post(url("shortlist_decide", entry), data).status_code == 302
        eoi.refresh_from_db()
        assert eoi.status == (Status.CANDIDATE_SELECTION if entry is greta else Status.RECRUITMENT)
    event = eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.from_status, event.to_status, event.actor) == ("candidate_selection", "recruitment", german_contact)
    assert event.params["all_declined"]


def test_integrated_only_the_partner_municipality_picks(client, german_contact, partner_contact, selecting):
    eoi, entry = selecting
    accepted_by_all(entry)
    client.force_login(german_contact)
    assert 'id="employer-picks"' in client.get(url("shortlist", eoi)).content.decode()
    assert client.post(url("shortlist_select", entry)).status_code == 403
    eoi.refresh_from_db()
    assert eoi.status == Status.CANDIDATE_SELECTION

    client.force_login(partner_contact)
    assert f'id="select-{entry.pk}"' in client.get(url("shortlist", eoi)).content.decode()
    assert client.post(url("shortlist_select", entry)).status_code == 302
    eoi.refresh_from_db()
    entry.refresh_from_db()
    assert eoi.status == Status.CONTRACTING and entry.selected
    event = eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.from_status, event.to_status, event.actor) == ("candidate_selection", "contracting", partner_contact)


def test_local_any_contact_picks(client, german_contact, local_recruiting, staff):
    namibian = make_candidate("Ndapewa", nationalities=["NA"])
    [entry] = shortlist(local_recruiting, namibian, by=staff)
    eoi = services.transition(local_recruiting, "start_candidate_selection", by=staff)
    accepted_by_all(entry)
    client.force_login(german_contact)
    assert client.post(url("shortlist_select", entry)).status_code == 302
    eoi.refresh_from_db()
    assert eoi.status == Status.CONTRACTING


def test_a_pending_candidate_cannot_be_picked(client, partner_contact, selecting):
    eoi, entry = selecting
    client.force_login(partner_contact)
    client.post(url("shortlist_select", entry))
    eoi.refresh_from_db()
    entry.refresh_from_db()
    assert eoi.status == Status.CANDIDATE_SELECTION and not entry.selected


@pytest.mark.parametrize("name", ["shortlist_decide", "shortlist_select"])
def test_viewer_and_recruiter_may_not_decide_or_pick(client, viewer, cim_recruiter, selecting, name):
    eoi, entry = selecting
    for person in (viewer, cim_recruiter):
        client.force_login(person)
        assert client.post(url(name, entry), {f"entry-{entry.pk}-decision": "accepted"}).status_code == 403


def test_staff_send_the_eoi_back_to_recruitment_with_a_reason(client, staff, selecting):
    eoi, _entry = selecting
    client.force_login(english(staff))
    response = client.post(url("back_to_recruitment", eoi), {"comment": ""})
    assert response.status_code == 200
    assert "Please give a reason" in response.content.decode()
    eoi.refresh_from_db()
    assert eoi.status == Status.CANDIDATE_SELECTION
    client.post(url("back_to_recruitment", eoi), {"comment": "Nobody suits the post."})
    eoi.refresh_from_db()
    assert eoi.status == Status.RECRUITMENT
    assert eoi.events.first().note == "Nobody suits the post."


def test_contacts_may_not_send_it_back(client, german_contact, selecting):
    eoi, _entry = selecting
    client.force_login(german_contact)
    assert client.post(url("back_to_recruitment", eoi), {"comment": "No"}).status_code == 403


# --- who gets nothing ---------------------------------------------------------------------------

EOI_URLS = ["matches", "shortlist_add", "start_selection", "shortlist", "back_to_recruitment"]
ENTRY_URLS = ["shortlist_decide", "shortlist_select", "shortlist_cv"]


@pytest.mark.parametrize("name", EOI_URLS + ENTRY_URLS)
@pytest.mark.parametrize("state", ["recruitment", "selection"])
def test_outsider_gets_404_everywhere(client, outsider, recruiting, eligible, staff, name, state):
    [entry] = shortlist(recruiting, eligible, by=staff)
    if state == "selection":
        services.transition(recruiting, "start_candidate_selection", by=staff)
    client.force_login(outsider)
    target = url(name, entry if name in ENTRY_URLS else recruiting)
    method = client.get if name in {"matches", "shortlist", "shortlist_cv"} else client.post
    assert method(target).status_code == 404


@pytest.mark.parametrize("name", ["matches", "shortlist", "shortlist_add"])
def test_giz_recruiter_cannot_see_a_cim_eoi(client, giz_recruiter, recruiting, eligible, staff, name):
    shortlist(recruiting, eligible, by=staff)
    client.force_login(giz_recruiter)
    method = client.post if name == "shortlist_add" else client.get
    assert method(url(name, recruiting), {"candidate": eligible.pk}).status_code == 404


def test_anonymous_is_sent_to_login(client, selecting):
    eoi, entry = selecting
    for target in (url("matches", eoi), url("shortlist", eoi), url("shortlist_cv", entry)):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the placement, created by staff in the admin -----------------------------------------------


@pytest.fixture
def contracting(selecting, partner_contact):
    eoi, entry = selecting
    accepted_by_all(entry)
    from placements.selection import select_candidate

    select_candidate(entry, by=partner_contact)
    eoi.refresh_from_db()
    terms = eoi.agreed_terms()
    terms.start = datetime.date(2027, 3, 1)
    terms.save()
    return eoi, entry


def test_the_add_form_is_prefilled_from_the_eoi(admin_client, contracting):
    eoi, entry = contracting
    response = admin_client.get(reverse("admin:placements_placement_add"), {"eoi": eoi.pk})
    assert response.status_code == 200
    initial = response.context["adminform"].form.initial
    assert initial["candidate"] == entry.candidate
    assert initial["specialist_model"] == "integrated"
    assert initial["start"] == datetime.date(2027, 3, 1)
    assert "end" not in initial  # it follows from the start staff enter
    form = response.context["adminform"].form
    assert "24" in str(form.fields["end"].help_text) and "28.02.2029" in str(form.fields["end"].help_text)
    assert [m.name for m in initial["places"]] == ["Windhoek"]
    assert [m.name for m in form.fields["places"].queryset] == ["Windhoek"]  # the partners, never German ones


def test_the_end_follows_the_entered_start_and_the_agreed_duration(client, staff, contracting):
    """Staff set the start to 1 Dec 2026 and leave the end empty: 24 months from that start, four reports."""
    eoi, _entry = contracting
    client.force_login(staff)
    windhoek = eoi.participants.get(side="partner").municipality
    data = {"eoi": eoi.pk, "start": "2026-12-01", "places": [windhoek.pk]}
    assert client.post(reverse("admin:placements_placement_add"), data).status_code == 302
    placement = Placement.objects.get(eoi=eoi)
    assert (placement.start, placement.end) == (datetime.date(2026, 12, 1), datetime.date(2028, 11, 30))
    assert placement.reports.count() == 4  # three interim reports and the final one


def test_the_end_uses_the_duration_the_terms_agreed(client, staff, contracting):
    eoi, _entry = contracting
    terms = eoi.agreed_terms()
    terms.duration_months = 18
    terms.save()
    client.force_login(staff)
    assert client.post(reverse("admin:placements_placement_add"), {"eoi": eoi.pk}).status_code == 302
    assert Placement.objects.get(eoi=eoi).end == datetime.date(2028, 8, 31)  # 1 March 2027 + 18 months - 1 day


def test_a_place_outside_the_partner_municipalities_is_refused(client, staff, contracting, german_municipality):
    eoi, _entry = contracting
    client.force_login(staff)
    response = client.post(
        reverse("admin:placements_placement_add"), {"eoi": eoi.pk, "places": [german_municipality.pk]}
    )
    assert response.status_code == 200
    assert "places" in response.context["adminform"].form.errors
    assert not Placement.objects.filter(eoi=eoi).exists()


def test_staff_create_the_placement_and_the_eoi_is_placed(client, staff, contracting):
    eoi, entry = contracting
    client.force_login(staff)
    response = client.post(
        reverse("admin:placements_placement_add"),
        {"eoi": eoi.pk, "monthly_top_up": "1200.00", "top_up_currency": "NAD"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    placement = Placement.objects.get(eoi=eoi)
    assert placement.candidate == entry.candidate
    assert placement.status == PlacementStatus.PLANNED
    assert (placement.start, placement.end) == (datetime.date(2027, 3, 1), datetime.date(2029, 2, 28))
    assert [m.name for m in placement.places.all()] == ["Windhoek"]
    assert (placement.employer, placement.created_by) == ("Windhoek", staff)
    # No account is named in the admin: the selected candidate is invited and ties their own.
    assert placement.specialist is None
    assert placement.events.filter(kind=PlacementEvent.Kind.SPECIALIST_INVITED).exists()
    eoi.refresh_from_db()
    assert eoi.status == Status.PLACED
    assert eoi.events.first().actor == staff
    assert client.get(reverse("admin:placements_placement_change", args=[placement.pk])).status_code == 200
    assert client.get(reverse("admin:placements_placement_changelist"), {"q": "Greta"}).status_code == 200


def test_the_add_form_offers_only_eois_in_contracting(admin_client, recruiting):
    response = admin_client.get(reverse("admin:placements_placement_add"))
    assert list(response.context["adminform"].form.fields["eoi"].queryset) == []


def test_shortlist_admin_is_read_only(admin_client, selecting):
    _eoi, entry = selecting
    accepted_by_all(entry)
    changelist = reverse("admin:placements_shortlistentry_changelist")
    response = admin_client.get(changelist, {"decisions__decision": "accepted"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [entry]
    page = admin_client.get(reverse("admin:placements_shortlistentry_change", args=[entry.pk])).content.decode()
    assert "Windhoek" in page and "Berlin" in page  # each municipality's decision, read-only
    assert admin_client.get(reverse("admin:placements_shortlistentry_add")).status_code == 403


# --- a candidate is the data of the channel that recorded them ----------------------------------------------


def test_a_candidate_belongs_to_the_channel_that_recorded_them(cim_recruiter, giz_recruiter, staff, recruiting):
    assert make_candidate("Anna", created_by=cim_recruiter).channel == "cim"
    assert make_candidate("Bert", created_by=giz_recruiter, applied_for=recruiting).channel == "giz"  # their own
    assert make_candidate("Carla", created_by=staff, applied_for=recruiting).channel == "cim"  # the EOI's
    assert make_candidate("Dora", created_by=staff).channel == ""


def test_when_the_eoi_changes_channel_the_other_channel_sees_none_of_the_first_ones_candidates(
    client, cim_recruiter, giz_recruiter, staff, recruiting, eligible
):
    """Back to the dialogue for want of the right profile, then terms agreed with the GIZ model: GIZ now recruits
    for the EOI, but CIM's candidates and the shortlist CIM built stay CIM's (issue: a CIM/GIZ data leak)."""
    colleague = make_candidate("Carla", created_by=staff, applied_for=recruiting, cv=ContentFile(CV, name="cv.pdf"))
    [entry] = shortlist(recruiting, eligible, by=cim_recruiter)
    # What reopen_needs_dialogue and the agreed terms do to the model, in one line of set-up:
    ExpressionOfInterest.objects.filter(pk=recruiting.pk).update(specialist_model="development_worker")

    client.force_login(giz_recruiter)
    listed = client.get(reverse("placements:candidate_list")).content.decode()
    assert "Greta" not in listed and "Carla" not in listed
    for candidate in (eligible, colleague):
        for name in ("candidate_detail", "candidate_cv", "candidate_export"):
            assert client.get(url(name, candidate)).status_code == 404, name
    assert client.get(url("shortlist_cv", entry)).status_code == 404
    assert "Greta" not in client.get(url("shortlist", recruiting)).content.decode()
    assert "Greta" not in client.get(url("matches", recruiting)).content.decode()

    client.force_login(cim_recruiter)  # who recorded Greta still has her
    assert client.get(url("candidate_detail", eligible)).status_code == 200
    client.force_login(staff)
    assert "Greta" in client.get(url("shortlist", recruiting)).content.decode()


def test_candidates_recorded_before_get_their_channel_from_the_migration(cim_recruiter, staff, recruiting):
    from django.apps import apps

    stamp_channels = importlib.import_module("placements.migrations.0012_candidate_channel").stamp_channels
    by_recruiter = make_candidate("Anna", created_by=cim_recruiter)
    by_staff_for_eoi = make_candidate("Carla", created_by=staff, applied_for=recruiting)
    by_staff_alone = make_candidate("Dora", created_by=staff)
    Candidate.objects.update(channel="")
    stamp_channels(apps, None)
    channels = dict(Candidate.objects.values_list("pk", "channel"))
    assert [channels[c.pk] for c in (by_recruiter, by_staff_for_eoi, by_staff_alone)] == ["cim", "cim", ""]
