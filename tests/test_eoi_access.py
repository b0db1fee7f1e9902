"""Every EOI URL, generated from the URLconf: outsiders get 404, viewers get 403 on every write."""

import pytest
from django.urls import get_resolver, reverse

from applications import services

# URLs a reader (a viewer, the other side, programme staff) may use; everything else writes.
READ_URLS = {
    "detail",
    "versions",
    "pdf_status",
    "pdf_download",
    "attachment_download",
    "pdf_request",
    "terms",
    "terms_pdf",
    "message_attachment",
}
# The recruiters' area has its own access rule (the channel), proven in test_recruitment.py.
NOT_ABOUT_ONE_EOI = {"dashboard", "start", "invitation", "recruitment_list", "recruitment_detail", "vacancy"}


def url_parameters():
    """{url name: its parameter names}, straight from the URLconf."""
    return {
        entry.name: set(entry.pattern.converters)
        for entry in get_resolver("applications.urls").url_patterns
        if entry.name not in NOT_ABOUT_ONE_EOI
    }


def eoi_url_names():
    return sorted(url_parameters())


@pytest.fixture
def objects(eoi_world):
    return {
        **{f"{name}_pk": eoi_world[name].pk for name in ("invitation", "attachment", "document", "message")},
        "number": eoi_world["terms"].number,
    }


def url_for(name, eoi, objects):
    values = {"pk": eoi.pk, "part": "german", **objects}
    return reverse(f"applications:{name}", kwargs={key: values[key] for key in url_parameters()[name]})


def test_the_table_knows_every_url():
    assert set(READ_URLS) <= set(eoi_url_names())


@pytest.mark.parametrize("name", eoi_url_names())
@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_everywhere(client, eoi, objects, outsider, name, method):
    client.force_login(outsider)
    response = getattr(client, method)(url_for(name, eoi, objects))
    assert response.status_code in (404, 405)  # 405: the method is refused before anything is looked up


@pytest.mark.parametrize("name", sorted(set(eoi_url_names()) - READ_URLS))
def test_viewer_gets_403_on_every_write(client, eoi, objects, viewer, name):
    client.force_login(viewer)
    assert client.post(url_for(name, eoi, objects), {"reason": "x", "language": "de"}).status_code == 403


@pytest.mark.parametrize("name", sorted(set(eoi_url_names())))
def test_anonymous_is_sent_to_login(client, eoi, objects, name):
    response = client.get(url_for(name, eoi, objects))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


def test_outsider_cannot_start_from_a_foreign_partnership(client, partnership, outsider):
    client.force_login(outsider)
    assert client.get(reverse("applications:start", args=[partnership.pk])).status_code == 404


def test_outsider_sees_no_eoi_on_the_dashboard(client, eoi, outsider):
    client.force_login(outsider)
    assert client.get(reverse("applications:dashboard")).context["rows"] == []


def test_unrelated_municipalitys_eoi_is_invisible_to_our_contact(
    client, german_contact, outsider, db, models_open_in_namibia
):
    from tests.factories import PartnerMunicipalityFactory, PartnershipFactory

    hamburg = outsider.memberships.get().municipality
    theirs = PartnershipFactory(german=hamburg, partner=PartnerMunicipalityFactory(country="NA"))
    foreign = services.start(theirs, list(theirs.municipalities.all()), "local", by=outsider)
    client.force_login(german_contact)
    assert client.get(reverse("applications:detail", args=[foreign.pk])).status_code == 404
