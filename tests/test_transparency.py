"""The opt-in to the transparency list, the list itself, and what it never shows."""

import pytest
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.models import Event, ExpressionOfInterest, Status
from fachkraefte.celery import app as celery_app
from fachkraefte.models import AuditEntry
from placements import publication
from placements.models import PlacementEvent, PublicationConsent
from placements.tasks import refresh_public_figures
from tests.published import published_placement
from tests.workflow import make_placement, submitted

PERSON, EMAIL = "Zacharias Quellfluss", "zq.private@example.org"


@pytest.fixture
def submitted_eoi(eoi, german_contact, partner_contact):
    return submitted(eoi, german_contact, partner_contact)


@pytest.fixture
def placement(eoi, staff, german_contact, partner_contact, specialist):
    return make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )


def municipalities(eoi):
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    return german, partner


# --- the opt-in -------------------------------------------------------------------------------------------------
def test_an_eoi_is_public_only_while_every_municipality_agrees(submitted_eoi, german_contact, partner_contact):
    german, partner = municipalities(submitted_eoi)
    assert not publication.is_published(submitted_eoi)  # off by default
    publication.set_consent(submitted_eoi, german, True, by=german_contact)
    assert not publication.is_published(submitted_eoi)
    publication.set_consent(submitted_eoi, partner, True, by=partner_contact)
    assert publication.is_published(submitted_eoi)
    publication.set_consent(submitted_eoi, partner, False, by=partner_contact)
    assert not publication.is_published(submitted_eoi)
    row = PublicationConsent.objects.get(eoi=submitted_eoi, municipality=partner)
    assert (row.given_by, row.revoked_by) == (partner_contact, partner_contact) and row.revoked_at


def test_a_draft_is_never_public(eoi, german_contact, partner_contact):
    german, partner = municipalities(eoi)
    publication.set_consent(eoi, german, True, by=german_contact)
    publication.set_consent(eoi, partner, True, by=partner_contact)
    assert not publication.is_published(eoi)


def test_each_give_and_withdraw_is_recorded_in_the_readers_language(submitted_eoi, german_contact):
    german, _partner = municipalities(submitted_eoi)
    publication.set_consent(submitted_eoi, german, True, by=german_contact)
    publication.set_consent(submitted_eoi, german, True, by=german_contact)  # the same again: nothing new
    publication.set_consent(submitted_eoi, german, False, by=german_contact)
    kinds = list(submitted_eoi.events.filter(kind__startswith="publication").values_list("kind", flat=True))
    assert kinds == [Event.Kind.PUBLICATION_REVOKED, Event.Kind.PUBLICATION_CONSENTED]
    event = submitted_eoi.events.get(kind=Event.Kind.PUBLICATION_CONSENTED)
    assert event.actor == german_contact and event.detail() == german.name
    with translation.override("en"):
        assert event.get_kind_display() == "Consent to publication given"


def test_a_contact_decides_only_for_their_own_municipality(submitted_eoi, german_contact, viewer):
    _german, partner = municipalities(submitted_eoi)
    for user, municipality in ((german_contact, partner), (viewer, None)):
        with pytest.raises(Exception) as refused:
            publication.set_consent(submitted_eoi, municipality, True, by=user)
        assert refused.type.__name__ == "PermissionDenied"
    assert not PublicationConsent.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED).count() == 2


def test_one_consent_row_per_subject_and_municipality(submitted_eoi, german_contact):
    german, _partner = municipalities(submitted_eoi)
    PublicationConsent.objects.create(eoi=submitted_eoi, municipality=german, given_by=german_contact)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationConsent.objects.create(eoi=submitted_eoi, municipality=german, given_by=german_contact)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationConsent.objects.create(municipality=german, given_by=german_contact)  # neither EOI nor placement


def test_a_placement_needs_its_own_consent_and_a_published_eoi(placement, german_contact, partner_contact):
    german, partner = municipalities(placement.eoi)
    for municipality, contact in ((german, german_contact), (partner, partner_contact)):
        publication.set_consent(placement, municipality, True, by=contact)
    assert not publication.is_published(placement)  # the EOI is not opted in
    for municipality, contact in ((german, german_contact), (partner, partner_contact)):
        publication.set_consent(placement.eoi, municipality, True, by=contact)
    assert publication.is_published(placement)
    assert placement.events.filter(kind=PlacementEvent.Kind.PUBLICATION_CONSENTED).count() == 2


