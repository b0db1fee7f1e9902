import re

import pytest
from django.core import mail
from django.urls import reverse

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


def test_password_reset_mail_goes_out_in_the_users_language_and_works(client, db):
    UserFactory(email="marie@example.org", name="Marie", preferred_language="fr")
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
    for weak in ["short1", "password123"]:
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
        )
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
