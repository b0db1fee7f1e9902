"""From the shortlist to a completed placement: staff, the partner municipality and the specialist."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Status
from fachkraefte.models import OutboundEmail
from placements.models import Candidate, NetworkEvent, Placement, PlacementStatus, Registration
from tests.browser.logins import log_in, log_in_with_code
from tests.factories import UserFactory
from tests.workflow import in_status


@pytest.fixture
def portal(live_server, settings, media):
    settings.PORTAL_URL = live_server.url
    return live_server.url


def candidate(name, years):
    return Candidate.objects.create(
        name=name,
        email=f"{name.split()[0].lower()}@example.org",
        nationalities=["DE"],
        date_of_birth=datetime.date(1985, 5, 5),
        languages=[{"language": "en", "level": "C1"}],
        expertise=["climate"],
        years_of_experience=years,
        available_from=datetime.date(2027, 1, 1),
    )


def confirm_admin_step(page, portal, placement, step, **fields):
    page.goto(f"{portal}/admin/placements/placement/{placement.pk}/transition/{step}/")
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    page.click("#confirm-transition")
    expect(page.locator(".messagelist")).to_be_visible()


def test_shortlist_pick_place_log_and_network(
    portal,
    browser,
    eoi,
    staff,
    german_contact,
    partner_contact,
    german_municipality,
    partner_municipality,
    specialist,
    screenshot,
):
    eoi = in_status(
        eoi, Status.RECRUITMENT, staff=staff, german_contact=german_contact, partner_contact=partner_contact
    )
    first, second = candidate("Anna Abwasser", 8), candidate("Bert Bauer", 3)
    specialist.preferred_language, specialist.email = "es", first.email  # Anna has an account already
    specialist.save()
    now = timezone.now()
    event = NetworkEvent.objects.create(
        title="Netzwerktreffen Klima",
        starts_at=now + datetime.timedelta(days=40),
        ends_at=now + datetime.timedelta(days=40, hours=3),
        capacity=1,
        registration_deadline=now + datetime.timedelta(days=30),
        created_by=staff,
    )
    early_bird = UserFactory(roles=["specialist"])
    Registration.objects.create(event=event, specialist=early_bird, state=Registration.State.REGISTERED)

    # Staff shortlist two candidates and hand the shortlist to the municipalities.
    staff_page = browser.new_context(locale="de-DE").new_page()
    log_in_with_code(staff_page, portal, staff)
    staff_page.goto(f"{portal}/placements/selection/eoi/{eoi.pk}/matches/")
    screenshot(staff_page, "staff-sees-ranked-candidates")
    for person in (first, second):
        staff_page.click(f"button[name=candidate][value='{person.pk}']")
    staff_page.click("#start-selection")
    eoi.refresh_from_db()
    assert eoi.status == Status.CANDIDATE_SELECTION

    # Each municipality decides for itself; the partner municipality, as the employer, picks.
    shortlist = f"{portal}/placements/selection/eoi/{eoi.pk}/shortlist/"
    entry, declined = eoi.shortlist.get(candidate=first), eoi.shortlist.get(candidate=second)
    partner_page = browser.new_context(locale="fr-FR").new_page()
    log_in(partner_page, portal, partner_contact.email)
    partner_page.goto(shortlist)
    card = partner_page.locator(f"#entry-{entry.pk}")
    expect(card).not_to_contain_text(first.email)  # contact data stay hidden
    card.locator(f"input[name='entry-{entry.pk}-decision'][value=accepted]").check()
    partner_page.click(f"#decide-{entry.pk}-{partner_municipality.pk} button[type=submit]")
    screenshot(partner_page, "partner-accepted")
    expect(partner_page.locator(f"#select-{entry.pk}")).to_have_count(0)  # Berlin has not accepted yet

    german_page = browser.new_context(locale="de-DE").new_page()
    log_in(german_page, portal, german_contact.email)
    german_page.goto(shortlist)
    card = german_page.locator(f"#entry-{entry.pk}")
    expect(card.locator(f"#decision-{entry.pk}-{partner_municipality.pk}")).to_contain_text(partner_contact.name)
    accept = card.locator(f"input[name='entry-{entry.pk}-decision'][value=accepted]")
    expect(accept).not_to_be_checked()  # Berlin's form holds Berlin's decision only: none yet
    accept.check()
    german_page.click(f"#decide-{entry.pk}-{german_municipality.pk} button[type=submit]")
    card = german_page.locator(f"#entry-{declined.pk}")
    card.locator(f"input[name='entry-{declined.pk}-decision'][value=declined]").check()
    card.locator(f"textarea[name='entry-{declined.pk}-reason']").fill("Zu wenig Berufserfahrung")
    german_page.click(f"#decide-{declined.pk}-{german_municipality.pk} button[type=submit]")
    expect(german_page.locator(f"#decision-{declined.pk}-{german_municipality.pk}")).to_contain_text(
        "Zu wenig Berufserfahrung"
    )
    expect(german_page.locator("#employer-picks")).to_be_visible()
    screenshot(german_page, "german-side-decided")

    partner_page.goto(shortlist)
    row = partner_page.locator(f"#decision-{entry.pk}-{german_municipality.pk}")
    expect(row).to_contain_text(german_contact.name)
    expect(partner_page.locator(f"#decision-{declined.pk}-{partner_municipality.pk}")).not_to_contain_text(
        "Zu wenig Berufserfahrung"
    )
    screenshot(partner_page, "partner-sees-both-decisions")
    partner_page.click(f"#select-{entry.pk}")
    expect(partner_page.locator(f"#select-{entry.pk}")).to_have_count(0)
    eoi.refresh_from_db()
    assert eoi.status == Status.CONTRACTING

    # Staff create the placement; the selected candidate is invited and adds it to her account.
    staff_page.goto(f"{portal}/admin/placements/placement/add/?eoi={eoi.pk}")
    staff_page.click(".field-start .datetimeshortcuts a")  # today
    screenshot(staff_page, "staff-creates-the-placement")
    staff_page.click("input[name=_save]")
    screenshot(staff_page, "staff-saved-the-placement")
    placement = Placement.objects.get(eoi=eoi)
    eoi.refresh_from_db()
    assert eoi.status == Status.PLACED and placement.candidate == first and placement.specialist is None
    invitation = OutboundEmail.objects.get(template="specialist-invitation", to=[first.email])
    page = browser.new_context(locale="es-ES").new_page()
    log_in(page, portal, specialist.email)
    page.goto(re.search(r"https?://\S+", invitation.text).group(0))
    screenshot(page, "specialist-adds-the-placement")
    page.click("#welcome-button")
    placement.refresh_from_db()
    assert placement.specialist == specialist
    confirm_admin_step(staff_page, portal, placement, "begin")

    # The specialist logs an activity in Spanish and joins the full event's waiting list.
    page.goto(f"{portal}/placements/{placement.pk}/activities/new/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.fill("#id_date", "2027-02-10")
    page.fill("#id_title", "Taller sobre pérdidas de agua")
    page.fill("#id_participants_women", "12")
    page.fill("#id_participants_men", "9")
    page.check("input[name=principles][value=inclusion]")
    screenshot(page, "specialist-logs-an-activity-in-spanish")
    page.click("#activity-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("Taller sobre pérdidas de agua")
    screenshot(page, "specialist-activity-log")
    page.goto(f"{portal}/placements/events/{event.pk}/")
    page.click(f"form[action$='/events/{event.pk}/register/'] button")
    assert Registration.objects.get(event=event, specialist=specialist).state == Registration.State.WAITLISTED
    screenshot(page, "specialist-on-the-waiting-list")

    # The early bird cancels; the specialist moves up.
    other = browser.new_context(locale="de-DE").new_page()
    log_in(other, portal, early_bird.email)
    other.goto(f"{portal}/placements/events/{event.pk}/")
    other.click(f"form[action$='/events/{event.pk}/cancel/'] button")
    page.reload()
    assert Registration.objects.get(event=event, specialist=specialist).state == Registration.State.REGISTERED
    screenshot(page, "specialist-promoted")

    # Staff complete the placement.
    confirm_admin_step(staff_page, portal, placement, "complete")
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.COMPLETED
    assert list(declined.decisions.values_list("municipality", "decision")) == [(german_municipality.pk, "declined")]
