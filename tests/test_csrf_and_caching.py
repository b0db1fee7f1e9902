"""Every state change needs a CSRF token; pages of signed-in users are never cached."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_url_guard import EXPECTED, POST_ONLY, sign_in


@pytest.mark.parametrize("name", sorted(n for n in POST_ONLY if n != "set_language"))
def test_post_without_csrf_token_is_refused(personas, world, name):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["staff"])
    response = client.post(reverse(name, kwargs=POST_ONLY[name](world)), {"reason": "x", "comment": "x"})
    assert response.status_code == 403


def test_language_switch_needs_the_token_too(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "fr"}).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, (persona, _) in EXPECTED.items() if persona != "public"))
def test_pages_of_signed_in_users_are_not_stored(client, personas, world, name):
    persona, kwargs = EXPECTED[name]
    sign_in(client, personas, persona)
    response = client.get(reverse(name, kwargs=kwargs(world)))
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_cached(client, db):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")
