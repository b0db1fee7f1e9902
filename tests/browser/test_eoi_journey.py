"""The joint EOI as two people make it: German contact in German, partner contact in French."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.models import ExpressionOfInterest, Status
from tests.browser.logins import log_in, log_in_with_code
from tests.eoi_content import POSTED
from tests.factories import PASSWORD

PARTNER_EMAIL = "nangula@windhoek.example"


@pytest.fixture
def portal(live_server, settings, media):
    settings.PORTAL_URL = live_server.url
    return live_server.url


def fill_fields(page, values):
    for name, value in values.items():
        if name in ("themes", "sdgs"):
            for choice in value:
                page.check(f"input[name={name}][value='{choice}']")
        elif name.startswith(("language_", "level_")):
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)


def test_german_and_partner_municipality_apply_together(
    portal, browser, partnership, german_contact, staff, models_open_in_namibia, screenshot
):
    german = browser.new_context(locale="de-DE", accept_downloads=True)
    page = german.new_page()

    # The German contact starts the EOI in German; Windhoek has nobody on the portal yet, and the page says who invites.
    log_in(page, portal, german_contact.email)
    page.goto(f"{portal}/applications/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.click("a[href*='/applications/start/']")
    page.check("input[name=specialist_model][value=integrated]")
    screenshot(page, "german-starts")
    page.click("main button[type=submit]")
    expect(page.locator("#eoi-status")).to_be_visible()
    expect(page.locator("#no-contact-yet")).to_contain_text("Windhoek")
    eoi = ExpressionOfInterest.objects.get()
    windhoek = eoi.participants.get(side="partner").municipality

    page.goto(f"{portal}/applications/{eoi.pk}/edit/german/")
    fill_fields(page, POSTED["german"])
    page.click("button[name=go][value=shared]")
    fill_fields(page, POSTED["shared"])
    screenshot(page, "german-fills-shared-part")
    page.click("button[name=go][value=overview]")
    expect(page.locator("#checklist")).to_be_visible()
    screenshot(page, "german-overview")

    # Programme staff invite Windhoek's first person, in French.
    office = browser.new_context(locale="de-DE")
    spage = office.new_page()
    log_in_with_code(spage, portal, staff)
    spage.goto(f"{portal}/applications/{eoi.pk}/")
    spage.select_option("#id_invite-municipality", str(windhoek.pk))
    spage.select_option("#id_invite-language", "fr")
    spage.fill("#id_invite-email", PARTNER_EMAIL)
    spage.fill("#id_invite-name", "Nangula Shikongo")
    spage.click("#invite-button")
    invitation_mail = next(m for m in mail.outbox if m.to == [PARTNER_EMAIL])
    assert invitation_mail.body.startswith("Bonjour Nangula Shikongo")
    link = re.search(r"(http://\S+/applications/invitation/\S+)", invitation_mail.body).group(1)

    # The partner opens the invitation, switches to French, registers and fills the partner part as an editor.
    partner = browser.new_context(locale="en-GB")
    ppage = partner.new_page()
    ppage.goto(link)
    ppage.get_by_role("button", name="FR").click()
    expect(ppage.locator("html")).to_have_attribute("lang", "fr")
    ppage.fill("#id_name", "Nangula Shikongo")
    ppage.select_option("#id_preferred_language", "fr")
    ppage.fill("#id_password1", PASSWORD)
    ppage.fill("#id_password2", PASSWORD)
    screenshot(ppage, "partner-registers-in-french")
    ppage.click("main form button[type=submit]")
    expect(ppage.locator("#eoi-status")).to_be_visible()
    ppage.goto(f"{portal}/applications/{eoi.pk}/edit/partner/")
    expect(ppage.locator("html")).to_have_attribute("lang", "fr")
    fill_fields(ppage, POSTED["partner"])
    screenshot(ppage, "partner-fills-partner-part")
    ppage.click("button[name=go][value=overview]")
    expect(ppage.locator("#confirm-button")).to_have_count(0)  # an editor does not confirm for Windhoek

    # Staff make her Windhoek's contact person on the members page; now she confirms.
    spage.goto(f"{portal}/accounts/municipalities/{windhoek.pk}/members/")
    spage.click("#members button[name=role][value=contact]")
    expect(spage.locator("#members")).to_contain_text("Ansprechperson")
    screenshot(spage, "staff-makes-the-partner-a-contact")
    ppage.reload()
    ppage.click("#confirm-button")
    expect(ppage.locator("#confirm-button")).to_have_count(0)
    screenshot(ppage, "partner-confirmed")

    # The German contact changes a field: the partner's confirmation is void.
    page.goto(f"{portal}/applications/{eoi.pk}/edit/german/")
    page.fill("#id_motivation", "Berlin wants to deepen its water partnership, now with schools.")
    page.click("button[name=go][value=overview]")
    expect(page.locator("#voided-notice")).to_be_visible()
    screenshot(page, "german-sees-confirmations-voided")
    assert any(m.to == [PARTNER_EMAIL] and "Bonjour" in m.body for m in mail.outbox[1:])

    # Both confirm the same text; the German contact submits.
    page.click("#confirm-button")
    ppage.reload()
    ppage.click("#confirm-button")
    page.reload()
    page.click("#submit-button")
    expect(page.locator("#eoi-status")).to_have_text("Eingereicht")
    screenshot(page, "german-submitted")
    eoi.refresh_from_db()
    assert eoi.status == Status.SUBMITTED

    page.goto(f"{portal}/applications/")
    expect(page.locator("main")).to_contain_text("Eingereicht")
    screenshot(page, "dashboard-submitted")

    page.goto(f"{portal}/applications/{eoi.pk}/")
    with page.expect_download() as download:
        page.click("a[href*='/pdf/']:visible >> nth=0")
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
