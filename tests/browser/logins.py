"""Logging in, as the browser journeys do it: the password, and for staff and recruiters the code."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, portal, email):
    page.goto(f"{portal}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def log_in_with_code(page, portal, user, screenshot=None):
    """The password, then the code an authenticator app with the user's key would show now."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", defaults={"confirmed": True})
    log_in(page, portal, user.email)
    expect(page.locator("#id_code")).to_be_visible()
    if screenshot:
        screenshot(page, "code-step")
    page.fill("#id_code", f"{totp(device.bin_key):06d}")
    page.click("main button[type=submit]")
    expect(page.locator("#id_code")).to_have_count(0)
