"""The portal's look, checked without a browser: the palette's contrast, the language switcher outside the folded
menu, link texts that tell rows apart, and the error summary that links to the fields."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()


def hex_colour(name):
    return re.search(rf"{name}:\s*(#[0-9a-f]{{6}});", CSS).group(1)


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other):
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    "foreground, background, needed",
    [
        ("--fk-primary", "#ffffff", 4.5),  # links and outline buttons on white
        ("--fk-primary", "--fk-surface", 4.5),  # links on cards, table heads and the footer
        ("#ffffff", "--fk-primary", 4.5),  # white on a primary button
        ("--bs-navbar-color", "--fk-ink", 4.5),  # the menu bar's links and the language switcher
        ("--fk-muted", "--fk-surface", 4.5),  # secondary text on the surface colour
        ("--fk-focus", "#ffffff", 3),  # the focus ring on white
        ("--fk-focus", "--fk-surface", 3),  # ... and on the surface colour
        ("--fk-focus-on-dark", "--fk-ink", 3),  # ... and in the menu bar
    ],
)
def test_the_palette_meets_wcag_contrast(foreground, background, needed):
    def resolve(colour):
        return colour if colour.startswith("#") else hex_colour(colour)

    assert contrast(resolve(foreground), resolve(background)) >= needed


def test_bootstrap_blue_is_replaced_and_a_print_style_exists():
    assert "--bs-primary: var(--fk-primary)" in CSS and "--bs-link-color: var(--fk-primary)" in CSS
    assert "@media print" in CSS
    assert "#0d6efd" not in (Path(settings.BASE_DIR) / "static" / "favicon.svg").read_text()


class Ancestry(HTMLParser):
    """Records, for each element with one of `wanted`'s attributes, the ids of the elements around it."""

    VOID = {"input", "meta", "link", "br", "img", "hr", "source", "path", "circle"}

    def __init__(self):
        super().__init__()
        self.stack, self.found = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("action") == reverse("set_language"):
            self.found["switcher"] = [id_ for _, id_ in self.stack]
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("id")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass


@pytest.mark.parametrize("persona", ["anonymous", "partner_contact", "staff"])
def test_the_language_switcher_sits_outside_the_folded_menu(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])
    page = Ancestry()
    page.feed(client.get(reverse("home")).content.decode())
    assert "switcher" in page.found
    assert "main-nav" not in page.found["switcher"]


def test_the_dashboards_links_tell_one_partnerships_eois_apart(client, eoi, partnership, german_contact):
    services.start(partnership, list(partnership.municipalities.all()), "development_worker", by=german_contact)
    client.force_login(german_contact)
    html = client.get(reverse("applications:dashboard")).content.decode()
    links = [
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'class="[^"]*eoi-link[^"]*"[^>]*>(.*?)</a>', html, re.S)
    ]
    assert len(links) == 2
    assert len(set(links)) == 2


def test_a_form_with_errors_starts_with_a_summary_linking_to_each_field(client, db):
    html = client.post(
        reverse("partnerships:signup"), {"email": "not an address"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    summary = re.search(
        r'<div class="alert alert-danger error-summary" tabindex="-1" data-error-summary>(.*?)</div>', html, re.S
    )
    assert summary, "no error summary"
    assert 'href="#id_email"' in summary.group(1) and 'href="#id_password1"' in summary.group(1)
    assert html.index("data-error-summary") < html.index('id="id_email"')
    assert 'aria-describedby="id_email_error"' in html
    assert "js/error-summary.js" in html
