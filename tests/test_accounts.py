import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from fachkraefte.models import OutboundEmail
from partnerships import account_views
from partnerships.account_views import EMAIL_CHANGE_SALT
from partnerships.models import User
from tests.factories import PASSWORD, UserFactory


def test_login_with_email_and_password(client, db):
    user = UserFactory(email="anna@example.org")
    response = client.post(reverse("login"), {"username": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_keeps_the_email_and_says_why(client, db):
    UserFactory(email="anna@example.org")
    response = client.post(
        reverse("login"), {"username": "anna@example.org", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()
    assert "correct" in response.content.decode()  # "Please enter a correct e-mail address and password."
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, german_contact):
    client.force_login(german_contact)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_goes_out_in_the_users_language_and_works(client, db, django_capture_on_commit_callbacks):
    UserFactory(email="marie@example.org", name="Marie", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "marie@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marie@example.org"]
    assert "Bonjour Marie" in message.body
    link = re.search(r"http://testserver(\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-new-long-passphrase-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert User.objects.get(email="marie@example.org").check_password(new_password)


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_short_or_common_passwords_are_refused(client, db):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    for weak in ["short1", "password123"]:
        response = client.post(reverse("password_change"), {"new_password1": weak, "new_password2": weak})
        assert response.status_code == 200
        assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_profile_saves_name_and_language(client, german_contact):
    client.force_login(german_contact)
    response = client.post(
        reverse("partnerships:profile"), {"name": "Karin K.", "preferred_language": "es", "email_updates": "daily"}
    )
    assert response.status_code == 302
    german_contact.refresh_from_db()
    assert (german_contact.name, german_contact.preferred_language) == ("Karin K.", "es")
    assert german_contact.email_updates == "daily"
    assert 'lang="es"' in client.get(reverse("home")).content.decode()


def test_profile_with_bad_input_keeps_it_and_says_why(client, german_contact):
    client.force_login(german_contact)
    response = client.post(reverse("partnerships:profile"), {"name": "Typed name", "preferred_language": "xx"})
    assert response.status_code == 200
    assert "Typed name" in response.content.decode()
    assert response.context["form"].errors["preferred_language"]
    german_contact.refresh_from_db()
    assert german_contact.name != "Typed name"


def test_profile_lists_the_users_municipalities(client, german_contact, german_municipality):
    client.force_login(german_contact)
    assert german_municipality.name in client.get(reverse("partnerships:profile")).content.decode()


@pytest.mark.parametrize(
    "language, word", [("de", "Anmelden"), ("en", "Log in"), ("fr", "Se connecter"), ("es", "Iniciar")]
)
def test_language_switcher_for_anonymous_visitors(client, db, language, word):
    response = client.post(reverse("set_language"), {"language": language, "next": "/"}, follow=True)
    assert f'lang="{language}"' in response.content.decode()
    assert word in response.content.decode()


def test_language_switch_is_kept_in_the_profile(client, german_contact):
    client.force_login(german_contact)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    german_contact.refresh_from_db()
    assert german_contact.preferred_language == "fr"


def test_german_is_the_default(client, db):
    assert 'lang="de"' in client.get(reverse("home")).content.decode()


def test_switcher_refuses_unknown_languages(client, german_contact):
    client.force_login(german_contact)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    german_contact.refresh_from_db()
    assert german_contact.preferred_language == "de"


# Changing the e-mail address


def ask_for_new_address(client, user, email, django_capture_on_commit_callbacks, **data):
    client.force_login(user)
    client.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("partnerships:email_change"), {"email": email, **data})


def link_in(message):
    return re.search(r"http://testserver(\S+)", message.body).group(1)


def test_email_change_asks_for_the_password_first(client, german_contact):
    client.force_login(german_contact)
    response = client.get(reverse("partnerships:email_change"))
    assert response["Location"].startswith(reverse("partnerships:confirm_password"))
    response = client.post(reverse("partnerships:email_change"), {"email": "new@example.org"})
    assert response["Location"].startswith(reverse("partnerships:confirm_password"))
    assert not OutboundEmail.objects.exists()


def test_email_change_sends_a_link_to_the_new_address_that_changes_it(
    client, german_contact, django_capture_on_commit_callbacks
):
    old = german_contact.email
    response = ask_for_new_address(client, german_contact, "karin.neu@example.org", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("partnerships:profile")
    german_contact.refresh_from_db()
    assert german_contact.email == old  # not before the link is opened
    [message] = mail.outbox
    assert message.to == ["karin.neu@example.org"]
    link = link_in(message)
    assert client.get(link).status_code == 200  # a page with a button: GET changes nothing
    german_contact.refresh_from_db()
    assert german_contact.email == old
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response["Location"] == reverse("partnerships:profile")
    german_contact.refresh_from_db()
    assert german_contact.email == "karin.neu@example.org"
    assert mail.outbox[-1].to == [old]  # the old address hears of it
    assert client.post(link).context["reason"] == "used"  # once only


def test_email_change_refuses_a_taken_or_the_same_address(
    client, german_contact, viewer, django_capture_on_commit_callbacks
):
    response = ask_for_new_address(client, german_contact, viewer.email.upper(), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert viewer.email.upper() in response.content.decode()
    response = client.post(reverse("partnerships:email_change"), {"email": german_contact.email})
    assert response.context["form"].errors["email"]
    assert not OutboundEmail.objects.exists()


def test_email_change_link_fails_when_the_address_was_taken_meanwhile(
    client, german_contact, django_capture_on_commit_callbacks
):
    ask_for_new_address(client, german_contact, "wanted@example.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    UserFactory(email="wanted@example.org")
    assert client.post(link).context["reason"] == "taken"
    german_contact.refresh_from_db()
    assert german_contact.email != "wanted@example.org"


def test_email_change_link_that_was_tampered_with_or_expired_does_nothing(client, german_contact, monkeypatch):
    data = {"user": german_contact.pk, "old": german_contact.email, "new": "x@example.org"}
    forged = reverse("partnerships:email_change_confirm", args=[signing.dumps(data, salt="other")])
    assert client.post(forged).context["reason"] == "invalid"
    genuine = reverse("partnerships:email_change_confirm", args=[signing.dumps(data, salt=EMAIL_CHANGE_SALT)])
    monkeypatch.setattr(account_views, "EMAIL_CHANGE_MAX_AGE", -1)  # as if three days had passed
    assert client.post(genuine).context["reason"] == "expired"
    german_contact.refresh_from_db()
    assert german_contact.email != "x@example.org"


def test_email_change_can_end_the_other_sessions(client, german_contact, django_capture_on_commit_callbacks):
    phone = type(client)()
    phone.post(reverse("login"), {"username": german_contact.email, "password": PASSWORD})
    assert phone.get(reverse("partnerships:profile")).status_code == 200
    ask_for_new_address(
        client, german_contact, "neu@example.org", django_capture_on_commit_callbacks, end_other_sessions="on"
    )
    assert phone.get(reverse("partnerships:profile")).status_code == 302
    assert client.get(reverse("partnerships:profile")).status_code == 200


# One address, whatever its case: stored trimmed and lower-cased, compared so everywhere


def test_login_with_a_differently_cased_address(client, db):
    user = UserFactory(email="Karin.Mueller@Berlin.de")
    for typed in ["karin.mueller@berlin.de", " KARIN.MUELLER@BERLIN.DE "]:
        client.logout()
        response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_for_a_differently_cased_address(client, db, django_capture_on_commit_callbacks):
    UserFactory(email="Karin.Mueller@Berlin.de")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "KARIN.mueller@berlin.DE"})
    assert [message.to for message in mail.outbox] == [["karin.mueller@berlin.de"]]


def test_email_change_stores_the_new_address_normalised(client, german_contact, django_capture_on_commit_callbacks):
    ask_for_new_address(client, german_contact, " Karin.Neu@Example.ORG ", django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["karin.neu@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link_in(mail.outbox[0]))
    german_contact.refresh_from_db()
    assert german_contact.email == "karin.neu@example.org"


def test_email_change_says_why_for_a_case_variant_of_a_taken_or_the_same_address(
    client, german_contact, django_capture_on_commit_callbacks
):
    UserFactory(email="taken@example.org")
    response = ask_for_new_address(client, german_contact, "Taken@Example.ORG", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["exists"]
    assert "Taken@Example.ORG" in response.content.decode()  # the input is kept
    response = client.post(reverse("partnerships:email_change"), {"email": german_contact.email.upper()})
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["same"]
    assert not OutboundEmail.objects.exists()


def test_email_change_link_fails_when_the_database_finds_the_address_taken(
    client, german_contact, django_capture_on_commit_callbacks, monkeypatch
):
    ask_for_new_address(client, german_contact, "wanted@example.org", django_capture_on_commit_callbacks)
    UserFactory(email="Wanted@Example.org")
    monkeypatch.setattr(User.objects, "with_email", lambda email: User.objects.none())  # the check misses it
    assert client.post(link_in(mail.outbox[0])).context["reason"] == "taken"
    german_contact.refresh_from_db()
    assert german_contact.email != "wanted@example.org"