def test_the_eoi_page_shows_the_form_and_the_preview(client, submitted_eoi, german_contact):
    client.force_login(german_contact)
    page = client.get(reverse("applications:detail", args=[submitted_eoi.pk])).content.decode()
    assert 'id="publication"' in page and 'id="publication-preview"' in page
    assert reverse("placements:eoi_publication", args=[submitted_eoi.pk]) in page


def test_a_contact_opts_in_on_the_eoi_page(client, submitted_eoi, german_contact):
    german, _partner = municipalities(submitted_eoi)
    client.force_login(german_contact)
    url = reverse("placements:eoi_publication", args=[submitted_eoi.pk])
    response = client.post(url, {"municipality": german.pk, "consent": "1"})
    assert response.status_code == 302
    assert PublicationConsent.objects.standing().filter(eoi=submitted_eoi, municipality=german).exists()
    client.post(url, {"municipality": german.pk, "consent": "0"})
    assert not PublicationConsent.objects.standing().filter(eoi=submitted_eoi).exists()


def test_a_viewer_may_not_opt_in(client, submitted_eoi, viewer):
    german, _partner = municipalities(submitted_eoi)
    client.force_login(viewer)
    url = reverse("placements:eoi_publication", args=[submitted_eoi.pk])
    assert client.post(url, {"municipality": german.pk, "consent": "1"}).status_code == 403
    assert not PublicationConsent.objects.exists()


def test_a_contact_opts_in_on_the_placement_page(client, placement, partner_contact):
    _german, partner = municipalities(placement.eoi)
    client.force_login(partner_contact)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert 'id="publication-preview"' in page
    url = reverse("placements:placement_publication", args=[placement.pk])
    assert client.post(url, {"municipality": partner.pk, "consent": "1"}).status_code == 302
    assert PublicationConsent.objects.standing().filter(placement=placement, municipality=partner).exists()


# --- the list ---------------------------------------------------------------------------------------------------
def test_the_list_shows_only_what_every_municipality_opted_in(client, staff):
    shown = published_placement(by=staff)
    hidden = published_placement(by=staff, consent=False)
    page = client.get(reverse("transparency:list")).content.decode()
    assert f'id="entry-{shown.eoi_id}"' in page
    assert f'id="entry-{hidden.eoi_id}"' not in page
    assert "Namibia" in page and 'id="country-chart"' in page and "<svg" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [("country=GH", "ghana"), ("theme=waste", "ghana"), ("sdg=1", "ghana"), ("model=integrated", "ghana")],
)
def test_the_filters(client, staff, query, expected):
    rows = {
        "namibia": published_placement(by=staff, country="NA", themes=["climate"], sdgs=[6, 11], model="local"),
        "ghana": published_placement(by=staff, country="GH", themes=["waste"], sdgs=[1, 16], model="integrated"),
    }
    page = client.get(reverse("transparency:list") + "?" + query).content.decode()
    for name, placement in rows.items():
        assert (f'id="entry-{placement.eoi_id}"' in page) == (name == expected), name


def test_the_sdg_filter_does_not_match_a_longer_number(client, staff):
    sixteen = published_placement(by=staff, sdgs=[16])
    page = client.get(reverse("transparency:list") + "?sdg=6").content.decode()
    assert f'id="entry-{sixteen.eoi_id}"' not in page


def queries_for_the_list(client):
    """The queries of the list once its figures are kept (computed by the request before)."""
    publication.forget_figures()
    client.get(reverse("transparency:list"))
    with CaptureQueriesContext(transaction.get_connection()) as queries:
        assert client.get(reverse("transparency:list")).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, staff):
    for _ in range(3):
        published_placement(by=staff)
    with_three = queries_for_the_list(client)
    for _ in range(27):
        published_placement(by=staff)
    assert queries_for_the_list(client) == with_three


