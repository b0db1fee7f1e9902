"""In a real browser the strict Content Security Policy blocks nothing the portal needs, and blocks what it must."""

from django.conf import settings
from django_celery_beat.models import CrontabSchedule
from playwright.sync_api import expect

from tests.conftest import PortalClient
from tests.factories import UserFactory

# Chromium reports each violation as a securitypolicyviolation event; Playwright's init script runs outside the
# page's policy, so it can listen for them before the page's own scripts run.
LISTEN = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"
)


def signed_in_page(browser, portal, user):
    """A page whose session is signed in (with the second factor for staff), without typing a password."""
    client = PortalClient()
    client.force_login(user)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": portal}])
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: page.console_messages.append(f"pageerror: {error}"))
    return page


def visit(page, url):
    """Open the page, let its scripts run, and return what the policy blocked and what the console said."""
    response = page.goto(url)
    assert response.status == 200, url
    assert "'nonce-" in response.headers["content-security-policy"] or "/admin/" in url
    page.wait_for_load_state("networkidle")
    blocked = page.evaluate("window.cspViolations")
    console = [line for line in page.console_messages if "error" in line.split(":")[0]]
    page.console_messages.clear()
    return blocked, console


def test_pages_run_under_the_policy_without_a_violation(portal, browser, world, german_contact, screenshot):
    eoi = world["eoi"]
    applicant = signed_in_page(browser, portal, german_contact)
    for label, path in [
        ("eoi-edit", f"/applications/{eoi.pk}/edit/german/"),
        ("eoi-detail", f"/applications/{eoi.pk}/"),
        ("dashboard", "/applications/"),
    ]:
        assert visit(applicant, portal + path) == ([], []), label
        # The scripts ran (files from 'self'), and htmx, told so, injected no indicator <style>.
        assert applicant.evaluate("typeof bootstrap.Collapse + ' ' + htmx.config.includeIndicatorStyles") == (
            "function false"
        )
        assert applicant.locator("style").count() == 0
        screenshot(applicant, label)

    staff = signed_in_page(browser, portal, UserFactory(is_staff=True, is_superuser=True))
    for label, path in [
        ("admin-eoi-change", f"/admin/applications/expressionofinterest/{eoi.pk}/change/"),
        ("admin-placement-change", f"/admin/placements/placement/{world['placement'].pk}/change/"),
        ("admin-dashboard", "/admin/applications/expressionofinterest/dashboard/"),
    ]:
        assert visit(staff, portal + path) == ([], []), label
        screenshot(staff, label)


def test_the_policy_blocks_an_injected_inline_script(portal, browser, german_contact):
    """The check above can fail: an inline script put into the page is refused and reported."""
    page = signed_in_page(browser, portal, german_contact)
    visit(page, portal + "/applications/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = true';"
        " document.body.append(s); const d = document.createElement('div'); d.setAttribute('style', 'color: red');"
        " document.body.append(d); }"
    )
    page.wait_for_function("window.cspViolations.length >= 2")
    assert page.evaluate("window.injected") is None
    blocked = page.evaluate("window.cspViolations")
    assert any(line.startswith("script-src") for line in blocked), blocked
    assert any(line.startswith("style-src") for line in blocked), blocked


def test_periodic_task_form_script_works_from_its_file(portal, browser, db, screenshot):
    """django-celery-beat's inline script now comes from static/js: it still shows the schedule in words."""
    crontab = CrontabSchedule.objects.create(minute="0", hour="3")
    page = signed_in_page(browser, portal, UserFactory(is_staff=True, is_superuser=True))
    assert visit(page, portal + "/admin/django_celery_beat/periodictask/add/") == ([], [])
    # The schedules come as data (json_script), which the browser never runs, so the policy has nothing to refuse.
    assert page.locator("script#readable-crontabs").get_attribute("type") == "application/json"
    page.select_option("#id_crontab", str(crontab.pk))
    expect(page.locator(".field-crontab .help")).to_contain_text("03:00")
    screenshot(page, "periodic-task-form")
    assert page.evaluate("window.cspViolations") == []


def test_admin_forms_draw_their_widgets_without_a_blocked_style(portal, browser, world, screenshot):
    """The three admin forms with the most widgets (select2 boxes, the two-box selector, calendars, inline rows):
    loaded and used, at 1,280 and 390 px, nothing they draw is refused by style-src 'self' (no style="" in markup
    and no <style>; styles set through the CSSOM are allowed)."""
    page = signed_in_page(browser, portal, UserFactory(is_staff=True, is_superuser=True))
    for label, path in [
        ("eoi-change", f"/admin/applications/expressionofinterest/{world['eoi'].pk}/change/"),
        ("candidate-add", "/admin/placements/candidate/add/"),
        ("placement-add", "/admin/placements/placement/add/"),
    ]:
        assert visit(page, portal + path) == ([], []), label
        for widget in (".select2-selection", ".datetimeshortcuts a:has(.date-icon)", ".add-row a"):
            target = page.locator(widget)
            if target.count() and target.first.is_visible():
                target.first.click()
                page.keyboard.press("Escape")
        assert page.evaluate("window.cspViolations") == [], label
        assert page.evaluate("document.querySelectorAll('style').length") == 0, label
        screenshot(page, f"{label}-1280")
        page.set_viewport_size({"width": 390, "height": 900})
        screenshot(page, f"{label}-390")
        page.set_viewport_size({"width": 1280, "height": 900})
