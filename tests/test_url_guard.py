"""Every named URL of the portal is listed here with who may open it; a new URL must be added."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from applications.notifications import invitation_token

PUBLIC = "public"


def nothing(world):
    return {}


def eoi_pk(world):
    return {"pk": world["eoi"].pk}


# name -> (persona that must get the page, PUBLIC for everybody; kwargs from the test world)
EXPECTED = {
    "home": (PUBLIC, nothing),
    "health": (PUBLIC, nothing),
    "login": (PUBLIC, nothing),
    "password_reset": (PUBLIC, nothing),
    "password_reset_done": (PUBLIC, nothing),
    "password_reset_confirm": (PUBLIC, lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": (PUBLIC, nothing),
    "password_change": ("german_contact", nothing),
    "password_change_done": ("german_contact", nothing),
    "partnerships:profile": ("german_contact", nothing),
    "partnerships:signup": (PUBLIC, nothing),
    "partnerships:verification_sent": (PUBLIC, nothing),
    "partnerships:verify_email": (PUBLIC, lambda w: {"token": "tampered"}),
    "partnerships:resend_verification": (PUBLIC, nothing),
    "partnerships:my_municipalities": ("german_contact", nothing),
    "partnerships:join": ("german_contact", nothing),
    "partnerships:join_municipality": ("outsider", lambda w: {"pk": w["eoi"].partnership.municipalities.first().pk}),
    "partnerships:join_requests": ("german_contact", nothing),
    "partnerships:register_partnership": ("german_contact", nothing),
    "applications:dashboard": ("german_contact", nothing),
    "applications:start": ("german_contact", lambda w: {"partnership_pk": w["eoi"].partnership_id}),
    "applications:detail": ("partner_contact", eoi_pk),
    "applications:edit": ("partner_contact", lambda w: {"pk": w["eoi"].pk, "part": "partner"}),
    "applications:withdraw": ("german_contact", eoi_pk),
    "applications:versions": ("viewer", eoi_pk),
    "applications:pdf_status": ("viewer", eoi_pk),
    "applications:pdf_download": ("viewer", lambda w: {"pk": w["eoi"].pk, "document_pk": w["document"].pk}),
    "applications:attachment_download": (
        "viewer",
        lambda w: {"pk": w["eoi"].pk, "attachment_pk": w["attachment"].pk},
    ),
    "applications:invitation": (PUBLIC, lambda w: {"token": invitation_token(w["invitation"])}),
    "applications:terms": ("viewer", eoi_pk),
    "applications:terms_pdf": ("viewer", lambda w: {"pk": w["eoi"].pk, "number": w["terms"].number}),
    "applications:terms_propose": ("german_contact", lambda w: {"pk": w["dialogue_eoi"].pk}),
    "applications:message_attachment": ("viewer", lambda w: {"pk": w["eoi"].pk, "message_pk": w["message"].pk}),
    "applications:recruitment_list": ("cim_recruiter", nothing),
    "applications:recruitment_detail": ("cim_recruiter", lambda w: {"pk": w["recruiting_eoi"].pk}),
    "applications:vacancy": ("cim_recruiter", lambda w: {"pk": w["recruiting_eoi"].pk}),
    "placements:candidate_list": ("cim_recruiter", nothing),
    "placements:candidate_create": ("cim_recruiter", nothing),
    "placements:candidate_detail": ("cim_recruiter", lambda w: {"pk": w["candidate"].pk}),
    "placements:candidate_edit": ("cim_recruiter", lambda w: {"pk": w["candidate"].pk}),
    "placements:candidate_cv": ("cim_recruiter", lambda w: {"pk": w["candidate"].pk}),
    "placements:candidate_export": ("cim_recruiter", lambda w: {"pk": w["candidate"].pk}),
    "placements:matches": ("cim_recruiter", lambda w: {"eoi_pk": w["recruiting_eoi"].pk}),
    "placements:shortlist": ("cim_recruiter", lambda w: {"eoi_pk": w["recruiting_eoi"].pk}),
    "placements:shortlist_cv": ("cim_recruiter", lambda w: {"entry_pk": w["shortlist_entry"].pk}),
    "placements:my_placements": ("specialist", nothing),
    "placements:placement_detail": ("specialist", lambda w: {"pk": w["placement"].pk}),
    "placements:activity_list": ("specialist", lambda w: {"pk": w["placement"].pk}),
    "placements:activity_create": ("specialist", lambda w: {"pk": w["placement"].pk}),
    "placements:activity_edit": (
        "specialist",
        lambda w: {"pk": w["placement"].pk, "activity_pk": w["activity"].pk},
    ),
    "placements:report_list": ("specialist", lambda w: {"pk": w["placement"].pk}),
    "placements:report_edit": ("specialist", lambda w: {"pk": w["placement"].pk, "report_pk": w["report"].pk}),
    "placements:report_pdf": ("specialist", lambda w: {"pk": w["placement"].pk, "report_pk": w["report"].pk}),
    "placements:event_list": ("specialist", nothing),
    "placements:event_detail": ("specialist", lambda w: {"pk": w["network_event"].pk}),
    "placements:event_ics": ("specialist", lambda w: {"pk": w["network_event"].pk}),
    "placements:own_event_list": ("specialist", lambda w: {"placement_pk": w["placement"].pk}),
    "placements:own_event_create": ("specialist", lambda w: {"placement_pk": w["placement"].pk}),
}
# POST-only endpoints: GET is refused outright.
POST_ONLY = {
    "logout": nothing,
    "set_language": nothing,
    "partnerships:approve_join_request": lambda w: {"pk": 1},
    "partnerships:decline_join_request": lambda w: {"pk": 1},
    "applications:confirm": eoi_pk,
    "applications:submit": eoi_pk,
    "applications:invite": eoi_pk,
    "applications:invitation_resend": lambda w: {"pk": w["eoi"].pk, "invitation_pk": w["invitation"].pk},
    "applications:invitation_revoke": lambda w: {"pk": w["eoi"].pk, "invitation_pk": w["invitation"].pk},
    "applications:attachment_upload": eoi_pk,
    "applications:attachment_delete": lambda w: {"pk": w["eoi"].pk, "attachment_pk": w["attachment"].pk},
    "applications:pdf_request": eoi_pk,
    "applications:terms_agree": lambda w: {"pk": w["eoi"].pk, "number": w["terms"].number},
    "applications:message_post": eoi_pk,
    "placements:shortlist_add": lambda w: {"eoi_pk": w["recruiting_eoi"].pk},
    "placements:start_selection": lambda w: {"eoi_pk": w["recruiting_eoi"].pk},
    "placements:back_to_recruitment": lambda w: {"eoi_pk": w["recruiting_eoi"].pk},
    "placements:shortlist_decide": lambda w: {"entry_pk": w["shortlist_entry"].pk},
    "placements:shortlist_select": lambda w: {"entry_pk": w["shortlist_entry"].pk},
    "placements:event_register": lambda w: {"pk": w["network_event"].pk},
    "placements:event_cancel": lambda w: {"pk": w["network_event"].pk},
}


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
    unlisted = set(named_urls()) - set(EXPECTED) - set(POST_ONLY)
    assert not unlisted, f"add these URLs to EXPECTED with the persona that may open them: {sorted(unlisted)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_renders_for_its_persona(client, personas, world, name):
    persona, kwargs = EXPECTED[name]
    if persona != PUBLIC:
        client.force_login(personas[persona])
    response = client.get(reverse(name, kwargs=kwargs(world)), follow=name == "password_reset_confirm")
    assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(n for n, (persona, _) in EXPECTED.items() if persona != PUBLIC))
def test_url_sends_the_anonymous_user_to_login(client, world, name):
    url = reverse(name, kwargs=EXPECTED[name][1](world))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_urls_refuse_get(client, personas, world, name):
    client.force_login(personas["german_contact"])
    assert client.get(reverse(name, kwargs=POST_ONLY[name](world))).status_code == 405


@pytest.mark.parametrize("name", sorted(n for n in POST_ONLY if n not in {"logout", "set_language"}))
def test_post_only_urls_refuse_the_anonymous_user(client, world, name):
    response = client.post(reverse(name, kwargs=POST_ONLY[name](world)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
