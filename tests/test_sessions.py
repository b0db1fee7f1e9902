"""Sessions: a new key at login, ended on the server at logout, time limits for staff, ended from elsewhere."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships import login_sessions
from partnerships.models import LoginSession
from tests.factories import PASSWORD

HOUR = 60 * 60


def log_in(client, user, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, **extra)


def shift(client, **seconds_ago):
    """Move the session's clocks back: started=..., seen=... seconds ago."""
    session = client.session
    now = login_sessions.now()
    if "started" in seconds_ago:
        session[login_sessions.STARTED_KEY] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[login_sessions.SEEN_KEY] = now - seconds_ago["seen"]
    session.save()


def test_login_gives_a_new_session_key_and_records_the_session(client, german_contact):
    before = client.session
    before["visited"] = True
    before.save()
    old_key = before.session_key
    log_in(client, german_contact, REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Firefox")
    new_key = client.session.session_key
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    recorded = LoginSession.objects.get(user=german_contact)
    assert (recorded.session_key, recorded.ip_address, recorded.user_agent) == (new_key, "10.1.2.3", "Firefox")


def test_logout_deletes_the_session_on_the_server(client, german_contact):
    log_in(client, german_contact)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert not LoginSession.objects.filter(session_key=key).exists()


@pytest.mark.parametrize(
    "started, seen, signed_out",
    [
        (HOUR, 29 * 60, False),
        (HOUR, 31 * 60, True),
        (12 * HOUR - 60, 60, False),
        (12 * HOUR + 60, 60, True),
    ],
)
def test_staff_sessions_end_after_30_minutes_idle_or_12_hours(client, staff, started, seen, signed_out):
    client.force_login(staff)
    key = client.session.session_key
    shift(client, started=started, seen=seen)
    response = client.get(reverse("partnerships:profile"))
    if signed_out:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?session_ended=1")
        assert not Session.objects.filter(session_key=key).exists()
        assert not LoginSession.objects.filter(session_key=key).exists()
    else:
        assert response.status_code == 200


def test_use_keeps_a_staff_session_alive(client, staff):
    client.force_login(staff)
    shift(client, seen=25 * 60)
    assert client.get(reverse("partnerships:profile")).status_code == 200
    assert login_sessions.now() - client.session[login_sessions.SEEN_KEY] < 5


def test_the_login_page_says_why_after_a_timeout(client, db):
    response = client.get(f"{reverse('login')}?session_ended=1", HTTP_ACCEPT_LANGUAGE="en")
    assert "30 minutes without activity" in response.content.decode()


def test_municipal_sessions_have_no_idle_limit(client, german_contact):
    client.force_login(german_contact)
    shift(client, started=20 * HOUR, seen=5 * HOUR)
    assert client.get(reverse("partnerships:profile")).status_code == 200


def test_password_change_asks_for_the_password_and_ends_the_other_sessions(client, german_contact):
    laptop, phone = client, type(client)()
    log_in(laptop, german_contact)
    log_in(phone, german_contact)
    phone_key = phone.session.session_key
    session = laptop.session
    session[login_sessions.PASSWORD_CONFIRMED_KEY] -= 6 * 60  # the login's confirmation is too old now
    session.save()
    response = laptop.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("partnerships:confirm_password"))
    laptop.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    new = "a-fresh-passphrase-for-2027"
    response = laptop.post(reverse("password_change"), {"new_password1": new, "new_password2": new})
    assert response["Location"] == reverse("partnerships:profile")
    german_contact.refresh_from_db()
    assert german_contact.check_password(new)
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert phone.get(reverse("partnerships:profile")).status_code == 302
    assert laptop.get(reverse("partnerships:profile")).status_code == 200
    assert list(LoginSession.objects.filter(user=german_contact).values_list("session_key", flat=True)) == [
        laptop.session.session_key
    ]


def test_weak_new_password_is_refused(client, german_contact):
    log_in(client, german_contact)  # the login counts as the password given again
    response = client.post(reverse("password_change"), {"new_password1": "short1", "new_password2": "short1"})
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


def test_end_all_other_sessions_from_the_profile(client, german_contact):
    laptop, phone, tablet = client, type(client)(), type(client)()
    for device in (laptop, phone, tablet):
        log_in(device, german_contact)
    profile = laptop.get(reverse("partnerships:profile"))
    assert len(profile.context["login_sessions"]) == 3
    response = laptop.post(reverse("partnerships:end_other_sessions"))
    assert response["Location"] == reverse("partnerships:profile")
    assert phone.get(reverse("partnerships:profile")).status_code == 302
    assert tablet.get(reverse("partnerships:profile")).status_code == 302
    assert laptop.get(reverse("partnerships:profile")).status_code == 200
    assert LoginSession.objects.filter(user=german_contact).count() == 1


def test_ending_sessions_touches_nobody_else(client, german_contact, viewer):
    other = type(client)()
    log_in(other, viewer)
    log_in(client, german_contact)
    client.post(reverse("partnerships:end_other_sessions"))
    assert other.get(reverse("partnerships:profile")).status_code == 200


def test_deactivating_a_user_ends_all_their_sessions(client, german_contact, staff):
    log_in(client, german_contact)
    key = client.session.session_key
    admin = type(client)()
    admin.force_login(staff)
    change = reverse("admin:partnerships_user_change", args=[german_contact.pk])
    data = admin_form_data(admin.get(change))
    data.update(is_active="")
    response = admin.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    german_contact.refresh_from_db()
    assert not german_contact.is_active
    assert not Session.objects.filter(session_key=key).exists()
    assert not LoginSession.objects.filter(user=german_contact).exists()


def admin_form_data(page):
    """What the admin change page would post back unchanged: the user's fields and the sessions inline."""
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(groups=[], user_permissions=[], date_joined_0="2026-01-01", date_joined_1="00:00:00")
    data.pop("date_joined", None)
    data.pop("last_login", None)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for inline_form in formset.forms:
            data[f"{inline_form.prefix}-id"] = inline_form.instance.pk
            data[f"{inline_form.prefix}-user"] = inline_form.instance.user_id
    return data


def test_a_signed_in_page_reads_its_session_from_the_cache(client, german_contact):
    """The session is written through to the database and read from the cache: no session query per page."""
    log_in(client, german_contact)
    client.get(reverse("applications:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:dashboard")).status_code == 200
    assert not [query for query in queries if "django_session" in query["sql"]]
    assert Session.objects.filter(session_key=client.session.session_key).exists()
