"""The menu bar keeps one row on desktop widths in every language, folds into the toggler below, and the user
menu reaches the profile and logs out."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.test_csp import signed_in_page

OVERFLOW = "() => { const bar = document.querySelector('nav .container'); return bar.scrollWidth - bar.clientWidth; }"


@pytest.fixture
def busiest_user(staff):
    """Staff have the longest menu (recruitment and the administration besides the rest); Spanish the longest words."""
    staff.name = "Paula Programm"
    staff.save()
    return staff


@pytest.mark.parametrize("language", ["de", "en", "fr", "es"])
def test_the_longest_menu_fits_one_row_from_the_xl_breakpoint(browser, portal, busiest_user, language):
    busiest_user.preferred_language = language
    busiest_user.save()
    page = signed_in_page(browser, portal, busiest_user)
    for width in (1200, 1400, 1920):
        page.set_viewport_size({"width": width, "height": 600})
        page.goto(portal + reverse("home"))
        assert page.evaluate(OVERFLOW) <= 0, (language, width)
        assert page.locator(".navbar-toggler").is_hidden()
        assert page.locator("#main-nav .nav-link").first.bounding_box()["height"] < 50  # one line of text


def test_below_it_the_menu_folds_and_the_user_menu_logs_out(browser, portal, busiest_user):
    page = signed_in_page(browser, portal, busiest_user)
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(portal + reverse("home"))
    assert page.evaluate(OVERFLOW) <= 0
    assert page.locator("#user-menu").is_hidden()
    page.click(".navbar-toggler")
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))  # the fold has opened
    page.click("#user-menu")
    expect(page.locator(f'.dropdown-menu a[href="{reverse("partnerships:profile")}"]')).to_be_visible()
    page.click(".dropdown-menu button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(f'#main-nav a[href="{reverse("login")}"]').count() == 1