# --- the figures, kept; the rows, live -------------------------------------------------------------------------
def test_a_withdrawal_takes_the_row_off_at_once_and_the_figures_with_it(
    client, submitted_eoi, german_contact, partner_contact, django_capture_on_commit_callbacks
):
    german, partner = municipalities(submitted_eoi)
    with django_capture_on_commit_callbacks(execute=True):
        publication.set_consent(submitted_eoi, german, True, by=german_contact)
        publication.set_consent(submitted_eoi, partner, True, by=partner_contact)
    page = client.get(reverse("transparency:list")).content.decode()
    assert f'id="entry-{submitted_eoi.pk}"' in page and 'id="counts-by-country"' in page
    assert 'id="figures-as-of"' in page
    with django_capture_on_commit_callbacks(execute=True):
        publication.set_consent(submitted_eoi, partner, False, by=partner_contact)
    page = client.get(reverse("transparency:list")).content.decode()
    assert f'id="entry-{submitted_eoi.pk}"' not in page
    assert 'id="counts-by-country"' not in page  # computed anew: nothing is published any more


def test_a_step_that_ends_the_eois_publicity_takes_it_off_at_once(
    client, submitted_eoi, german_contact, partner_contact, django_capture_on_commit_callbacks
):
    german, partner = municipalities(submitted_eoi)
    with django_capture_on_commit_callbacks(execute=True):
        publication.set_consent(submitted_eoi, german, True, by=german_contact)
        publication.set_consent(submitted_eoi, partner, True, by=partner_contact)
    assert f'id="entry-{submitted_eoi.pk}"' in client.get(reverse("transparency:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(submitted_eoi, "We found another way.", by=german_contact)
    page = client.get(reverse("transparency:list")).content.decode()
    assert f'id="entry-{submitted_eoi.pk}"' not in page  # the kept page went with the figures
    assert 'id="counts-by-country"' not in page


def test_the_whole_list_is_kept_with_its_figures_until_their_refresh(client, staff):
    shown = published_placement(by=staff)
    row, filtered = f'id="entry-{shown.eoi_id}"', reverse("transparency:list") + f"?model={shown.eoi.specialist_model}"
    assert row in client.get(reverse("transparency:list")).content.decode()
    assert row in client.get(filtered).content.decode()
    ExpressionOfInterest.objects.filter(pk=shown.eoi_id).update(status=Status.WITHDRAWN)  # no step: nothing told
    page = client.get(reverse("transparency:list")).content.decode()
    assert row in page and 'id="figures-as-of"' in page  # as of the figures, and says so
    assert row not in client.get(filtered).content.decode()  # a filtered list is read live
    refresh_public_figures()  # the periodic task
    page = client.get(reverse("transparency:list")).content.decode()
    assert f'id="entry-{shown.eoi_id}"' not in page and 'id="counts-by-country"' not in page


def test_a_kept_page_keeps_no_query_string_in_its_links(client, staff, monkeypatch):
    monkeypatch.setattr("placements.views.transparency.PER_PAGE", 1)
    published_placement(by=staff), published_placement(by=staff)
    planted = client.get(reverse("transparency:list") + "?page=1&next=//evil.example").content.decode()
    assert "evil.example" in planted  # drawn live for this reader, links as opened
    page = client.get(reverse("transparency:list") + "?page=1").content.decode()
    assert "evil.example" not in page and "?page=2" in page


def test_a_filtered_list_counts_its_own_rows_live(client, staff):
    published_placement(by=staff, country="NA")
    client.get(reverse("transparency:list"))  # the whole list's figures are kept
    published_placement(by=staff, country="GH")
    page = client.get(reverse("transparency:list") + "?model=local").content.decode()
    assert 'id="figures-as-of"' not in page
    table = page.split('id="counts-by-country"')[1].split("</table>")[0]
    assert "Ghana" in table and "Namibia" in table


def test_the_figures_are_refreshed_by_beat():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "placements.tasks.refresh_public_figures" in tasks


def test_nothing_personal_is_shown(client, staff):
    published_placement(by=staff, person=PERSON, email=EMAIL)
    for name in ("transparency:list", "transparency:csv", "transparency:iati"):
        text = client.get(reverse(name)).content.decode()
        assert "Windhoek" in text or "Partner Town" in text, name  # the row is there
        for personal in (PERSON, "Quellfluss", EMAIL, "zq.private", "CV data", "office"):
            assert personal not in text, (name, personal)
        if name != "transparency:list":
            assert "@" not in text, name  # no e-mail address of anybody in the open data
