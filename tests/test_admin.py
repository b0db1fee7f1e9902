import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Country, ModelAvailability, Partnership, PartnershipParticipant, SpecialistModel
from tests.factories import GermanMunicipalityFactory, PartnerMunicipalityFactory, PartnershipFactory

MODELS = [model for model in site._registry if model._meta.app_label == "partnerships"]


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root@example.org", "a-long-admin-passphrase", name="Root")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_and_add_page_render_for_programme_staff(client, staff, partnership, model):
    client.force_login(staff)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    if opts.model_name != "user":
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_refuses_non_staff(client, german_contact, model):
    client.force_login(german_contact)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_municipality_search_by_ags_and_filter_by_land(client, staff):
    GermanMunicipalityFactory(name="Mainz", ags="07315000")
    GermanMunicipalityFactory(name="München", ags="09162000")
    client.force_login(staff)
    url = reverse("admin:partnerships_municipality_changelist")
    found = client.get(url, {"q": "07315000"}).context["cl"].result_list
    assert [m.name for m in found] == ["Mainz"]
    bavarian = client.get(url, {"land": "09"}).context["cl"].result_list
    assert [m.name for m in bavarian] == ["München"]


def test_partnership_with_only_one_side_is_refused_in_the_admin(client, staff):
    staff.preferred_language = "en"
    staff.save()
    client.force_login(staff)
    first, second = GermanMunicipalityFactory(), GermanMunicipalityFactory()
    data = {
        "name": "Only German",
        "kind": "partnership",
        "active": "on",
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "2",
        "participants-MAX_NUM_FORMS": "1000",
        "participants-0-municipality": first.pk,
        "participants-0-side": "german",
        "participants-1-municipality": second.pk,
        "participants-1-side": "german",
    }
    response = client.post(reverse("admin:partnerships_partnership_add"), data)
    assert response.status_code == 200
    assert "missing: Partner side" in response.content.decode()
    assert not Partnership.objects.filter(name="Only German").exists()


def test_triangular_partnership_is_saved_and_named_after_its_members(client, staff):
    client.force_login(staff)
    german = GermanMunicipalityFactory(name="Bonn", ags="05314000")
    accra, lapaz = (
        PartnerMunicipalityFactory(name="Cape Coast"),
        PartnerMunicipalityFactory(name="La Paz", country="BO"),
    )
    data = {
        "name": "",
        "kind": "project",
        "active": "on",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "2",
        "participants-MAX_NUM_FORMS": "1000",
    }
    for index, (municipality, side) in enumerate([(german, "german"), (accra, "partner"), (lapaz, "partner")]):
        data[f"participants-{index}-municipality"] = municipality.pk
        data[f"participants-{index}-side"] = side
    response = client.post(reverse("admin:partnerships_partnership_add"), data)
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.name == "Bonn – Cape Coast / La Paz"
    assert PartnershipParticipant.objects.filter(partnership=partnership).count() == 3


def test_german_municipality_on_the_partner_side_is_refused(client, staff):
    client.force_login(staff)
    german, other = GermanMunicipalityFactory(), GermanMunicipalityFactory()
    partner = PartnerMunicipalityFactory()
    data = {
        "name": "Mixed up",
        "kind": "partnership",
        "participants-TOTAL_FORMS": "3",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "2",
        "participants-MAX_NUM_FORMS": "1000",
        "participants-0-municipality": german.pk,
        "participants-0-side": "german",
        "participants-1-municipality": partner.pk,
        "participants-1-side": "partner",
        "participants-2-municipality": other.pk,
        "participants-2-side": "partner",
    }
    response = client.post(reverse("admin:partnerships_partnership_add"), data)
    assert response.status_code == 200
    assert not Partnership.objects.filter(name="Mixed up").exists()


def test_availability_grid_shows_every_model_per_country(client, staff):
    client.force_login(staff)
    ghana = PartnerMunicipalityFactory().country  # GH
    country = Country.objects.get(code=ghana)
    ModelAvailability.objects.create(country=country, model=SpecialistModel.INTEGRATED, is_open=True)
    ModelAvailability.objects.create(country=country, model=SpecialistModel.LOCAL, is_open=False)
    response = client.get(reverse("admin:partnerships_country_changelist"), {"q": "Ghana"})
    row = next(r for r in response.context["cl"].result_list if r.code == "GH")
    assert row.open_models() == [SpecialistModel.INTEGRATED]
    html = response.content.decode()
    assert "icon-yes.svg" in html and "icon-no.svg" in html


def test_changing_availability_records_who_and_when(client, staff):
    client.force_login(staff)
    country = Country.objects.get(code="GH")
    availability = ModelAvailability.objects.create(country=country, model=SpecialistModel.LOCAL)
    response = client.post(
        reverse("admin:partnerships_modelavailability_change", args=[availability.pk]),
        {"country": country.pk, "model": SpecialistModel.LOCAL, "is_open": "on", "note": "Reopened"},
    )
    assert response.status_code == 302
    availability.refresh_from_db()
    assert availability.is_open and availability.changed_by == staff and availability.changed_at


def test_country_grid_queries_do_not_grow_with_rows(client, staff):
    client.force_login(staff)
    url = reverse("admin:partnerships_country_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"oda": "yes", "p": 0})
    for country in Country.objects.all()[:60]:
        for model in SpecialistModel:
            ModelAvailability.objects.create(country=country, model=model, is_open=True)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"oda": "yes", "p": 0})
    assert len(many) == len(few)


def test_partnership_changelist_queries_do_not_grow_with_rows(client, staff):
    client.force_login(staff)
    url = reverse("admin:partnerships_partnership_changelist")
    PartnershipFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        PartnershipFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
