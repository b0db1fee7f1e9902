import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.parametrize(
    "language, phrase",
    [
        ("de", "Fachkräftefonds"),
        ("en", "Specialist Fund"),
        ("fr", "Fonds"),
        ("es", "Fondo"),
    ],
)
def test_home_explains_the_programme_in_four_languages(client, db, language, phrase):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert phrase in html
    assert reverse("login") in html


def test_base_page_has_skip_link_landmarks_and_no_cdn(client, db):
    html = client.get(reverse("home")).content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header>" in html and "<footer" in html and "<nav" in html
    assert "bootstrap.min.css" in html
    assert "cdn" not in html.lower() and "https://" not in html.split("<body", 1)[0]


def test_404_is_branded(client, db, settings):
    settings.DEBUG = False
    response = client.get("/does-not-exist/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Specialist Fund" in response.content.decode()


def test_500_is_branded(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    response = Client(raise_request_exception=False).get("/test-broken/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "bootstrap.min.css" in html


def test_403_is_branded(client, settings, db):
    settings.ROOT_URLCONF = "tests.error_urls"
    response = client.get("/test-forbidden/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
