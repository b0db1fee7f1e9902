"""Two-factor login: the code step after the password, setting up an app, recovery codes, the gate."""

import re

import pytest
import segno
from django.urls import reverse
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships import two_factor
from partnerships.account_views import SETUP_KEY_SESSION_KEY
from tests.factories import PASSWORD, UserFactory

ADMIN_PAGE = "/admin/partnerships/country/"


def code_for(device_or_key):
    key = device_or_key.bin_key if isinstance(device_or_key, TOTPDevice) else bytes.fromhex(device_or_key)
    return f"{totp(key):06d}"


def app_of(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def log_in(client, user, next_url=ADMIN_PAGE):
    return client.post(f"{reverse('login')}?next={next_url}", {"username": user.email, "password": PASSWORD})


def verified(client):
    return "otp_device_id" in client.session


def test_staff_with_an_app_give_the_code_after_the_password_then_reach_next(client, staff):
    device = app_of(staff)
    response = log_in(client, staff)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnerships:two_factor_verify"))
    assert client.get(ADMIN_PAGE)["Location"].startswith(reverse("partnerships:two_factor_verify"))
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == ADMIN_PAGE
    assert client.get(ADMIN_PAGE).status_code == 200


def test_wrong_code_keeps_the_user_out_and_says_why(client, staff):
    app_of(staff)
    log_in(client, staff)
    with translation.override("en"):
        response = client.post(reverse("partnerships:two_factor_verify"), {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not verified(client)
    assert client.get(ADMIN_PAGE).status_code == 302


def test_a_code_works_once(client, staff):
    device = app_of(staff)
    code = code_for(device)
    log_in(client, staff)
    assert client.post(reverse("partnerships:two_factor_verify"), {"code": code}).status_code == 302
    device.refresh_from_db()
    assert device.last_t > -1  # django-otp remembers the time step it accepted

    other = type(client)()
    log_in(other, staff)
    response = other.post(reverse("partnerships:two_factor_verify"), {"code": code})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not verified(other)


def test_a_recovery_code_logs_in_once(client, staff):
    app_of(staff)
    codes = two_factor.new_recovery_codes(staff)
    assert len(codes) == 10
    log_in(client, staff)
    response = client.post(reverse("partnerships:two_factor_verify"), {"code": codes[0].upper()})
    assert response.status_code == 302 and verified(client)
    assert two_factor.recovery_codes_left(staff) == 9

    other = type(client)()
    log_in(other, staff)
    response = other.post(reverse("partnerships:two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200 and not verified(other)


def test_staff_without_an_app_are_led_to_set_one_up_and_nowhere_else(client, staff):
    response = log_in(client, staff)
    setup = reverse("partnerships:two_factor_setup")
    assert response["Location"].startswith(setup)
    assert client.get(ADMIN_PAGE)["Location"].startswith(setup)
    assert client.get(reverse("home"))["Location"].startswith(setup)
    page = client.get(setup, HTTP_ACCEPT_LANGUAGE="en")
    key = client.session[SETUP_KEY_SESSION_KEY]
    html = page.content.decode()
    assert two_factor.secret_for_humans(key) in html
    assert "otpauth://totp/" in html and "secret=" in html

    response = client.post(f"{setup}?next={ADMIN_PAGE}", {"code": "123456"})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=staff).exists()

    code = code_for(key)
    response = client.post(f"{setup}?next={ADMIN_PAGE}", {"code": code})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("partnerships:two_factor_recovery_codes"))
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert verified(client)
    codes_page = client.get(response["Location"])
    assert len(codes_page.context["codes"]) == 10
    assert codes_page.context["next"] == ADMIN_PAGE
    assert client.get(response["Location"]).context["codes"] is None  # shown once
    assert client.get(ADMIN_PAGE).status_code == 200

    # The code that confirmed the app cannot log in afterwards.
    other = type(client)()
    log_in(other, staff)
    assert other.post(reverse("partnerships:two_factor_verify"), {"code": code}).status_code == 200


def test_the_setup_page_shows_the_key_as_a_qr_code_for_the_camera(client, staff):
    log_in(client, staff)
    html = client.get(reverse("partnerships:two_factor_setup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    key = client.session[SETUP_KEY_SESSION_KEY]
    drawing = re.search(r'<svg [^>]*class="totp-qr".*?</svg>', html, re.S).group(0)
    assert "<title>QR-Code des Schlüssels für Ihre Authenticator-App</title>" in drawing
    modules = re.search(r'class="qrline"[^>]* d="([^"]+)"', drawing).group(1)
    expected = segno.make(two_factor.otpauth_uri(staff, key), error="m").svg_inline()
    assert f' d="{modules}"' in expected  # the code holds this session's key, nothing else
    assert "<script" not in drawing and "style=" not in drawing


def test_not_even_a_superuser_reads_someone_elses_key_in_the_admin(admin_client, staff):
    device = app_of(staff)
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200 and device.key not in change.content.decode()
    for name in ["admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"]:
        assert admin_client.get(reverse(name, args=[device.pk])).status_code == 403


def test_a_half_logged_in_user_cannot_set_up_a_new_app_around_the_old_one(client, staff):
    app_of(staff)
    log_in(client, staff)
    response = client.get(reverse("partnerships:two_factor_setup"))
    assert response["Location"].startswith(reverse("partnerships:two_factor_verify"))
    assert SETUP_KEY_SESSION_KEY not in client.session
    response = client.post(reverse("partnerships:two_factor_setup"), {"code": "123456"})
    assert response["Location"].startswith(reverse("partnerships:two_factor_verify"))
    assert TOTPDevice.objects.filter(user=staff).count() == 1


@pytest.mark.parametrize("persona", ["staff", "cim_recruiter", "giz_recruiter"])
def test_everyone_who_must_is_stopped_before_any_page(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user, second_factor=False)
    for path in [reverse("home"), reverse("partnerships:profile"), "/admin/"]:
        assert client.get(path).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_superusers_must_too(client, db):
    admin = UserFactory(is_superuser=True)
    assert two_factor.requires_two_factor(admin)
    client.force_login(admin, second_factor=False)
    assert client.get(reverse("home"))["Location"].startswith(reverse("partnerships:two_factor_setup"))


def test_pages_before_the_code_still_work(client, staff):
    client.force_login(staff, second_factor=False)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("login")).status_code == 200


def test_the_navigation_offers_only_logging_out_until_the_code_is_given(client, staff):
    client.force_login(staff, second_factor=False)
    page = client.get(reverse("partnerships:confirm_password")).content.decode()
    for name in ["applications:dashboard", "partnerships:my_municipalities", "partnerships:profile", "admin:index"]:
        assert f'href="{reverse(name)}"' not in page, name
    assert f'action="{reverse("logout")}"' in page

    client.force_login(staff)
    page = client.get(reverse("partnerships:profile")).content.decode()
    for name in ["applications:dashboard", "partnerships:my_municipalities", "partnerships:profile", "admin:index"]:
        assert f'href="{reverse(name)}"' in page, name


def test_the_admin_login_page_sends_to_the_portal_login(client, db):
    response = client.get("/admin/login/?next=/admin/applications/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fadmin%2Fapplications%2F"
    # and its POST does not log anyone in with the password alone
    staff = UserFactory(is_staff=True)
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_municipal_users_log_in_with_the_password_alone(client, german_contact):
    response = log_in(client, german_contact, next_url="/applications/")
    assert response["Location"] == "/applications/"
    assert client.get(reverse("partnerships:profile")).status_code == 200


def test_municipal_user_turns_it_on_after_the_password_again_and_is_asked_next_time(client, german_contact):
    client.force_login(german_contact)
    setup = reverse("partnerships:two_factor_setup")
    response = client.get(setup)
    assert response["Location"].startswith(reverse("partnerships:confirm_password"))
    wrong = client.post(response["Location"], {"password": "not-it"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["password"]
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == setup
    client.get(setup)
    client.post(setup, {"code": code_for(client.session[SETUP_KEY_SESSION_KEY])})
    device = two_factor.app_device(german_contact)
    assert device is not None

    other = type(client)()
    response = log_in(other, german_contact, next_url="/applications/")
    assert response["Location"].startswith(reverse("partnerships:two_factor_verify"))
    assert other.get("/applications/")["Location"].startswith(reverse("partnerships:two_factor_verify"))


def test_municipal_user_with_an_app_cannot_skip_the_code(client, specialist):
    app_of(specialist)
    log_in(client, specialist, next_url="/")
    assert client.get(reverse("partnerships:profile"))["Location"].startswith(reverse("partnerships:two_factor_verify"))


def test_optional_users_may_turn_it_off_staff_may_not(client, german_contact, staff):
    app_of(german_contact)
    two_factor.new_recovery_codes(german_contact)
    client.force_login(german_contact)
    session = client.session
    session["otp_device_id"] = two_factor.app_device(german_contact).persistent_id
    session.save()
    response = client.post(reverse("partnerships:two_factor_disable"))
    assert response["Location"].startswith(reverse("partnerships:confirm_password"))
    client.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    assert client.post(reverse("partnerships:two_factor_disable")).status_code == 302
    assert not two_factor.uses_two_factor(german_contact)
    assert not StaticToken.objects.filter(device__user=german_contact).exists()

    app_of(staff)
    staff_client = type(client)()
    staff_client.force_login(staff)
    staff_client.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    assert staff_client.post(reverse("partnerships:two_factor_disable")).status_code == 403
    assert two_factor.uses_two_factor(staff)


def test_new_recovery_codes_replace_the_old_ones(client, staff):
    old = two_factor.new_recovery_codes(staff)
    client.force_login(staff)  # verified with a test app
    client.post(reverse("partnerships:confirm_password"), {"password": PASSWORD})
    response = client.post(reverse("partnerships:two_factor_recovery_codes"))
    assert response["Location"] == reverse("partnerships:two_factor_recovery_codes")
    new = client.get(response["Location"]).context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.verify(staff, new[0]) is not None
    assert two_factor.verify(staff, old[0]) is None  # (a failure throttles the next try for a second)


def test_profile_shows_the_second_factor_and_the_sessions(client, staff):
    client.force_login(staff)
    with translation.override("en"):
        html = client.get(reverse("partnerships:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="two-factor"' in html and "two-factor-off-button" not in html  # staff cannot turn it off
    assert 'id="login-sessions"' in html


def test_a_staff_session_from_before_the_second_factor_is_led_to_it_without_a_loop(client, staff):
    app_of(staff)
    client.force_login(staff, second_factor=False)
    session = client.session
    session.pop(two_factor.CODE_REQUIRED_KEY)  # as in a session that began before this check existed
    session.save()
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("partnerships:two_factor_verify"))
    assert client.get(response["Location"]).status_code == 200
