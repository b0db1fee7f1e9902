"""What the first load of a page costs on the wire, with static files as production serves them: collected by the
storage production uses (fingerprinted names, gzip and brotli copies) and answered by WhiteNoise for a browser
that accepts "gzip, br". A portal page stays within 120 kB, an admin page within 300 kB; nothing comes from
another host, every static file has a fingerprint, and the portal's images say their size.

The live server's own static handler knows neither fingerprints nor compression, so the browser's requests for
/static/ are answered here, by WhiteNoise's middleware over the collected files; each page's static files are
counted from its own resource list, so the browser's cache cannot make a later page look lighter.
"""

import re

import brotli
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware

from tests import test_url_guard as guard
from tests.browser.sweep import open_page, persona_context
from tests.production_env import COMPLETE
from tests.subprocess_env import run_python
from tests.test_access_matrix import ANONYMOUS

PORTAL_BUDGET, ADMIN_BUDGET = 120_000, 300_000
PRODUCTION_STATIC = "whitenoise.storage.CompressedManifestStaticFilesStorage"
FINGERPRINT = r"\.[0-9a-f]{12}\.(css|js|svg|png|woff2?)$"


def test_production_collects_static_files_fingerprinted_and_compressed():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.STORAGES['staticfiles'])"
    result = run_python(code, **COMPLETE)
    assert result.returncode == 0, result.stderr
    assert PRODUCTION_STATIC in result.stdout
    assert brotli.compress(b"x")  # whitenoise writes .br files only when Brotli is installed


@pytest.fixture
def production_static(settings, tmp_path):
    """collectstatic as production runs it, into a folder of this test; WhiteNoise's middleware over it."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PRODUCTION_STATIC}}
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return WhiteNoiseMiddleware(get_response=None)


class Wire:
    """Answers the browser's static requests through WhiteNoise and counts each response's bytes on the wire."""

    def __init__(self, whitenoise, portal):
        self.whitenoise, self.portal, self.requests, self.factory = whitenoise, portal, [], RequestFactory()

    def serve(self, path, encoding):
        static_file = self.whitenoise.files.get(path)
        response = self.whitenoise.serve(static_file, self.factory.get(path, HTTP_ACCEPT_ENCODING=encoding))
        return response, b"".join(response.streaming_content)

    def measure(self, url):
        """(url, encoding, bytes on the wire) of one static file as WhiteNoise answers "gzip, br"."""
        if self.whitenoise.files.get(url[len(self.portal) :]) is None:
            return url, "missing", 0
        response, body = self.serve(url[len(self.portal) :], "gzip, br")
        headers = "".join(f"{name}: {value}\r\n" for name, value in response.items())
        return url, response.get("Content-Encoding", "identity"), len(body) + len(headers)

    def route(self, route, request):
        path = request.url[len(self.portal) :]
        if self.whitenoise.files.get(path) is None:
            route.fulfill(status=404)
            return
        response, body = self.serve(path, "gzip, br")
        plain = brotli.decompress(body) if response.get("Content-Encoding") == "br" else self.serve(path, "")[1]
        route.fulfill(status=200, body=plain, content_type=response["Content-Type"])


def first_load(page, wire, url):
    """Bytes of one page's first load: the document, and every static file it loads as production sends it
    (compressed), counted from the page's own resource list so that the browser's cache cannot hide one."""
    wire.requests.clear()
    documents = []

    def listen(response):
        if "/static/" not in response.url:
            documents.append(response)

    page.on("response", listen)
    response, why = open_page(page, url)
    page.remove_listener("response", listen)
    if response is None:
        return None, why
    loaded = page.evaluate("performance.getEntriesByType('resource').map(entry => entry.name)")
    static = sorted({name for name in loaded if name.startswith(wire.portal + settings.STATIC_URL)})
    wire.requests[:] = [wire.measure(name) for name in static]
    total = sum(size for _url, _encoding, size in wire.requests)
    for document in documents:
        sizes = document.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total, [document.url for document in documents] + [name for name in loaded if name not in static]


def portal_pages(world):
    by_persona = {}
    for name, (persona, kwargs) in sorted(guard.EXPECTED.items()):
        persona = ANONYMOUS if persona == guard.PUBLIC else persona
        by_persona.setdefault(persona, []).append((name, reverse(name, kwargs=kwargs(world))))
    return by_persona


def admin_pages(world):
    return [
        ("admin:index", reverse("admin:index")),
        ("EOI list", reverse("admin:applications_expressionofinterest_changelist")),
        ("EOI change", reverse("admin:applications_expressionofinterest_change", args=[world["eoi"].pk])),
        ("EOI dashboard", reverse("admin:applications_expressionofinterest_dashboard")),
        ("candidate add", reverse("admin:placements_candidate_add")),
        ("placement add", reverse("admin:placements_placement_add")),
        ("placement change", reverse("admin:placements_placement_change", args=[world["placement"].pk])),
        ("country list", reverse("admin:partnerships_country_changelist")),
    ]


def test_first_loads_stay_within_the_budget(browser, portal, personas, world, production_static):
    wire = Wire(production_static, portal)
    sizes, problems = [], []
    pages = {**portal_pages(world)}
    pages.setdefault("staff", [])
    pages["staff"] = pages["staff"] + admin_pages(world)
    for persona, named in sorted(pages.items()):
        context = persona_context(browser, portal, personas, persona)
        context.route(f"{portal}{settings.STATIC_URL}**", wire.route)
        page = context.new_page()
        for name, path in named:
            total, urls = first_load(page, wire, portal + path)
            if total is None:
                continue
            is_admin = path.startswith("/admin/")
            sizes.append((total, name, persona))
            if total > (ADMIN_BUDGET if is_admin else PORTAL_BUDGET):
                problems.append(f"{name} as {persona}: {total} bytes")
            problems += [f"{name}: from elsewhere: {url}" for url in urls if not url.startswith(portal)]
            problems += [
                f"{name}: {url} sent {encoding}, without a fingerprint or uncompressed"
                for url, encoding, _size in wire.requests
                if not re.search(FINGERPRINT, url) or (url.endswith((".css", ".js")) and encoding != "br")
            ]
            if not is_admin:
                unsized = page.evaluate("[...document.querySelectorAll('img:not([width][height])')].map(i => i.src)")
                problems += [f"{name}: image without width and height: {src}" for src in unsized]
        context.close()
    print("\nfirst load on the wire (static files brotli-compressed as production sends them):")
    for total, name, persona in sorted(sizes, reverse=True):
        print(f"  {total / 1000:7.1f} kB  {name} ({persona})")
    assert not problems, "\n".join(problems)
