"""Every state change needs a CSRF token; pages of signed-in users are never cached.

Each test asks every URL of its kind against one world (building the world once per URL took a minute of the
suite), and names every URL that fails, not only the first.
"""

from django.test import Client
from django.urls import reverse

from tests.conftest import PortalClient
from tests.test_url_guard import EXPECTED, POST_ONLY, sign_in

POSTED = sorted(name for name in POST_ONLY if name != "set_language")
SIGNED_IN_PAGES = sorted(name for name, (persona, _) in EXPECTED.items() if persona != "public")


def test_post_without_csrf_token_is_refused(personas, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["staff"])
    answered = {
        name: client.post(reverse(name, kwargs=POST_ONLY[name](world)), {"reason": "x", "comment": "x"}).status_code
        for name in POSTED
    }
    assert len(answered) > 20  # every POST-only URL of the portal
    assert {name: status for name, status in answered.items() if status != 403} == {}


def test_language_switch_needs_the_token_too(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "fr"}).status_code == 403


def test_pages_of_signed_in_users_are_not_stored(personas, world):
    clients, stored = {}, {}
    for name in SIGNED_IN_PAGES:
        persona, kwargs = EXPECTED[name]
        if persona not in clients:
            clients[persona] = PortalClient()
            sign_in(clients[persona], personas, persona)
        response = clients[persona].get(reverse(name, kwargs=kwargs(world)))
        if "no-store" not in response.get("Cache-Control", ""):
            stored[name] = response.get("Cache-Control")
    assert len(SIGNED_IN_PAGES) > 40
    assert stored == {}


def test_public_pages_for_visitors_may_be_cached(client, db):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")
