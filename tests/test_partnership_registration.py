"""Members register their municipality's partnership; programme staff confirm it; "My municipalities" shows it."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.models import (
    JoinRequest,
    MembershipRole,
    Municipality,
    MunicipalityKind,
    Partnership,
    PartnershipKind,
    PartnershipParticipant,
    Side,
)
from tests.factories import (
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)

URL = "partnerships:register_partnership"


def registration(municipality, **overrides):
    data = {
        "german_municipality": municipality.pk,
        "partner_name": "  Tamale  ",
        "country": "GH",
        "kind": PartnershipKind.FRIENDSHIP,
        "since": "2019-05-04",
    }
    return data | overrides


def test_contact_registers_a_partnership_that_awaits_confirmation(client, german_contact, german_municipality):
    client.force_login(german_contact)
    assert client.get(reverse(URL)).status_code == 200
    response = client.post(reverse(URL), registration(german_municipality))
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:my_municipalities")
    partnership = Partnership.objects.get()
    assert not partnership.confirmed
    assert partnership.registered_by == german_contact
    assert (partnership.kind, partnership.since) == (PartnershipKind.FRIENDSHIP, datetime.date(2019, 5, 4))
    partner = Municipality.objects.get(name="Tamale")
    assert (partner.country.code, partner.kind) == ("GH", MunicipalityKind.PARTNER)
    sides = {(p.municipality, p.side) for p in partnership.participants.all()}
    assert sides == {(german_municipality, Side.GERMAN), (partner, Side.PARTNER)}
    assert partnership.name == "Berlin – Tamale"
    assert Partnership.objects.confirmed().count() == 0


def test_editor_may_register_too(client, german_municipality):
    editor = MembershipFactory(municipality=german_municipality, role=MembershipRole.EDITOR).user
    client.force_login(editor)
    assert client.post(reverse(URL), registration(german_municipality, since="")).status_code == 302
    assert Partnership.objects.get().since is None


def test_known_partner_municipality_is_reused(client, german_contact, german_municipality):
    known = PartnerMunicipalityFactory(name="Tamale", country="GH")
    PartnerMunicipalityFactory(name="Tamale", country="NG")  # same name, other country: not this one
    client.force_login(german_contact)
    client.post(reverse(URL), registration(german_municipality, partner_name="tamale"))
    assert Municipality.objects.filter(name__iexact="tamale").count() == 2
    assert Partnership.objects.get().municipalities_of_side(Side.PARTNER) == [known]


def test_partnership_already_in_the_portal_is_refused(client, german_contact, german_municipality, partnership):
    german_contact.preferred_language = "en"
    german_contact.save()
    client.force_login(german_contact)
    response = client.post(reverse(URL), registration(german_municipality, partner_name="Windhoek", country="NA"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Berlin and Windhoek (Namibia) are already linked in the portal." in response.content.decode()
    assert Partnership.objects.count() == 1


def test_germany_is_refused_and_the_input_kept(client, german_contact, german_municipality):
    client.force_login(german_contact)
    response = client.post(reverse(URL), registration(german_municipality, partner_name="Potsdam", country="DE"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["country"]
    assert 'value="Potsdam"' in response.content.decode()
    assert not Partnership.objects.exists()
    assert not Municipality.objects.filter(name="Potsdam").exists()


def test_bad_input_keeps_the_rest_and_says_why(client, german_contact, german_municipality):
    client.force_login(german_contact)
    data = registration(german_municipality, partner_name="", kind="marriage", since="2999-01-01", country="ZZ")
    response = client.post(reverse(URL), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"partner_name", "kind", "since", "country"}
    assert 'value="2999-01-01"' in response.content.decode()
    assert not Partnership.objects.exists()


def test_nothing_is_half_saved(client, german_contact, german_municipality, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(PartnershipParticipant.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        services.register_partnership(
            german_municipality, by=german_contact, partner_name="Tamale", country="GH", kind="partnership"
        )
    assert not Partnership.objects.exists()
    assert not Municipality.objects.filter(name="Tamale").exists()


def test_contact_of_another_municipality_gets_404(client, outsider, german_municipality):
    client.force_login(outsider)
    assert client.post(reverse(URL), registration(german_municipality)).status_code == 404
    assert client.get(reverse(URL), {"municipality": german_municipality.pk}).status_code == 404
    assert not Partnership.objects.exists()


def test_viewer_gets_403(client, viewer, german_municipality):
    client.force_login(viewer)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), registration(german_municipality)).status_code == 403
    assert not Partnership.objects.exists()


def test_user_with_a_pending_request_only_gets_403(client, german_municipality):
    waiting = UserFactory()
    JoinRequest.objects.create(user=waiting, municipality=german_municipality, role=MembershipRole.CONTACT)
    client.force_login(waiting)
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL), registration(german_municipality)).status_code == 404
    assert not Partnership.objects.exists()


def test_partner_side_contact_gets_403(client, partner_contact, partner_municipality):
    client.force_login(partner_contact)
    assert client.get(reverse(URL)).status_code == 403


def test_registering_needs_login(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_form_offers_only_the_users_editable_german_municipalities(client, german_contact, german_municipality):
    viewed = MembershipFactory(user=german_contact, role=MembershipRole.VIEWER).municipality
    client.force_login(german_contact)
    choices = client.get(reverse(URL)).context["form"].fields["german_municipality"].queryset
    assert list(choices) == [german_municipality]
    assert client.post(reverse(URL), registration(viewed)).status_code == 403


# Programme staff confirm


def test_staff_confirm_selected_partnerships_in_the_admin(client, staff, german_contact, german_municipality):
    registered = services.register_partnership(
        german_municipality, by=german_contact, partner_name="Tamale", country="GH", kind="partnership"
    )
    client.force_login(staff)
    url = reverse("admin:partnerships_partnership_changelist")
    assert list(client.get(url, {"confirmed__exact": "0"}).context["cl"].result_list) == [registered]
    response = client.post(url, {"action": "confirm_selected", "_selected_action": [registered.pk]})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.confirmed
    assert (registered.confirmed_by, registered.confirmed_at.date()) == (staff, timezone.localdate())
    assert list(Partnership.objects.confirmed()) == [registered]


def test_ticking_confirmed_on_the_change_form_confirms_nothing(client, staff, german_contact, german_municipality):
    """Only the action confirms, with who and when: the change form shows the confirmation read-only."""
    registered = services.register_partnership(
        german_municipality, by=german_contact, partner_name="Tamale", country="GH", kind="partnership"
    )
    client.force_login(staff)
    url = reverse("admin:partnerships_partnership_change", args=[registered.pk])
    form = client.get(url).context["adminform"].form
    assert "confirmed" not in form.fields and "confirmed_by" not in form.fields
    data = {
        "name": registered.name,
        "kind": registered.kind,
        "active": "on",
        "confirmed": "on",
        "confirmed_by": staff.pk,
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "2",
        "participants-MIN_NUM_FORMS": "2",
        "participants-MAX_NUM_FORMS": "1000",
    }
    for index, participant in enumerate(registered.participants.order_by("pk")):
        data |= {
            f"participants-{index}-id": participant.pk,
            f"participants-{index}-partnership": registered.pk,
            f"participants-{index}-municipality": participant.municipality_id,
            f"participants-{index}-side": participant.side,
        }
    response = client.post(url, data)
    assert response.status_code == 302
    registered.refresh_from_db()
    assert (registered.confirmed, registered.confirmed_by, registered.confirmed_at) == (False, None, None)


def test_a_partnership_staff_add_in_the_admin_is_confirmed_by_them(client, staff):
    client.force_login(staff)
    german, partner = GermanMunicipalityFactory(), PartnerMunicipalityFactory()
    data = {
        "name": "Added by staff",
        "kind": "partnership",
        "active": "on",
        "confirmed": "",  # not a field of the add form: adding it is confirming it
        "participants-TOTAL_FORMS": "2",
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "2",
        "participants-MAX_NUM_FORMS": "1000",
        "participants-0-municipality": german.pk,
        "participants-0-side": "german",
        "participants-1-municipality": partner.pk,
        "participants-1-side": "partner",
    }
    assert client.post(reverse("admin:partnerships_partnership_add"), data).status_code == 302
    added = Partnership.objects.get(name="Added by staff")
    assert (added.confirmed, added.confirmed_by, added.registered_by) == (True, staff, None)


def test_the_database_refuses_a_confirmation_on_an_unconfirmed_partnership(partnership, staff):
    with transaction.atomic(), pytest.raises(IntegrityError, match="partnership_confirmation_only_when_confirmed"):
        Partnership.objects.filter(pk=partnership.pk).update(confirmed=False, confirmed_by=staff)


def test_partnerships_made_elsewhere_count_as_confirmed(partnership):
    assert partnership.confirmed
    assert list(Partnership.objects.confirmed()) == [partnership]


# My municipalities


def test_my_municipalities_shows_memberships_partnerships_and_what_awaits(
    client, german_contact, german_municipality, partnership
):
    german_contact.preferred_language = "en"
    german_contact.save()
    services.register_partnership(
        german_municipality, by=german_contact, partner_name="Tamale", country="GH", kind="partnership"
    )
    other_side = PartnerMunicipalityFactory(name="Somewhere Else")
    PartnershipFactory(name="Not ours", partner=other_side)
    newcomer = UserFactory(name="Nora Neu")
    join_request = JoinRequest.objects.create(user=newcomer, municipality=german_municipality)
    client.force_login(german_contact)
    response = client.get(reverse("partnerships:my_municipalities"))
    assert response.status_code == 200
    assert list(response.context["partnerships"]) == [partnership]
    assert [p.name for p in response.context["awaiting_confirmation"]] == ["Berlin – Tamale"]
    assert list(response.context["join_requests_to_decide"]) == [join_request]
    page = response.content.decode()
    assert "Awaiting confirmation by programme staff" in page
    assert "Nora Neu" in page
    assert "Not ours" not in page
    assert reverse("partnerships:approve_join_request", args=[join_request.pk]) in page


def test_my_municipalities_shows_the_users_own_pending_requests(client, german_municipality):
    newcomer = UserFactory()
    join_request = JoinRequest.objects.create(user=newcomer, municipality=german_municipality)
    client.force_login(newcomer)
    response = client.get(reverse("partnerships:my_municipalities"))
    assert response.status_code == 200
    assert list(response.context["my_join_requests"]) == [join_request]
    assert list(response.context["join_requests_to_decide"]) == []
    assert list(response.context["partnerships"]) == []


def test_viewer_sees_the_partnerships_but_no_requests_to_decide(client, viewer, german_municipality, partnership):
    JoinRequest.objects.create(user=UserFactory(), municipality=german_municipality)
    client.force_login(viewer)
    response = client.get(reverse("partnerships:my_municipalities"))
    assert list(response.context["partnerships"]) == [partnership]
    assert list(response.context["join_requests_to_decide"]) == []


def test_my_municipalities_needs_login(client, db):
    response = client.get(reverse("partnerships:my_municipalities"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def queries_for_my_municipalities(client, user, municipality, partnerships):
    for _ in range(partnerships):
        PartnershipFactory(german=municipality)
        services.register_partnership(
            municipality, by=user, partner_name=f"Town {Partnership.objects.count()}", country="GH", kind="partnership"
        )
        JoinRequest.objects.create(user=UserFactory(), municipality=municipality)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnerships:my_municipalities"))
    assert response.status_code == 200
    assert len(response.context["partnerships"]) == partnerships
    assert len(response.context["awaiting_confirmation"]) == partnerships
    return len(queries)


def test_my_municipalities_queries_do_not_grow_with_the_partnerships(client, db):
    one = MembershipFactory(role=MembershipRole.CONTACT)
    five = MembershipFactory(role=MembershipRole.CONTACT)
    assert queries_for_my_municipalities(client, one.user, one.municipality, 1) == queries_for_my_municipalities(
        client, five.user, five.municipality, 5
    )


def test_nav_links_my_municipalities_for_logged_in_users(client, german_contact):
    client.force_login(german_contact)
    assert reverse("partnerships:my_municipalities") in client.get(reverse("home")).content.decode()
