"""The portal's URLs in the shape the page sweeps read them (test_security_headers, test_csrf_and_caching).

The one table is test_access_matrix.RULES; this module only reshapes it: no URL is listed here.
"""

from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships import login_sessions
from tests.test_access_matrix import ANONYMOUS, HALF_SIGNED_IN, RULES

PUBLIC = "public"

# The access matrix builds a few objects more than the `world` fixture; these stand in for them.
STAND_INS = {
    "selection_eoi": lambda w: w["recruiting_eoi"],
    "selection_entry": lambda w: w["shortlist_entry"],
    "join_request": lambda w: SimpleNamespace(pk=0),  # the sweeps stop before the lookup (405, CSRF 403)
}


def in_the_plain_world(kwargs):
    def from_world(world):
        return kwargs({**{name: make(world) for name, make in STAND_INS.items() if name not in world}, **world})

    return from_world


def portal_rules():
    return {name: rule for name, rule in RULES.items() if not name.startswith("admin:")}


# name -> (persona whose GET renders the page, PUBLIC for everybody; kwargs from the test world)
EXPECTED = {
    name: (PUBLIC if rule.render_persona() == ANONYMOUS else rule.render_persona(), in_the_plain_world(rule.kwargs))
    for name, rule in portal_rules().items()
    if not rule.post_only
}
# POST-only endpoints: GET is refused with 405.
POST_ONLY = {name: in_the_plain_world(rule.kwargs) for name, rule in portal_rules().items() if rule.post_only}


def sign_in(client, personas, persona):
    """Sign in as the page sweeps need: with the password given a moment ago (the account settings ask for it)."""
    if persona == HALF_SIGNED_IN:
        staff = personas["staff"]
        TOTPDevice.objects.get_or_create(user=staff, name="test phone", defaults={"confirmed": True})
        client.force_login(staff, second_factor=False)
    else:
        client.force_login(personas[persona])
    session = client.session
    login_sessions.confirm_password(session)
    session.save()


def named_urls(resolver=None, namespace=""):
    """The portal's named URLs; the admin's are the access matrix's business."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_portal_page_has_a_persona_it_renders_for():
    assert not [name for name, (persona, _) in EXPECTED.items() if persona is None]
