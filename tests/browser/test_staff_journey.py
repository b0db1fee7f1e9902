"""Programme staff return an EOI, the applicants change and resubmit it, the dialogue ends in recruitment."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from applications.models import ExpressionOfInterest, Status
from tests.browser.logins import log_in, log_in_with_code
from tests.workflow import in_status

COMMENT = "Bitte beschreiben Sie den Bedarf genauer: wie viele Haushalte sind betroffen?"


@pytest.fixture
def portal(live_server, settings, media):
    settings.PORTAL_URL = live_server.url
    return live_server.url


def staff_moves(page, portal, eoi, transition, comment=""):
    page.goto(f"{portal}/admin/applications/expressionofinterest/{eoi.pk}/change/")
    page.click(f"a.transition-link[data-transition={transition}]")
    if comment:
        page.fill("#id_comment", comment)
    page.click("#confirm-transition")
    expect(page.locator(".messagelist")).to_be_visible()


def test_return_resubmit_dialogue_and_recruitment(
    portal, browser, eoi, staff, german_contact, partner_contact, screenshot
):
    eoi = in_status(eoi, Status.SUBMITTED, staff=staff, german_contact=german_contact, partner_contact=partner_contact)
    staff_page = browser.new_context(locale="de-DE").new_page()
    german_page = browser.new_context(locale="de-DE").new_page()
    partner_page = browser.new_context(locale="fr-FR").new_page()
    log_in_with_code(staff_page, portal, staff, screenshot)
    log_in(german_page, portal, german_contact.email)
    log_in(partner_page, portal, partner_contact.email)

    # Staff review and return it with a comment.
    staff_page.goto(f"{portal}/admin/applications/expressionofinterest/")
    screenshot(staff_page, "staff-changelist")
    staff_moves(staff_page, portal, eoi, "start_review")
    staff_page.goto(f"{portal}/admin/applications/expressionofinterest/{eoi.pk}/change/")
    staff_page.click("a.transition-link[data-transition=return_for_changes]")
    staff_page.click("#confirm-transition")  # without the required comment
    expect(staff_page.locator(".errorlist")).to_be_visible()
    screenshot(staff_page, "staff-return-needs-a-comment")
    staff_page.fill("#id_comment", COMMENT)
    staff_page.click("#confirm-transition")
    screenshot(staff_page, "staff-returned")

    # The applicant reads the comment, edits and both resubmit.
    german_page.goto(f"{portal}/applications/{eoi.pk}/")
    expect(german_page.locator("#timeline")).to_contain_text(COMMENT)
    screenshot(german_page, "applicant-sees-the-comment")
    partner_page.goto(f"{portal}/applications/{eoi.pk}/")
    expect(partner_page.locator("#returned-notice")).to_contain_text(COMMENT)
    expect(partner_page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(partner_page, "partner-sees-the-comment-in-french")
    german_page.goto(f"{portal}/applications/{eoi.pk}/edit/german/")
    german_page.fill("#id_motivation", "1.200 Haushalte sind betroffen; Berlin will helfen.")
    german_page.click("button[name=go][value=overview]")
    german_page.click("#confirm-button")
    partner_page.goto(f"{portal}/applications/{eoi.pk}/")
    partner_page.click("#confirm-button")
    german_page.reload()
    german_page.click("#submit-button")
    expect(german_page.locator("#eoi-status")).to_have_text("Eingereicht")
    screenshot(german_page, "applicant-resubmitted")

    # Staff open the needs dialogue; both sides agree the terms of reference; staff agree too.
    eoi.refresh_from_db()
    staff_moves(staff_page, portal, eoi, "start_review")
    staff_moves(staff_page, portal, eoi, "open_needs_dialogue")
    german_page.goto(f"{portal}/applications/{eoi.pk}/terms/propose/")
    german_page.fill("#id_duration_months", "24")
    german_page.click("main form button[type=submit]")
    german_page.goto(f"{portal}/applications/{eoi.pk}/")
    german_page.click("#dialogue-agree-button")
    screenshot(german_page, "german-agreed-terms")
    partner_page.goto(f"{portal}/applications/{eoi.pk}/")
    partner_page.click("#dialogue-agree-button")
    staff_page.goto(f"{portal}/applications/{eoi.pk}/terms/")
    staff_page.click("#agree-button")
    screenshot(staff_page, "staff-agreed-terms")

    staff_moves(staff_page, portal, eoi, "start_recruitment")
    screenshot(staff_page, "staff-started-recruitment")
    eoi.refresh_from_db()
    assert eoi.status == Status.RECRUITMENT
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).agreed_terms() is not None


def test_recruiter_sets_up_the_authenticator_app_at_the_first_login(portal, browser, cim_recruiter, screenshot):
    page = browser.new_context(locale="en-GB").new_page()
    log_in(page, portal, cim_recruiter.email)
    expect(page.locator("#totp-secret")).to_be_visible()
    screenshot(page, "setup")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert page.locator("#totp-uri").get_attribute("href").startswith("otpauth://totp/")
    page.fill("#id_code", f"{totp(base64.b32decode(secret)):06d}")
    page.click("main button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, "recovery-codes")
    assert TOTPDevice.objects.get(user=cim_recruiter).confirmed
