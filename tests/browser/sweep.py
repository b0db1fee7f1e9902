"""The accessibility sweep's machinery: which pages, as whom, and what is measured on each.

The pages come from the access matrix (tests/test_access_matrix.ALL_RULES): every URL name, portal and admin,
for each persona who may GET it. Nothing is listed here. A page that answers with something other than HTML
(a PDF, a CSV, JSON) or sends the persona on elsewhere is noted and left out: where it leads is swept in its own
right. Each page is loaded once; axe runs at 1,280 px, the viewport narrows to 390 px, axe runs again.
"""

import dataclasses
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test.signals import template_rendered
from django.urls import resolve, reverse
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import PortalClient
from tests.test_access_matrix import ALL_RULES, url_of
from tests.test_url_guard import sign_in

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
WIDE, NARROW = 1280, 390
HEIGHT = 900
AXE = Axe()
# Runs axe-core (injected once a page) and returns only what the report needs: rule, impact, targets.
RUN_AXE = """options => axe.run(document, options).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))"""
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"
# Two frames: the page's resize handlers (the admin's repairs) have run and the layout is settled.
AFTER_RESIZE = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclasses.dataclass(frozen=True)
class Finding:
    persona: str
    name: str
    url: str
    width: int
    rule: str
    detail: str

    def __str__(self):
        return f"{self.rule} | {self.name} {self.url} | {self.persona} | {self.width}px | {self.detail}"


def pages_by_persona(world):
    """persona -> [(URL name, URL)]: every URL of the matrix a persona may GET, once per name."""
    pages = {}
    for name, rule in sorted(ALL_RULES.items()):
        if rule.post_only:
            continue
        url = url_of(name, rule, world)
        for persona in sorted(rule.get):
            pages.setdefault(persona, []).append((name, url))
    return pages


def signed_in_client(personas, persona):
    """A test client with the persona's session (None for anonymous)."""
    client = PortalClient(raise_request_exception=False)  # a server error is a finding, not the sweep's end
    if persona != "anonymous":
        sign_in(client, personas, persona)
    return client


def persona_context(browser, portal, personas, persona, client=None):
    """A browser context signed in as the persona by its session cookie: no login page, no password typed."""
    context = browser.new_context(locale="de-DE", viewport={"width": WIDE, "height": HEIGHT})
    if persona != "anonymous":
        client = client or signed_in_client(personas, persona)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": portal}])
    return context


def probe(client, url):
    """What the page is, asked in-process (no browser): why it is no HTML page of its own, or "" for a page.

    An async view is asked by the browser alone: the test client cannot run one beside Playwright's event loop."""
    match = resolve(urlsplit(url).path)
    if getattr(getattr(match.func, "view_class", match.func), "view_is_async", False):
        return ""
    response = client.get(url)
    if response.status_code in (301, 302, 303, 307, 308):
        return f"redirected to {response['Location']}"
    if response.status_code != 200:
        return f"status {response.status_code}"
    if not response.get("Content-Type", "").startswith("text/html") or response.get("Content-Disposition"):
        return f"not HTML ({response.get('Content-Type')})"
    if b"<!doctype" not in response.content.lstrip()[:20].lower():
        return "a fragment for htmx to put into a page, not a page"
    return ""


def open_page(page, url):
    """Load the page; None and why not when it is no HTML page of its own (a download, data, a redirect)."""
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:  # Chromium turns an attachment into a download and aborts the navigation
        return None, f"not a page ({str(error).splitlines()[0]})"
    if response.request.redirected_from is not None:
        return None, f"redirected to {response.url}"
    if response.status != 200:
        return None, f"status {response.status}"
    if not response.headers.get("content-type", "").startswith("text/html"):
        return None, f"not HTML ({response.headers.get('content-type')})"
    if page.evaluate("document.doctype === null"):
        return None, "a fragment for htmx to put into a page, not a page"
    return response, ""


def language_switcher_hidden(page):
    """The language buttons, each visible without opening a menu; the admin has none (staff read German)."""
    switcher = page.locator(f'form[action="{reverse("set_language")}"]')
    if switcher.count() == 0:
        return "no language switcher"
    controls = switcher.first.locator("button, select, a")
    hidden = [controls.nth(i).inner_text() for i in range(controls.count()) if not controls.nth(i).is_visible()]
    if not switcher.first.is_visible() or hidden:
        return f"language switcher hidden ({', '.join(hidden) or 'the form'})"
    return ""


