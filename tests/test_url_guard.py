"""Every named URL of the portal is listed here with who may open it; a new URL must be added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PUBLIC = "public"

# name -> persona that must get the page (PUBLIC: everybody, anonymous included), URL kwargs
EXPECTED = {
    "home": (PUBLIC, {}),
    "health": (PUBLIC, {}),
    "login": (PUBLIC, {}),
    "password_reset": (PUBLIC, {}),
    "password_reset_done": (PUBLIC, {}),
    "password_reset_confirm": (PUBLIC, {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": (PUBLIC, {}),
    "partnerships:profile": ("german_contact", {}),
    "password_change": ("german_contact", {}),
    "password_change_done": ("german_contact", {}),
}
# POST-only endpoints: GET is refused outright.
POST_ONLY = {"logout", "set_language"}


def named_urls(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin guards itself; see test_admin.py
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_named_url_is_in_the_table():
    unlisted = set(named_urls()) - set(EXPECTED) - POST_ONLY
    assert not unlisted, f"add these URLs to EXPECTED with the persona that may open them: {sorted(unlisted)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_renders_for_its_persona(client, personas, name):
    persona, kwargs = EXPECTED[name]
    if persona != PUBLIC:
        client.force_login(personas[persona])
    response = client.get(reverse(name, kwargs=kwargs), follow=name == "password_reset_confirm")
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(n for n, (persona, _) in EXPECTED.items() if persona != PUBLIC))
def test_url_sends_the_anonymous_user_to_login(client, db, name):
    url = reverse(name, kwargs=EXPECTED[name][1])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_urls_refuse_get(client, db, name):
    assert client.get(reverse(name)).status_code == 405
