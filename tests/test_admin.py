import json

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fachkraefte.models import AuditEntry
from partnerships import memberships
from partnerships.models import (
    Country,
    GrantRecord,
    MembershipRole,
    ModelAvailability,
    Municipality,
    MunicipalityMembership,
    Partnership,
    PartnershipParticipant,
    Role,
    SpecialistModel,
)
from tests.factories import (
    PASSWORD,
    GermanMunicipalityFactory,
    MembershipFactory,
    PartnerMunicipalityFactory,
    PartnershipFactory,
    UserFactory,
)

MODELS = [model for model in site._registry if model._meta.app_label == "partnerships"]


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root@example.org", "a-long-admin-passphrase", name="Root")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelist_and_add_page_render_for_programme_staff(client, staff, partnership, model):
    client.force_login(staff)
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # Users are added another way, join requests asked in the portal, and the records written by nobody.
    if opts.model_name not in ("user", "joinrequest", "grantrecord"):
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


# Issue 12, hole 3: only superusers hand on staff or superuser status, groups and permissions, never to
# themselves; non-superusers do not touch a superuser's account; every change of rights is recorded.


def user_form(user, **changes):
    """The user change form as the admin page sends it, with `changes` (booleans, `groups` as a list)."""
    values = {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": [group.pk for group in user.groups.all()],
        **changes,
    }
    data = {"email": user.email, "name": user.name, "preferred_language": user.preferred_language}
    data.update({name: "on" for name in ("is_active", "is_staff", "is_superuser") if values[name]})
    data["groups"] = values["groups"]
    sessions = list(user.login_sessions.order_by("-created_at").values_list("pk", flat=True))
    data.update(
        {
            "login_sessions-TOTAL_FORMS": len(sessions),
            "login_sessions-INITIAL_FORMS": len(sessions),
            "login_sessions-MIN_NUM_FORMS": 0,
            "login_sessions-MAX_NUM_FORMS": 1000,
        }
    )
    for number, pk in enumerate(sessions):
        data.update({f"login_sessions-{number}-id": pk, f"login_sessions-{number}-user": user.pk})
    return data


def change_user(client, user, **changes):
    return client.post(reverse("admin:partnerships_user_change", args=[user.pk]), user_form(user, **changes))


def staff_group():
    return Group.objects.get(name=Role.PROGRAMME_STAFF)


def test_staff_who_are_not_superusers_cannot_make_anyone_superuser(client, staff, german_contact):
    client.force_login(staff)
    page = client.get(reverse("admin:partnerships_user_change", args=[german_contact.pk]))
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(page.context["adminform"].form.fields)
    response = change_user(client, german_contact, is_superuser=True, is_staff=True, groups=[staff_group().pk])
    assert response.status_code == 302  # the rest of the form is saved; the privileged fields are ignored
    german_contact.refresh_from_db()
    assert not german_contact.is_superuser and not german_contact.is_staff
    assert not german_contact.groups.exists()
    assert not GrantRecord.objects.exists()
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=staff).exists()


def test_staff_cannot_make_themselves_superuser(client, staff):
    client.force_login(staff)
    assert change_user(client, staff, is_superuser=True).status_code == 302
    staff.refresh_from_db()
    assert not staff.is_superuser


def test_staff_cannot_change_their_own_groups(client, staff):
    client.force_login(staff)
    assert change_user(client, staff, groups=[]).status_code == 302
    assert list(staff.groups.values_list("name", flat=True)) == [Role.PROGRAMME_STAFF]


