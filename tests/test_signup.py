"""Sign-up with a verified e-mail address: the link, its expiry and reuse, and asking for a new one."""

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from fachkraefte.models import OutboundEmail
from partnerships import services
from partnerships.models import User
from tests.factories import PASSWORD, UserFactory

GOOD_PASSWORD = "a-long-passphrase-for-2026"


def signup_data(**overrides):
    data = {
        "email": "lena@example.org",
        "name": "Lena Schmidt",
        "preferred_language": "en",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    return data | overrides


def link_in(message):
    return re.search(r"http://testserver(\S+)", message.body).group(1)


@pytest.fixture
def signed_up(client, db, django_capture_on_commit_callbacks):
    """Sign Lena up and return her user and the path of the link in her e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnerships:signup"), signup_data())
    assert response.status_code == 302
    return User.objects.get(email="lena@example.org"), link_in(mail.outbox[-1])


def test_signup_creates_an_inactive_user_and_mails_the_link_in_her_language(signed_up):
    user, link = signed_up
    assert not user.is_active
    assert user.check_password(GOOD_PASSWORD)
    assert (user.name, user.preferred_language) == ("Lena Schmidt", "en")
    message = mail.outbox[0]
    assert message.to == ["lena@example.org"]
    assert "Confirm your e-mail address" in message.subject
    assert "Hello Lena Schmidt" in message.body
    assert link.startswith("/accounts/signup/confirm/")
    assert link in message.alternatives[0][0]


def test_signup_mail_waits_for_the_commit(client, db):
    client.post(reverse("partnerships:signup"), signup_data())
    assert mail.outbox == []  # queued with transaction.on_commit, and the test transaction never commits


def test_signup_page_renders_for_anonymous_visitors(client, db):
    response = client.get(reverse("partnerships:signup"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'name="password2"' in response.content.decode()


def test_logged_in_user_is_sent_on_from_the_signup_page(client, german_contact):
    client.force_login(german_contact)
    response = client.get(reverse("partnerships:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:my_municipalities")


def test_unconfirmed_user_cannot_log_in(client, signed_up):
    response = client.post(reverse("login"), {"username": "lena@example.org", "password": GOOD_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_link_activates_logs_in_and_leads_to_joining(client, signed_up):
    user, link = signed_up
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:join")
    user.refresh_from_db()
    assert user.is_active
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(response["Location"]).status_code == 200


def test_used_link_shows_a_clear_page(client, signed_up):
    _user, link = signed_up
    client.get(link)
    client.logout()
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["reason"] == "used"
    assert "used already" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_link_does_not_reopen_an_account_staff_closed(client, signed_up):
    user, link = signed_up
    client.get(link)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(link).context["reason"] == "used"
    user.refresh_from_db()
    assert not user.is_active


def test_tampered_link_is_refused(client, signed_up):
    user, link = signed_up
    tampered = link.replace("/confirm/", "/confirm/x")
    response = client.get(tampered, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["reason"] == "invalid"
    assert 'action="/accounts/signup/new-link/"' in response.content.decode()  # a way to get a new link
    user.refresh_from_db()
    assert not user.is_active


def test_link_signed_for_another_purpose_is_refused(client, signed_up):
    user, _link = signed_up
    token = signing.dumps({"user": user.pk, "email": user.email})  # no salt: e.g. a token of another feature
    assert client.get(reverse("partnerships:verify_email", args=[token])).context["reason"] == "invalid"
    user.refresh_from_db()
    assert not user.is_active


def test_link_for_a_changed_address_is_refused(client, signed_up):
    user, link = signed_up
    User.objects.filter(pk=user.pk).update(email="other@example.org")
    assert client.get(link).context["reason"] == "invalid"


def token_made_ago(user, seconds):
    with mock.patch("time.time", return_value=time.time() - seconds):
        return services.verification_token(user)


def test_link_expires_after_three_days(client, db):
    user = UserFactory(is_active=False)
    token = token_made_ago(user, 3 * 24 * 3600 + 60)
    response = client.get(reverse("partnerships:verify_email", args=[token]))
    assert response.status_code == 200
    assert response.context["reason"] == "expired"
    user.refresh_from_db()
    assert not user.is_active


def test_link_still_works_before_three_days(client, db):
    user = UserFactory(is_active=False)
    token = token_made_ago(user, 3 * 24 * 3600 - 60)
    assert client.get(reverse("partnerships:verify_email", args=[token])).status_code == 302
    user.refresh_from_db()
    assert user.is_active


# A known address: the same answer as for a new one, nothing changes, its owner is told


def sign_up_as(email, django_capture_on_commit_callbacks, **overrides):
    """Sign up from a fresh browser; returns the answer and the page it leads to."""
    client = Client()  # a new visitor each time: no cookie of one sign-up may colour the other
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnerships:signup"), signup_data(email=email, **overrides))
    return client, response, client.get(response["Location"])


def comparable(page, address):
    """The page without the address and without what differs on every page (CSRF token, CSP nonce)."""
    html = page.content.decode().replace(address, "ADDRESS")
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', r'\1=""', html)


def test_known_and_new_addresses_get_the_same_answer(db, django_capture_on_commit_callbacks):
    UserFactory(email="lena@example.org")
    _client, known, known_page = sign_up_as("LENA@Example.org", django_capture_on_commit_callbacks)
    _client, new, new_page = sign_up_as("max@example.org", django_capture_on_commit_callbacks)
    answer = (302, reverse("partnerships:verification_sent"))
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"]) == answer
    assert known.content == new.content
    assert sorted(known.cookies) == sorted(new.cookies)
    assert known_page.status_code == new_page.status_code == 200
    assert comparable(known_page, "lena@example.org") == comparable(new_page, "max@example.org")


def test_known_address_changes_nothing_and_warns_its_owner_in_her_language(db, django_capture_on_commit_callbacks):
    owner = UserFactory(email="lena@example.org", name="Lena", preferred_language="fr")
    before = User.objects.filter(pk=owner.pk).values().get()
    client, _response, _page = sign_up_as(
        " Lena@EXAMPLE.org ", django_capture_on_commit_callbacks, name="Mallory", preferred_language="en"
    )
    assert User.objects.count() == 1
    assert User.objects.filter(pk=owner.pk).values().get() == before  # same password, name, language, state
    assert "_auth_user_id" not in client.session
    [queued] = OutboundEmail.objects.all()
    assert (queued.template, queued.to, queued.language) == ("signup-attempt", ["lena@example.org"], "fr")
    [message] = mail.outbox
    assert message.to == ["lena@example.org"]
    assert message.body.startswith("Bonjour Lena")
    assert "http://testserver" + reverse("login") in message.body
    assert "http://testserver" + reverse("password_reset") in message.body
    assert "Mallory" not in message.body


def test_known_address_awaiting_confirmation_gets_a_new_link_that_works(
    client, signed_up, django_capture_on_commit_callbacks
):
    user, _first_link = signed_up
    _client, _response, _page = sign_up_as("lena@example.org", django_capture_on_commit_callbacks)
    assert User.objects.count() == 1
    message = mail.outbox[-1]
    assert message.to == ["lena@example.org"]
    assert "Confirm your e-mail address" not in message.subject  # the warning, not a second sign-up mail
    assert client.get(link_in(message)).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(GOOD_PASSWORD)  # the password of the sign-up, not of the second try


def test_address_taken_between_the_check_and_the_insert_gets_the_same_answer(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    owner = UserFactory(email="lena@example.org")
    looked_up = []

    def missed_once(email):  # the other request's account appears just after our look-up
        looked_up.append(email)
        return User.objects.none() if len(looked_up) == 1 else User.objects.filter(pk=owner.pk)

    monkeypatch.setattr(User.objects, "with_email", missed_once)
    _client, response, _page = sign_up_as("Lena@example.org", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("partnerships:verification_sent")
    assert User.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["lena@example.org"]]


def test_signup_stores_the_address_normalised(db, django_capture_on_commit_callbacks):
    sign_up_as("  Max.Muster@Example.ORG ", django_capture_on_commit_callbacks, name="Max")
    assert User.objects.get(name="Max").email == "max.muster@example.org"


@pytest.mark.parametrize(
    "passwords",
    [("short1", "short1"), ("password123", "password123"), ("12345678901234", "12345678901234")],
    ids=["short", "common", "numeric"],
)
def test_weak_passwords_are_refused(client, db, passwords):
    response = client.post(reverse("partnerships:signup"), signup_data(password1=passwords[0], password2=passwords[1]))
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert "Lena Schmidt" in response.content.decode()
    assert not User.objects.exists()


def test_different_passwords_are_refused(client, db):
    response = client.post(reverse("partnerships:signup"), signup_data(password2="another-long-passphrase"))
    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_missing_name_and_bad_language_are_refused(client, db):
    response = client.post(reverse("partnerships:signup"), signup_data(name="", preferred_language="xx"))
    assert set(response.context["form"].errors) == {"name", "preferred_language"}
    assert "lena@example.org" in response.content.decode()
    assert not User.objects.exists()


def test_new_link_for_an_unconfirmed_account(client, signed_up, django_capture_on_commit_callbacks):
    user, _first_link = signed_up
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnerships:resend_verification"), {"email": "Lena@EXAMPLE.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:verification_sent")
    assert len(mail.outbox) == 2
    assert client.get(link_in(mail.outbox[1])).status_code == 302
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("email", ["nobody@example.org", "active@example.org"])
def test_new_link_reveals_nothing_and_sends_nothing_for_other_addresses(
    client, db, django_capture_on_commit_callbacks, email
):
    UserFactory(email="active@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("partnerships:resend_verification"), {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:verification_sent")
    assert mail.outbox == []


def test_new_link_form_says_why_for_a_bad_address(client, db):
    response = client.post(reverse("partnerships:resend_verification"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert "not-an-address" in response.content.decode()


@pytest.mark.parametrize("name", ["verification_sent", "resend_verification"])
def test_public_pages_render(client, db, name):
    assert client.get(reverse(f"partnerships:{name}")).status_code == 200


def test_existing_users_keep_logging_in(client, db):
    UserFactory(email="anna@example.org")
    response = client.post(reverse("login"), {"username": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_links_in_e_mails_use_the_portals_address_not_the_requests_host(db, client, settings):
    """A forged Host header must not put its address into the confirmation link."""
    settings.PORTAL_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    client.post(reverse("partnerships:signup"), signup_data(), HTTP_HOST="evil.example")
    text = OutboundEmail.objects.get(template="verify-email").text
    assert "https://portal.example.org/" in text and "evil.example" not in text


def test_the_password_reset_link_uses_the_portals_address(db, client, settings, german_contact):
    settings.PORTAL_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    client.post(reverse("password_reset"), {"email": german_contact.email}, HTTP_HOST="evil.example")
    text = OutboundEmail.objects.get(template="password-reset").text
    assert "https://portal.example.org/" in text and "evil.example" not in text
