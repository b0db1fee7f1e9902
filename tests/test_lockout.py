"""Lockout after five failed logins, per account and IP address, for 15 minutes (django-axes)."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, UserFactory

OFFICE = "192.0.2.10"
HOME = "198.51.100.7"


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.org", preferred_language="en")


def attempt(client, email, password, ip=OFFICE):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en"
    )


def fail_five_times(client, email, ip=OFFICE):
    return [attempt(client, email, "wrong-password", ip).status_code for _ in range(5)]


def logged_in(client):
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_from_that_address(client, anna):
    assert fail_five_times(client, anna.email) == [200, 200, 200, 200, 429]
    with translation.override("en"):
        response = attempt(client, anna.email, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert "Too many failed logins" in html
    assert "15 minutes" in html
    assert reverse("password_reset") in html


def test_the_lockout_page_says_when_to_try_again(client, anna):
    fail_five_times(client, anna.email)
    response = attempt(client, anna.email, PASSWORD)
    until = response.context["until"]
    expected = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=15)
    assert abs((until - expected).total_seconds()) < 30


def test_another_account_from_the_same_office_still_logs_in(client, anna):
    colleague = UserFactory(email="ben@example.org")
    fail_five_times(client, anna.email)
    other = type(client)()
    assert attempt(other, colleague.email, PASSWORD).status_code == 302
    assert logged_in(other)


def test_the_same_account_from_another_address_still_logs_in(client, anna):
    fail_five_times(client, anna.email)
    assert attempt(client, anna.email, PASSWORD, ip=HOME).status_code == 302
    assert logged_in(client)


def test_after_15_minutes_the_account_logs_in_again(client, anna):
    fail_five_times(client, anna.email)
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, anna.email, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_success_resets_the_count(client, anna):
    for _ in range(4):
        attempt(client, anna.email, "wrong-password")
    assert attempt(client, anna.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert [attempt(client, anna.email, "wrong-password").status_code for _ in range(4)] == [200] * 4
    assert attempt(client, anna.email, PASSWORD).status_code == 302


def test_wrong_passwords_on_the_confirm_step_count_too(client, anna):
    attempt(client, anna.email, PASSWORD)
    statuses = [
        client.post(reverse("partnerships:confirm_password"), {"password": "wrong"}, REMOTE_ADDR=OFFICE).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def test_case_variants_of_the_address_count_as_one_account(client, anna):
    variants = ["ANNA@example.org", "Anna@Example.org", "anna@EXAMPLE.ORG", " anna@example.org", "anna@example.org"]
    assert [attempt(client, typed, "wrong-password").status_code for typed in variants] == [200, 200, 200, 200, 429]
    assert attempt(client, "ANNA@EXAMPLE.ORG", PASSWORD).status_code == 429
    assert not logged_in(client)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"anna@example.org"}


def test_an_account_registered_in_capitals_locks_out_whatever_the_case_typed(client, db):
    UserFactory(email="Karin.Mueller@Berlin.de")
    assert fail_five_times(client, "karin.mueller@berlin.de") == [200, 200, 200, 200, 429]
    assert attempt(client, "Karin.Mueller@Berlin.de", PASSWORD).status_code == 429
