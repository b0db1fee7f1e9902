from playwright.sync_api import expect


def test_visitor_reads_the_programme_and_switches_language(live_server, page, screenshot, db):
    page.goto(live_server.url)
    expect(page.locator("h1")).to_contain_text("Partnerschaft")
    screenshot(page, "home-de")
    page.get_by_role("button", name="FR").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "home-fr")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
