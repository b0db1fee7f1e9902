"""Issue 13.6: the EOI page in the admin fits the work, even with a long history and a long thread.

Staff see the steps open now, the latest message and the open dialogue items in the first screen;
the step buttons never cover the title; the page stays short and the policy blocks nothing.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Event, Meeting, Message, Status, TermsAgreement, TermsOfReference
from fachkraefte.records import record
from fachkraefte.workflow import steps_open_to
from tests.browser.logins import log_in_with_code
from tests.browser.test_csp import LISTEN
from tests.workflow import in_status

VIEWPORT_HEIGHT = 900
EVENTS = 80
MESSAGES = 40


@pytest.fixture
def busy_eoi(eoi, staff, german_contact, partner_contact, german_municipality, media):
    """An EOI in the needs dialogue after months of work: a long history, a long thread, terms half agreed."""
    eoi = in_status(
        eoi, Status.NEEDS_DIALOGUE, staff=staff, german_contact=german_contact, partner_contact=partner_contact
    )
    start = timezone.now() - datetime.timedelta(days=120)
    for number in range(EVENTS):
        event = record(eoi, Event.Kind.PART_SAVED, by=german_contact, part="german")
        Event.objects.filter(pk=event.pk).update(created_at=start + datetime.timedelta(hours=number))
    for number in range(MESSAGES):
        author, internal = (staff, number % 5 == 0) if number % 2 else (german_contact, False)
        Message.objects.create(eoi=eoi, author=author, internal=internal, body=f"Nachricht {number}: " + "Text " * 40)
    Message.objects.create(eoi=eoi, author=partner_contact, body="Wann treffen wir uns zum Bedarfsdialog?")
    for days in (30, 10):
        Meeting.objects.create(
            eoi=eoi,
            date=(timezone.now() - datetime.timedelta(days=days)).date(),
            participants="Karin Kontakt, Nangula Shikongo",
            notes="Erste Aufgaben besprochen",
            created_by=staff,
        )
    terms = TermsOfReference.objects.create(
        eoi=eoi,
        number=1,
        expertise="Water network engineering",
        tasks_and_goals="Reduce losses",
        places_of_assignment="Windhoek",
        specialist_model=eoi.specialist_model,
        created_by=german_contact,
    )
    TermsAgreement.objects.create(terms=terms, municipality=german_municipality, agreed_by=german_contact)
    return eoi


def boxes_intersect(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def page_facts(page):
    """What the first screen shows: the step buttons' boxes, the title's box, the page's height."""
    page.evaluate("window.scrollTo(0, 0)")
    return {
        "steps": [link.bounding_box() for link in page.locator("a.transition-link").all()],
        "title": page.locator("#content h1").bounding_box(),
        "latest_message": page.locator("#eoi-summary-latest-message").bounding_box(),
        "dialogue": page.locator("#eoi-summary-dialogue").bounding_box(),
        "height": page.evaluate("document.documentElement.scrollHeight"),
    }


def test_the_eoi_admin_page_fits_the_work(portal, browser, staff, busy_eoi, screenshot, capsys):
    steps = steps_open_to(busy_eoi, staff)
    context = browser.new_context(locale="de-DE", viewport={"width": 1600, "height": VIEWPORT_HEIGHT})
    context.add_init_script(LISTEN)
    page = context.new_page()
    log_in_with_code(page, portal, staff)
    url = f"{portal}/admin/applications/expressionofinterest/{busy_eoi.pk}/change/"
    heights = {}
    for language in ("de", "en"):
        staff.preferred_language = language
        staff.save(update_fields=["preferred_language"])
        for width in (1600, 1280):
            page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
            assert page.goto(url).status == 200
            page.wait_for_load_state("networkidle")
            facts = page_facts(page)
            heights[f"{language} {width}px"] = facts["height"]
            screenshot(page, f"{language}-{width}")
            assert len(facts["steps"]) == len(steps) == 2, facts  # start recruitment, record a withdrawal
            for box in facts["steps"]:
                assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT_HEIGHT, (width, box)
                assert not boxes_intersect(box, facts["title"]), (width, box, facts["title"])
            for name in ("latest_message", "dialogue"):
                assert facts[name]["y"] + facts[name]["height"] <= VIEWPORT_HEIGHT, (width, name, facts[name])
            assert facts["height"] < 4 * VIEWPORT_HEIGHT, facts["height"]
            assert page.evaluate("window.cspViolations") == []
    with capsys.disabled():
        print(f"\nEOI admin page height with {EVENTS} events and {MESSAGES + 1} messages: {heights}")

    # The history is closed; opened, it shows the newest rows and leads to all of them, opened again (the script).
    history = page.locator("#events-group")
    expect(history.locator("tbody tr").first).to_be_hidden()
    history.locator("summary").click()
    expect(history.locator("tbody tr")).to_have_count(10)
    screenshot(page, "en-1280-history-open")
    history.locator("a.show-all-rows").click()
    expect(page.locator("#events-group tbody tr")).to_have_count(busy_eoi.events.count())
    expect(page.locator("#events-group details")).to_have_attribute("open", "")
    assert page.evaluate("window.cspViolations") == []