def test_superusers_cannot_change_their_own_privileges_either(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:partnerships_user_change", args=[superuser.pk]))
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(page.context["adminform"].form.fields)
    assert change_user(client, superuser, is_superuser=False, is_staff=False).status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_staff


def test_superuser_changes_anothers_groups_and_staff_status_and_it_is_recorded(client, superuser, german_contact):
    client.force_login(superuser)
    response = change_user(client, german_contact, is_staff=True, groups=[staff_group().pk])
    assert response.status_code == 302
    german_contact.refresh_from_db()
    assert german_contact.is_staff and german_contact.groups.get() == staff_group()
    records = {grant.kind: grant for grant in GrantRecord.objects.filter(user=german_contact)}
    assert set(records) == {GrantRecord.Kind.STAFF, GrantRecord.Kind.GROUPS}
    assert (records["staff"].before, records["staff"].after) == ("false", "true")
    assert (records["groups"].before, records["groups"].after) == ("", Role.PROGRAMME_STAFF)
    assert {(grant.by, grant.via) for grant in records.values()} == {(superuser, GrantRecord.Via.ADMIN)}
    # ... and taken away again
    assert change_user(client, german_contact, is_staff=False, groups=[]).status_code == 302
    latest = GrantRecord.objects.filter(user=german_contact, kind=GrantRecord.Kind.GROUPS).first()
    assert (latest.before, latest.after) == (Role.PROGRAMME_STAFF, "")


def test_staff_cannot_edit_a_superusers_account(client, staff, superuser):
    client.force_login(staff)
    page = client.get(reverse("admin:partnerships_user_change", args=[superuser.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]  # read only
    assert change_user(client, superuser, is_active=False).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[superuser.pk])
    assert client.post(password, {"password1": "x-new-pass-1234", "password2": "x-new-pass-1234"}).status_code == 403
    assert (
        client.post(reverse("admin:partnerships_user_delete", args=[superuser.pk]), {"post": "yes"}).status_code == 403
    )
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.check_password("a-long-admin-passphrase")


def test_change_records_are_readable_and_filterable_by_staff_and_changed_by_nobody(client, staff, superuser, viewer):
    client.force_login(superuser)
    change_user(client, viewer, is_staff=True)
    staff.preferred_language = "en"
    staff.save()
    client.force_login(staff)
    url = reverse("admin:partnerships_grantrecord_changelist")
    response = client.get(url, {"kind__exact": "staff"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert [grant.user for grant in response.context["cl"].result_list] == [viewer]
    assert "no → yes" in response.content.decode()
    assert list(client.get(url, {"kind__exact": "groups"}).context["cl"].result_list) == []
    assert list(client.get(url, {"q": viewer.email}).context["cl"].result_list) != []
    grant = GrantRecord.objects.get()
    assert client.get(reverse("admin:partnerships_grantrecord_add")).status_code == 403
    assert client.post(reverse("admin:partnerships_grantrecord_change", args=[grant.pk]), {}).status_code == 403
    assert (
        client.post(reverse("admin:partnerships_grantrecord_delete", args=[grant.pk]), {"post": "yes"}).status_code
        == 403
    )


# Memberships in the admin go through partnerships.memberships and are recorded.


def test_staff_add_change_and_remove_a_membership_in_the_admin(client, staff, german_municipality):
    person = UserFactory()
    client.force_login(staff)
    add = reverse("admin:partnerships_municipalitymembership_add")
    data = {"user": person.pk, "municipality": german_municipality.pk, "role": "editor"}
    assert client.post(add, data).status_code == 302
    membership = MunicipalityMembership.objects.get(user=person)
    change = reverse("admin:partnerships_municipalitymembership_change", args=[membership.pk])
    assert client.post(change, {"role": "contact"}).status_code == 302
    delete = reverse("admin:partnerships_municipalitymembership_delete", args=[membership.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not MunicipalityMembership.objects.filter(user=person).exists()
    steps = [(g.before, g.after, g.by, g.via) for g in GrantRecord.objects.filter(user=person).order_by("at", "pk")]
    assert steps == [
        ("", "editor", staff, "admin"),
        ("editor", "contact", staff, "admin"),
        ("contact", "", staff, "admin"),
    ]


def test_staff_cannot_give_themselves_a_membership_in_the_admin(client, staff, german_municipality):
    client.force_login(staff)
    add = reverse("admin:partnerships_municipalitymembership_add")
    response = client.post(add, {"user": staff.pk, "municipality": german_municipality.pk, "role": "contact"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not MunicipalityMembership.objects.filter(user=staff).exists()


def test_staff_cannot_change_or_remove_their_own_membership_in_the_admin(client, staff, german_municipality):
    own = MunicipalityMembership.objects.create(user=staff, municipality=german_municipality, role="viewer")
    client.force_login(staff)
    change = reverse("admin:partnerships_municipalitymembership_change", args=[own.pk])
    assert client.post(change, {"role": "contact"}).status_code == 403
    delete = reverse("admin:partnerships_municipalitymembership_delete", args=[own.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    own.refresh_from_db()
    assert own.role == "viewer"


# Issue 13.6: the admin speaks the reader's language: roles by their names, the select widget's help in German.


def test_the_user_list_filters_by_role_named_as_people_read_it(client, staff, german_contact):
    client.force_login(staff)  # in German
    url = reverse("admin:partnerships_user_changelist")
    html = client.get(url).content.decode()
    assert ">Programmteam (SKEW)</a>" in html and ">programme_staff<" not in html
    assert list(client.get(url, {"role": Role.PROGRAMME_STAFF}).context["cl"].result_list) == [staff]


def test_roles_show_by_their_names_read_only_and_in_the_superusers_widget(client, staff, superuser, german_contact):
    client.force_login(staff)
    read_only = client.get(reverse("admin:partnerships_user_change", args=[staff.pk])).content.decode()
    assert "Programmteam (SKEW)" in read_only and "programme_staff" not in read_only
    client.force_login(superuser)
    page = client.get(reverse("admin:partnerships_user_change", args=[german_contact.pk]))
    choices = {str(label) for _, label in page.context["adminform"].form.fields["groups"].choices}
    assert "Programmteam (SKEW)" in choices and "programme_staff" not in choices
    groups = client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Programmteam (SKEW)" in groups


def test_the_german_admin_explains_the_select_widget_in_german(client, staff):
    """Django's German catalogue lacks the widget's newer strings; the portal's djangojs catalogue supplies them."""
    client.force_login(staff)
    catalog = client.get(reverse("admin:jsi18n")).content.decode()

    def entry(msgid, msgstr):
        return json.dumps({msgid: msgstr})[1:-1]  # as the catalogue writes it, "ä" as "\u00e4"

    assert entry("Choose all %s", "Alle %s auswählen") in catalog
    assert entry("Remove all %s", "Alle %s entfernen") in catalog
    assert entry("Choose all", "Alle auswählen") in catalog  # Django's own strings are still there


@pytest.mark.parametrize("role", [Role.PROGRAMME_STAFF, Role.CIM_RECRUITER])
def test_staff_cannot_edit_or_delete_another_account_that_sees_everyones_data(client, staff, role):
    """Setting a colleague's or a recruiter's password would let a staff member act in their name."""
    colleague = UserFactory(roles=[role], is_staff=role == Role.PROGRAMME_STAFF)
    client.force_login(staff)
    page = client.get(reverse("admin:partnerships_user_change", args=[colleague.pk]))
    assert not page.context["has_change_permission"] and "/password/" not in page.content.decode()
    assert change_user(client, colleague, is_active=False).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[colleague.pk])
    assert client.post(password, {"password1": "x-new-pass-1234", "password2": "x-new-pass-1234"}).status_code == 403
    delete = reverse("admin:partnerships_user_delete", args=[colleague.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active and colleague.check_password(PASSWORD)


def test_staff_still_edit_a_municipal_account_and_their_own(client, staff, german_contact):
    client.force_login(staff)
    assert change_user(client, german_contact, is_active=False).status_code == 302
    german_contact.refresh_from_db()
    assert not german_contact.is_active
    data = {**user_form(staff), "name": "Renamed Staff"}
    assert client.post(reverse("admin:partnerships_user_change", args=[staff.pk]), data).status_code == 302
    staff.refresh_from_db()
    assert staff.name == "Renamed Staff"


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_deleting_an_account_in_the_admin_records_the_end_of_its_memberships(client, staff, german_municipality, how):
    """Its rights end through partnerships.memberships, recorded, before the account goes."""
    member = MembershipFactory(municipality=german_municipality, role=MembershipRole.EDITOR).user
    client.force_login(staff)
    if how == "delete page":
        response = client.post(reverse("admin:partnerships_user_delete", args=[member.pk]), {"post": "yes"})
    else:
        changelist = reverse("admin:partnerships_user_changelist")
        response = client.post(
            changelist, {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"}
        )
    assert response.status_code == 302
    assert not type(member).objects.filter(pk=member.pk).exists()
    record = GrantRecord.objects.get(user_email=member.email, kind=GrantRecord.Kind.MEMBERSHIP)
    assert (record.user, record.municipality, record.before, record.after, record.by) == (
        None,
        german_municipality,
        MembershipRole.EDITOR,
        "",
        staff,
    )


def test_a_municipality_whose_rights_history_exists_is_not_deleted(client, staff, german_municipality):
    memberships.add(UserFactory(), german_municipality, MembershipRole.EDITOR, by=staff, via=memberships.Via.ADMIN)
    client.force_login(staff)
    delete = reverse("admin:partnerships_municipality_delete", args=[german_municipality.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 200  # the page names what protects it
    assert Municipality.objects.filter(pk=german_municipality.pk).exists()
    with pytest.raises(ProtectedError):
        german_municipality.delete()
