"""The recruitment hand-off: CIM and GIZ recruiters see only the EOIs in recruitment for their model."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.models import (
    Channel,
    Event,
    Message,
    Status,
    TermsAgreement,
    TermsOfReference,
    Vacancy,
)
from applications.permissions import channel_for, recruitable_eois
from applications.recruitment import publish_vacancy
from partnerships.models import Role, Side
from tests.eoi_content import fill
from tests.factories import UserFactory
from tests.workflow import shortlist_someone

pytestmark = pytest.mark.usefixtures("media", "models_open_in_namibia")

EXPERTISE = "Hydraulic modelling of water networks"


def new_eoi(partnership, specialist_model, german_contact):
    return services.start(partnership, list(partnership.municipalities.all()), specialist_model, by=german_contact)


def into_recruitment(eoi, *, german_contact, partner_contact, staff):
    """Fill, confirm, submit, review, agree terms of reference, start recruitment."""
    eoi = fill(eoi, german_contact)
    german = eoi.municipalities_of_side(Side.GERMAN)
    partner = eoi.municipalities_of_side(Side.PARTNER)
    services.confirm(eoi, german, by=german_contact)
    services.confirm(eoi, partner, by=partner_contact)
    services.submit(eoi, by=german_contact)
    services.transition(eoi, "start_review", by=staff)
    services.transition(eoi, "open_needs_dialogue", by=staff)
    agree_terms(eoi, staff)
    return services.transition(eoi, "start_recruitment", by=staff)


def agree_terms(eoi, staff):
    terms = TermsOfReference.objects.create(
        eoi=eoi,
        number=1,
        expertise=EXPERTISE,
        tasks_and_goals="Cut water losses to 20 per cent; train four engineers.",
        places_of_assignment="Windhoek, City Engineer's Office",
        specialist_model=eoi.specialist_model,
        duration_months=24,
        start=datetime.date(2027, 3, 1),
        languages=[{"language": "en", "level": "C1"}],
        created_by=staff,
    )
    for participant in eoi.participants.all():
        TermsAgreement.objects.create(terms=terms, municipality=participant.municipality, agreed_by=staff)
    TermsAgreement.objects.create(terms=terms, municipality=None, agreed_by=staff)
    return terms


@pytest.fixture
def recruit(partnership, german_contact, partner_contact, staff):
    """recruit("integrated") → a new EOI of that model, in recruitment."""

    def make(specialist_model):
        eoi = new_eoi(partnership, specialist_model, german_contact)
        return into_recruitment(eoi, german_contact=german_contact, partner_contact=partner_contact, staff=staff)

    return make


@pytest.fixture
def cim_eoi(recruit):
    return recruit("integrated")


@pytest.fixture
def giz_eoi(recruit):
    return recruit("development_worker")


def list_url():
    return reverse("applications:recruitment_list")


def detail_url(eoi):
    return reverse("applications:recruitment_detail", args=[eoi.pk])


def vacancy_url(eoi):
    return reverse("applications:vacancy", args=[eoi.pk])


def listed(client):
    response = client.get(list_url())
    assert response.status_code == 200
    return {row["eoi"].pk for row in response.context["rows"]}


# --- who sees what ---------------------------------------------------------------------------


def test_the_helper_brings_an_eoi_into_recruitment(cim_eoi):
    cim_eoi.refresh_from_db()
    assert cim_eoi.status == Status.RECRUITMENT
    assert cim_eoi.agreed_terms().expertise == EXPERTISE


def test_channel_for_each_recruiter(cim_recruiter, giz_recruiter, staff, german_contact):
    both = UserFactory(roles=[Role.CIM_RECRUITER, Role.GIZ_RECRUITER])
    assert channel_for(cim_recruiter) == {Channel.CIM}
    assert channel_for(giz_recruiter) == {Channel.GIZ}
    assert channel_for(both) == {Channel.CIM, Channel.GIZ}
    assert not channel_for(german_contact)
    assert not channel_for(staff)  # staff are no recruiters; they see everything for another reason


def test_cim_recruiter_sees_integrated_and_not_development_worker(client, cim_recruiter, cim_eoi, giz_eoi):
    client.force_login(cim_recruiter)
    assert listed(client) == {cim_eoi.pk}
    assert client.get(detail_url(cim_eoi)).status_code == 200
    assert client.get(vacancy_url(cim_eoi)).status_code == 200


def test_giz_recruiter_sees_development_worker_and_not_integrated(client, giz_recruiter, cim_eoi, giz_eoi):
    client.force_login(giz_recruiter)
    assert listed(client) == {giz_eoi.pk}
    assert client.get(detail_url(giz_eoi)).status_code == 200


@pytest.mark.parametrize(("recruiter", "foreign"), [("cim_recruiter", "giz_eoi"), ("giz_recruiter", "cim_eoi")])
def test_a_recruiter_cannot_reach_the_other_channel_by_any_url(client, request, recruiter, foreign):
    user = request.getfixturevalue(recruiter)
    eoi = request.getfixturevalue(foreign)
    client.force_login(user)
    assert eoi.pk not in listed(client)
    assert client.get(detail_url(eoi)).status_code == 404
    assert client.get(vacancy_url(eoi)).status_code == 404
    assert client.post(vacancy_url(eoi), {"text": "Hijacked"}).status_code == 404
    assert not Vacancy.objects.filter(eoi=eoi).exists()
    assert not eoi.events.filter(kind=Event.Kind.VACANCY_PUBLISHED).exists()


def test_a_recruiter_of_both_groups_sees_both_channels(client, cim_eoi, giz_eoi):
    client.force_login(UserFactory(roles=[Role.CIM_RECRUITER, Role.GIZ_RECRUITER]))
    assert listed(client) == {cim_eoi.pk, giz_eoi.pk}


def test_local_eois_are_for_staff_not_for_cim_or_giz(client, recruit, cim_recruiter, giz_recruiter, staff):
    local = recruit("local")
    for recruiter in (cim_recruiter, giz_recruiter):
        client.force_login(recruiter)
        assert local.pk not in listed(client)
        assert client.get(detail_url(local)).status_code == 404
    client.force_login(staff)
    assert local.pk in listed(client)


def test_eois_not_yet_in_recruitment_are_invisible(client, eoi, cim_recruiter, staff, german_contact, partner_contact):
    fill(eoi, german_contact)
    services.confirm(eoi, eoi.municipalities_of_side(Side.GERMAN), by=german_contact)
    services.confirm(eoi, eoi.municipalities_of_side(Side.PARTNER), by=partner_contact)
    services.submit(eoi, by=german_contact)
    services.transition(eoi, "start_review", by=staff)
    services.transition(eoi, "open_needs_dialogue", by=staff)
    agree_terms(eoi, staff)  # terms agreed, but recruitment not started
    for user in (cim_recruiter, staff):
        client.force_login(user)
        assert listed(client) == set()
        assert client.get(detail_url(eoi)).status_code == 404
        assert client.get(vacancy_url(eoi)).status_code == 404
        assert client.post(vacancy_url(eoi), {"text": "Too early"}).status_code == 404
    assert not Vacancy.objects.exists()


def test_an_eoi_that_leaves_recruitment_disappears(client, cim_eoi, cim_recruiter, staff):
    shortlist_someone(cim_eoi, staff=staff)
    services.transition(cim_eoi, "start_candidate_selection", by=staff)
    client.force_login(cim_recruiter)
    assert listed(client) == set()
    assert client.get(detail_url(cim_eoi)).status_code == 404


def test_staff_see_every_channel(client, recruit, staff):
    eois = {recruit(model).pk for model in ("integrated", "development_worker", "local")}
    client.force_login(staff)
    assert listed(client) == eois
    for pk in eois:
        assert client.get(reverse("applications:recruitment_detail", args=[pk])).status_code == 200


@pytest.mark.parametrize("persona", ["german_contact", "partner_contact", "outsider", "specialist"])
def test_people_without_a_recruiting_role_are_refused(client, request, persona, cim_eoi):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(list_url()).status_code == 403
    assert client.get(detail_url(cim_eoi)).status_code == 404
    assert client.get(vacancy_url(cim_eoi)).status_code == 404
    assert client.post(vacancy_url(cim_eoi), {"text": "Mine now"}).status_code == 404
    assert not Vacancy.objects.exists()
    assert not recruitable_eois(request.getfixturevalue(persona)).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, cim_eoi):
    for url in (list_url(), detail_url(cim_eoi), vacancy_url(cim_eoi)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert client.post(vacancy_url(cim_eoi), {"text": "x"}).status_code == 302
    assert not Vacancy.objects.exists()


# --- what the pages show ---------------------------------------------------------------------


def test_list_shows_partnership_countries_model_days_and_vacancy_state(client, cim_recruiter, cim_eoi, partnership):
    client.force_login(cim_recruiter)
    (row,) = client.get(list_url()).context["rows"]
    assert row["eoi"].partnership == partnership
    assert row["countries"] == ["Namibia"]
    assert row["days"] == 0
    assert row["vacancy"] is None


def test_detail_shows_the_agreed_terms_and_nothing_internal(client, cim_recruiter, cim_eoi, staff, german_contact):
    Message.objects.create(eoi=cim_eoi, author=staff, body="Internal: the mayor is sceptical.", internal=True)
    Message.objects.create(eoi=cim_eoi, author=german_contact, body="A question from Berlin.")
    client.force_login(cim_recruiter)
    response = client.get(detail_url(cim_eoi))
    assert response.status_code == 200
    assert response.context["terms"].expertise == EXPERTISE
    html = response.content.decode()
    assert EXPERTISE in html
    assert "Windhoek, City Engineer" in html
    for secret in (
        "karin@berlin.example",
        "nangula@windhoek.example",
        "Internal: the mayor is sceptical.",
        "A question from Berlin.",
        "Water losses of 40 per cent",  # the EOI's own text, not the agreed terms
        german_contact.email,
    ):
        assert secret not in html
    assert reverse("applications:detail", args=[cim_eoi.pk]) + '"' not in html


def test_detail_without_agreed_terms_says_so(client, cim_recruiter, cim_eoi, staff):
    TermsOfReference.objects.create(
        eoi=cim_eoi,
        number=2,
        expertise="Revised",
        tasks_and_goals="Revised",
        places_of_assignment="Windhoek",
        specialist_model=cim_eoi.specialist_model,
        created_by=staff,
    )
    client.force_login(cim_recruiter)
    response = client.get(detail_url(cim_eoi))
    assert response.status_code == 200
    assert response.context["terms"] is None
    assert "Revised" not in response.content.decode()


# --- the vacancy -----------------------------------------------------------------------------


def test_publishing_creates_the_vacancy_and_records_the_event(client, cim_recruiter, cim_eoi):
    client.force_login(cim_recruiter)
    response = client.post(vacancy_url(cim_eoi), {"text": "Water engineer wanted in Windhoek."})
    assert response.status_code == 302
    assert response.url == detail_url(cim_eoi)
    vacancy = Vacancy.objects.get(eoi=cim_eoi)
    assert vacancy.text == "Water engineer wanted in Windhoek."
    assert vacancy.updated_by == cim_recruiter
    assert vacancy.published_at is not None
    event = cim_eoi.events.get(kind=Event.Kind.VACANCY_PUBLISHED)
    assert event.actor == cim_recruiter
    detail = client.get(detail_url(cim_eoi))
    assert "Water engineer wanted in Windhoek." in detail.content.decode()
    assert client.get(list_url()).context["rows"][0]["vacancy"] == vacancy


def test_editing_keeps_the_first_publication_date(client, cim_recruiter, cim_eoi):
    client.force_login(cim_recruiter)
    client.post(vacancy_url(cim_eoi), {"text": "First text."})
    first = Vacancy.objects.get(eoi=cim_eoi).published_at
    form = client.get(vacancy_url(cim_eoi)).context["form"]
    assert form.initial["text"] == "First text."
    client.post(vacancy_url(cim_eoi), {"text": "Second text."})
    vacancy = Vacancy.objects.get(eoi=cim_eoi)
    assert vacancy.text == "Second text."
    assert vacancy.published_at == first
    assert cim_eoi.events.filter(kind=Event.Kind.VACANCY_PUBLISHED).count() == 2


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_is_refused_with_a_reason(client, cim_recruiter, cim_eoi, text):
    client.force_login(cim_recruiter)
    response = client.post(vacancy_url(cim_eoi), {"text": text})
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert not Vacancy.objects.exists()
    assert not cim_eoi.events.filter(kind=Event.Kind.VACANCY_PUBLISHED).exists()


def test_a_refused_edit_keeps_what_was_typed(client, cim_recruiter, cim_eoi):
    client.force_login(cim_recruiter)
    client.post(vacancy_url(cim_eoi), {"text": "Published text."})
    response = client.post(vacancy_url(cim_eoi), {"text": "", "unused": "x"})
    assert response.context["form"].errors["text"]
    assert Vacancy.objects.get(eoi=cim_eoi).text == "Published text."


def test_the_service_refuses_an_eoi_that_left_recruitment(cim_eoi, cim_recruiter, staff):
    from django.core.exceptions import ValidationError

    shortlist_someone(cim_eoi, staff=staff)
    services.transition(cim_eoi, "start_candidate_selection", by=staff)
    with pytest.raises(ValidationError):
        publish_vacancy(cim_eoi, "Late", by=cim_recruiter)
    assert not Vacancy.objects.exists()


def test_staff_may_publish_a_local_vacancy(client, recruit, staff):
    local = recruit("local")
    client.force_login(staff)
    assert client.post(vacancy_url(local), {"text": "Local engineer wanted."}).status_code == 302
    assert Vacancy.objects.get(eoi=local).updated_by == staff


# --- navigation and cost ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees_link"),
    [
        ("cim_recruiter", True),
        ("giz_recruiter", True),
        ("staff", True),
        ("german_contact", False),
        ("specialist", False),
    ],
)
def test_the_nav_shows_recruitment_to_recruiters_and_staff(client, request, persona, sees_link):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("applications:dashboard"))
    assert bool(response.context["is_recruiter"]) is sees_link
    assert (f'href="{list_url()}"' in response.content.decode()) is sees_link


def test_list_queries_do_not_grow_with_the_eois(client, recruit, cim_recruiter):
    client.force_login(cim_recruiter)

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(list_url())
        assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    first = recruit("integrated")
    publish_vacancy(first, "Published.", by=cim_recruiter)
    one, rows = queries_for_list()
    assert rows == 1
    for _ in range(4):
        recruit("integrated")
    five, rows = queries_for_list()
    assert rows == 5
    assert five == one