def check_page(page, persona, name, url):
    """axe at both widths, the sideways scroll and the language switcher at the narrow one; returns the findings."""
    findings = []

    def found(width, rule, detail):
        findings.append(Finding(persona, name, url, width, rule, detail))

    is_admin = name.startswith("admin:")
    page.evaluate(AXE.axe_script)
    for width in (WIDE, NARROW):
        if width == NARROW:
            page.set_viewport_size({"width": NARROW, "height": HEIGHT})
            page.evaluate(AFTER_RESIZE)
            scroll_width = page.evaluate(SCROLL_WIDTH)
            if scroll_width > NARROW:
                found(width, "sideways-scroll", f"scrollWidth {scroll_width}px")
        for violation in page.evaluate(RUN_AXE, AXE_OPTIONS):
            for target in violation["targets"]:
                found(width, violation["id"], f"{violation['impact']}: {target}")
        if not is_admin and (problem := language_switcher_hidden(page)):
            found(width, "language-switcher", problem)
    page.set_viewport_size({"width": WIDE, "height": HEIGHT})
    return findings


def cpu_seconds():
    """CPU time of this process (the live server's threads too) and every process under it (the browser's)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" ", 1)
        except OSError:  # gone meanwhile
            continue
        fields = rest.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append((int(pid), sum(int(value) for value in fields[11:15])))
    ticks, todo = 0, [os.getpid()]
    while todo:
        for pid, used in children.get(todo.pop(), []):
            ticks += used
            todo.append(pid)
    own = os.times()
    return own.user + own.system + ticks / os.sysconf("SC_CLK_TCK")


class TemplatesRendered:
    """The names of the templates the live server renders (one page at a time: the sweep waits for each)."""

    def __init__(self):
        self.names = set()
        template_rendered.connect(self.seen)

    def seen(self, sender, template, **kwargs):
        self.names.add(template.name)

    def take(self):
        names, self.names = frozenset(self.names), set()
        return names

    def close(self):
        template_rendered.disconnect(self.seen)


@dataclasses.dataclass
class SweepResult:
    findings: list = dataclasses.field(default_factory=list)
    checked: list = dataclasses.field(default_factory=list)  # (persona, name)
    skipped: list = dataclasses.field(default_factory=list)  # (persona, name, why)
    seconds: float = 0.0
    cpu: float = 0.0


PARTS = ("portal", "admin")  # the admin's pages and the portal's draw on no template set in common


def in_part(name, part):
    return name.startswith("admin:") == (part == "admin")


def sweep(browser, portal, personas, world, part):
    """Every template, each persona's first page and every page whose templates no page checked before drew from;
    one browser context (one session) per persona. `part`: the portal's pages or the admin's (two tests, which the
    suite's two workers run at once).

    A page drawn from the very templates a page already checked drew from (the admin's change list of another model,
    the same page for another member) is not checked again, so the sweep keeps to its CI budget; with
    A11Y_EVERY_PERSONA=1 the key includes the persona: every template for every persona who sees it (~4x longer).
    """
    every_persona = os.environ.get("A11Y_EVERY_PERSONA") == "1"
    result, started, cpu = SweepResult(), time.monotonic(), cpu_seconds()
    templates, seen = TemplatesRendered(), {}
    try:
        for persona, every_page in sorted(pages_by_persona(world).items()):
            pages = [(name, url) for name, url in every_page if in_part(name, part)]
            if not pages:
                continue
            client = signed_in_client(personas, persona)
            context = persona_context(browser, portal, personas, persona, client)
            page, first = context.new_page(), True
            for name, url in pages:
                # The templates a page draws from, asked in-process: the browser loads only what it must check.
                templates.take()
                why = probe(client, url)
                drawn_from = (persona if every_persona else "", templates.take())
                if not why and drawn_from in seen and not first:
                    why = f"the same templates as {seen[drawn_from]}"
                if not why:
                    response, why = open_page(page, portal + url)
                if why:
                    if why.startswith("status 5"):
                        result.findings.append(Finding(persona, name, url, WIDE, "server-error", why))
                    result.skipped.append((persona, name, why))
                    continue
                seen[drawn_from], first = f"{name} as {persona}", False
                result.checked.append((persona, name))
                result.findings += check_page(page, persona, name, url)
            context.close()
    finally:
        templates.close()
    result.seconds, result.cpu = time.monotonic() - started, cpu_seconds() - cpu
    return result
