"""Programme staff log in and land on their work queue, at a desktop width and a phone's, and follow an item."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from applications import services
from applications.models import Status
from partnerships import services as partnership_services
from tests.browser.logins import log_in_with_code
from tests.factories import GermanMunicipalityFactory, UserFactory
from tests.workflow import in_status, submitted


@pytest.fixture
def portal(live_server, settings, media):
    settings.PORTAL_URL = live_server.url
    return live_server.url


@pytest.fixture
def waiting(eoi, partnership, staff, german_contact, partner_contact):
    """A new submission, an EOI in review and a join request to a municipality without a contact person."""
    municipalities = list(partnership.municipalities.all())
    people = {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}
    in_status(services.start(partnership, municipalities, "local", by=german_contact), Status.IN_REVIEW, **people)
    muenster = GermanMunicipalityFactory(name="Münster", ags="05515000")
    partnership_services.request_to_join(muenster, by=UserFactory(name="Nora Neu"), role="editor", message="")
    return submitted(eoi, german_contact, partner_contact)


@pytest.mark.parametrize("width", [1280, 390])
def test_staff_land_on_the_work_queue_and_follow_an_item(browser, portal, staff, waiting, screenshot, width):
    page = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900}).new_page()
    log_in_with_code(page, portal, staff)
    expect(page).to_have_url(re.compile(re.escape(reverse("work_queue")) + "$"))
    items = page.locator("#work-items .work-item")
    expect(items).to_have_count(2)  # the submission and the join request; the EOI in review is not overdue
    expect(page.locator("#work-count")).to_have_text("2")
    screenshot(page, f"work-queue-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"

    page.click('#work-kinds a[data-kind="eoi_submitted"]')
    expect(items).to_have_count(1)
    screenshot(page, f"work-queue-submissions-{width}")

    page.click("#work-items .work-link")
    expect(page).to_have_url(re.compile(rf"/admin/applications/expressionofinterest/{waiting.pk}/change/$"))
    expect(page.locator("a.transition-link[data-transition=start_review]")).to_be_visible()
    screenshot(page, f"admin-eoi-from-the-queue-{width}")

    staff.preferred_language = "en"  # the same queue as an English-speaking colleague reads it
    staff.save()
    page.goto(f"{portal}{reverse('work_queue')}")
    expect(page.locator("h1")).to_have_text("Work queue")
    screenshot(page, f"work-queue-english-{width}")
