import datetime

import pytest
from django.utils import translation
from django_countries import countries as django_countries

from partnerships import countries
from partnerships.models import Country, ModelAvailability, OdaListing


def test_oda_table_is_loaded_with_141_countries(db):
    assert OdaListing.objects.count() == 141
    assert Country.objects.oda_recipients().count() == 141


def test_namibia_is_eligible_and_france_is_not(db):
    recipients = Country.objects.oda_recipients()
    assert recipients.filter(code="NA").exists()
    assert not recipients.filter(code="FR").exists()
    assert Country.objects.get(code="NA").is_oda_recipient()


def test_kosovo_is_on_the_list_under_xk(db):
    kosovo = Country.objects.get(code="XK")
    assert str(kosovo) == "Kosovo"
    assert kosovo.is_oda_recipient()


def test_least_developed_flag_is_loaded(db):
    assert Country.objects.get(code="AO").oda_listing_on().least_developed
    assert not Country.objects.get(code="NA").oda_listing_on().least_developed


def test_a_listing_ends_when_staff_close_it(db):
    namibia = Country.objects.get(code="NA")
    namibia.oda_listings.update(valid_to=datetime.date(2026, 12, 31))
    assert Country.objects.oda_recipients(on=datetime.date(2026, 12, 31)).filter(code="NA").exists()
    assert not Country.objects.oda_recipients(on=datetime.date(2027, 1, 1)).filter(code="NA").exists()
    assert not namibia.is_oda_recipient(datetime.date(2027, 1, 1))


def test_listing_before_its_start_does_not_count(db):
    assert not Country.objects.oda_recipients(on=datetime.date(2023, 12, 31)).exists()


@pytest.mark.parametrize("code", ["NR", "MS"])
def test_countries_due_to_leave_stay_until_staff_record_it(db, code):
    assert Country.objects.get(code=code).is_oda_recipient()


# --- names in the reader's language (partnerships.countries) ------------------------------------------
def test_names_are_those_of_django_countries_in_the_readers_language():
    for language in ("de", "en", "fr", "es"):
        with translation.override(language):
            assert countries.name("NA") == str(django_countries.name("NA"))
            assert countries.names() == dict(django_countries)
    with translation.override("fr"):
        assert countries.name("DE") == "Allemagne"
    with translation.override("de"):
        assert countries.name("XK") == "Kosovo"  # the portal's own COUNTRIES_OVERRIDE


def test_an_unknown_code_stays_a_code():
    assert countries.name("QQ") == "QQ"


def test_a_countrys_admin_page_names_its_rows_without_a_query_each(admin_client, db):
    """Its availability and listing rows are named after the country: read with them, not once a row (the
    suite's N+1 guard fails the page otherwise)."""
    country = Country.objects.get(code="NA")
    for model in ("integrated", "development_worker", "local"):
        ModelAvailability.objects.create(country=country, model=model, is_open=True)
    OdaListing.objects.create(country=country, valid_from=datetime.date(1990, 1, 1), valid_to=datetime.date(2000, 1, 1))
    response = admin_client.get(f"/admin/partnerships/country/{country.pk}/change/")
    assert response.status_code == 200
    assert response.content.decode().count("Namibia – ") >= 3
