"""Every page is sent with a strict Content Security Policy and the other security headers, and holds nothing
inline for that policy to block: no inline script, no <style>, no style= attribute, no on...= handler.

Every named URL of the portal (the table in test_url_guard) and of the admin (derived from the admin's
registry) is requested by a persona who may see it; a URL this file cannot build fails the test.
"""

import re
from html.parser import HTMLParser

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.dossier import DOSSIER_DIR
from applications.models import Event
from fachkraefte import records
from fachkraefte.models import AccessibilityFeedback
from partnerships.models import GrantRecord, JoinRequest
from placements.models import OwnNetworkEvent, Placement
from tests import test_url_guard as guard
from tests.factories import UserFactory
from tests.production_env import COMPLETE
from tests.subprocess_env import run_python

NONCE = re.compile(r"^'nonce-[A-Za-z0-9+/=]{16,}'$")
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "data:", "blob:")
# Bootstrap's stylesheet draws a few icons (the select arrow, the navbar toggler) as data: SVG images.
ALLOWED = {("img-src", "data:")}
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}
# Admin responses that are not a 200 page, and why.
ADMIN_STATUS = {
    "admin:login": 302,  # a signed-in member of staff is sent on to the index
    "admin:logout": 405,  # POST only
    "admin:view_on_site": 404,  # no model of the portal has get_absolute_url
    # Nobody reads another person's authenticator key (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": 403,
    "admin:otp_totp_totpdevice_qrcode": 403,
}


# --- what is checked -------------------------------------------------------------------------------------------


def policy(response):
    header = response.get("Content-Security-Policy", "")
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def header_problems(response):
    directives = policy(response)
    if not directives:
        return ["no Content-Security-Policy header"]
    problems = [
        f"{name} is {directives.get(name)}"
        for name in ("object-src", "base-uri", "frame-ancestors")
        if directives.get(name) != ["'none'"]
    ]
    problems += [
        f"{name} allows {source}"
        for name, values in directives.items()
        for source in UNSAFE_SOURCES
        if source in values and (name, source) not in ALLOWED
    ]
    scripts = directives.get("script-src", [])
    if not scripts or not all(value == "'self'" or NONCE.match(value) for value in scripts):
        problems.append(f"script-src is {scripts}")
    if directives.get("style-src") != ["'self'"]:
        problems.append(f"style-src is {directives.get('style-src')}")
    return problems + [
        f"{name}: {response.get(name)}" for name, value in SECURITY_HEADERS.items() if response.get(name) != value
    ]


def header_nonce(response):
    nonces = [value[len("'nonce-") : -1] for value in policy(response).get("script-src", []) if NONCE.match(value)]
    return nonces[0] if nonces else None


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks in the markup: inline script and style, handlers, javascript: URLs."""

    def __init__(self, nonce):
        super().__init__()
        self.nonce, self.problems = nonce, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if "src" not in attrs and attrs.get("type") != "application/json":
                self.problems.append("inline <script>")
            if "nonce" in attrs and attrs["nonce"] != self.nonce:
                self.problems.append(f"<script> with a nonce not in the header: {attrs['nonce']}")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs.items():
            handler = name.startswith("on") or (value or "").strip().lower().startswith("javascript:")
            if name == "style" or handler:
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def page_problems(response):
    problems = header_problems(response)
    if not response.get("Content-Type", "").startswith("text/html"):
        return problems
    html = response.content.decode()
    nonce = header_nonce(response)
    # Django 5.2's admin templates know no nonce; their scripts are files from 'self', allowed as they are.
    by_admin = any(template.name == "admin/base.html" for template in response.templates)
    if nonce is None and not by_admin and html.lstrip().lower().startswith("<!doctype"):
        problems.append("no nonce in script-src on a page of the portal")
    parser = InlineCode(nonce)
    parser.feed(html)
    parser.close()
    return problems + parser.problems


def sweep(client, requests):
    """GET every (name, url, expected status); returns a line for each response with a problem."""
    found = []
    for name, url, status in requests:
        response = client.get(url, follow=name == "password_reset_confirm")
        problems = [] if response.status_code == status else [f"status {response.status_code}, not {status}"]
        problems += page_problems(response)
        if problems:
            found.append(f"{name} {url}: {problems}")
    return found


# --- the portal --------------------------------------------------------------------------------------------------


def test_every_portal_url_sends_the_headers_and_no_inline_code(client, personas, world):
    unknown = set(guard.named_urls()) - set(guard.EXPECTED) - set(guard.POST_ONLY)
    assert not unknown, f"add these URLs to test_url_guard.EXPECTED: {sorted(unknown)}"
    by_persona = {}
    for name, (persona, kwargs) in guard.EXPECTED.items():
        by_persona.setdefault(persona, []).append((name, reverse(name, kwargs=kwargs(world)), 200))
    for name, kwargs in guard.POST_ONLY.items():
        by_persona["german_contact"].append((name, reverse(name, kwargs=kwargs(world)), 405))
    for persona, requests in EXTRA_PAGES.items():
        by_persona.setdefault(persona, []).extend(
            (name, reverse(name, kwargs=kw(world)), status) for name, kw, status in requests
        )
    by_persona[guard.PUBLIC].append(("(no such page)", "/no-such-page/", 404))

    found = []
    for persona, requests in sorted(by_persona.items()):
        client.logout()
        if persona != guard.PUBLIC:
            guard.sign_in(client, personas, persona)
        found += [f"{persona}: {line}" for line in sweep(client, requests)]
    assert not found, "\n".join(found)


# Pages whose markup changes with the object's state or the reader, shown once more; and the error pages.
EXTRA_PAGES = {
    "staff": [
        ("applications:detail", lambda w: {"pk": w["dialogue_eoi"].pk}, 200),
        ("applications:terms", lambda w: {"pk": w["dialogue_eoi"].pk}, 200),
        ("applications:recruitment_detail", lambda w: {"pk": w["recruiting_eoi"].pk}, 200),
        ("placements:placement_detail", lambda w: {"pk": w["placement"].pk}, 200),
    ],
    "german_contact": [
        ("applications:edit", lambda w: {"pk": w["eoi"].pk, "part": "german"}, 200),
        ("applications:edit", lambda w: {"pk": w["eoi"].pk, "part": "shared"}, 200),
        ("applications:detail", lambda w: {"pk": w["eoi"].pk}, 200),
        ("applications:terms_propose", lambda w: {"pk": w["dialogue_eoi"].pk}, 200),
    ],
    "viewer": [("applications:edit", lambda w: {"pk": w["eoi"].pk, "part": "german"}, 403)],
}


# --- the admin ---------------------------------------------------------------------------------------------------


def admin_urls():
    """The name of every URL under the admin site, as `admin:<name>`."""
    admin_resolver = next(
        e for e in get_resolver().url_patterns if isinstance(e, URLResolver) and e.app_name == "admin"
    )

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"admin:{entry.name}"

    return set(walk(admin_resolver))


ACCESS = {"user_agent": "test", "http_accept": "text/html", "path_info": "/accounts/login/"}


def one_of_each(world, superuser):
    """An object of every model the admin shows: the world's, and a few made here for the rest."""
    eoi = world["eoi"]
    makers = {
        JoinRequest: lambda: JoinRequest.objects.create(
            user=UserFactory(), municipality=eoi.partnership.municipalities.first()
        ),
        GrantRecord: lambda: GrantRecord.objects.create(
            user=superuser, user_email=superuser.email, kind="staff", before="false", after="true", via="admin"
        ),
        OwnNetworkEvent: lambda: OwnNetworkEvent.objects.create(
            placement=world["placement"], title="Meet-up", date=world["activity"].date
        ),
        AccessAttempt: lambda: AccessAttempt.objects.create(
            username="someone@example.org", ip_address="192.0.2.1", failures_since_start=1, **ACCESS
        ),
        AccessLog: lambda: AccessLog.objects.create(username="someone@example.org", ip_address="192.0.2.1", **ACCESS),
        AccessFailureLog: lambda: AccessFailureLog.objects.create(username="x@example.org", **ACCESS),
        StaticDevice: lambda: StaticDevice.objects.create(user=superuser, name="backup codes"),
        IntervalSchedule: lambda: IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES),
        CrontabSchedule: lambda: CrontabSchedule.objects.create(minute="0", hour="3"),
        SolarSchedule: lambda: SolarSchedule.objects.create(event="sunrise", latitude=52.5, longitude=13.4),
        ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=world["network_event"].starts_at),
        AccessibilityFeedback: lambda: AccessibilityFeedback.objects.create(
            page_url="/", message="The map has no text alternative.", language="en"
        ),
        PeriodicTask: lambda: PeriodicTask.objects.create(
            name="a task", task="x", interval=IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
        ),
    }
    objects = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is None and model in makers:
            obj = makers[model]()
        objects[model] = obj
    return objects


def model_admin_requests(objects, superuser, admin_names):
    """(name, url, status) for each model admin's own URLs; the status follows the admin's permissions."""
    request = RequestFactory().get("/")
    request.user = superuser
    requests = []
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = objects[model]
        assert obj is not None, f"make an object of {model.__name__} in one_of_each() to check its admin pages"
        allowed = {
            "add": model_admin.has_add_permission(request),
            "delete": model_admin.has_delete_permission(request, obj),
        }
        for suffix, kwargs in [
            ("changelist", {}),
            ("add", {}),
            ("change", {"object_id": obj.pk}),
            ("history", {"object_id": obj.pk}),
            ("delete", {"object_id": obj.pk}),
        ]:
            status = 200 if allowed.get(suffix, True) else 403
            requests.append((f"{info}_{suffix}", reverse(f"{info}_{suffix}", kwargs=kwargs), status))
        name = f"{info}_simple_history"
        if name in admin_names:  # django-simple-history's page of one historical version
            version = {"object_id": obj.pk, "version_id": obj.history.latest().history_id}
            requests.append((name, reverse(name, kwargs=version), 200))
    return requests


def admin_site_requests(world, objects, superuser):
    """(name, url, status) for the site's own and this project's extra admin URLs."""
    saved = default_storage.save(f"{DOSSIER_DIR}/eoi-test.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    dossier = records.record(world["eoi"], Event.Kind.EXPORTED, by=superuser, note=saved)
    device = objects[TOTPDevice]
    simple = [
        ("admin:index", {}),
        ("admin:login", {}),
        ("admin:logout", {}),
        ("admin:password_change", {}),
        ("admin:password_change_done", {}),
        ("admin:jsi18n", {}),
        ("admin:view_on_site", {"content_type_id": ContentType.objects.get_for_model(Placement).pk, "object_id": 1}),
        ("admin:auth_user_password_change", {"id": superuser.pk}),
        ("admin:otp_totp_totpdevice_config", {"pk": device.pk}),
        ("admin:otp_totp_totpdevice_qrcode", {"pk": device.pk}),
        ("admin:applications_expressionofinterest_dashboard", {}),
        ("admin:applications_expressionofinterest_export", {"format_name": "csv"}),
        ("admin:applications_expressionofinterest_dossier", {"event_id": dossier.pk}),
        ("admin:applications_expressionofinterest_transition", {"pk": world["eoi"].pk, "name": "start_review"}),
        ("admin:placements_placement_transition", {"pk": world["placement"].pk, "name": "begin"}),
    ]
    requests = [(name, reverse(name, kwargs=kwargs), ADMIN_STATUS.get(name, 200)) for name, kwargs in simple]
    requests += [
        ("admin:app_list", reverse("admin:app_list", kwargs={"app_label": label}), 200)
        for label in sorted({model._meta.app_label for model in admin.site._registry})
    ]
    autocomplete = "app_label=placements&model_name=placement&field_name=specialist"
    requests.append(("admin:autocomplete", f"{reverse('admin:autocomplete')}?{autocomplete}", 200))
    return requests


def test_every_admin_url_sends_the_headers_and_no_inline_code(client, world):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    objects = one_of_each(world, superuser)
    names = admin_urls()
    requests = model_admin_requests(objects, superuser, names) + admin_site_requests(world, objects, superuser)
    unchecked = names - {name for name, _url, _status in requests}
    assert not unchecked, f"add these admin URLs to admin_site_requests(): {sorted(unchecked)}"
    found = sweep(client, requests)
    assert not found, "\n".join(found)


# --- the checks themselves, and transport security ---------------------------------------------------------------


def test_the_header_check_refuses_a_weak_policy():
    strict = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
    response = HttpResponse(headers={**SECURITY_HEADERS, "Content-Security-Policy": strict + "frame-ancestors 'none'"})
    assert header_problems(response) == []
    weak = strict.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("base-uri 'none'", "")
    response["Content-Security-Policy"] = weak + "frame-ancestors *"
    assert set(header_problems(response)) == {
        "base-uri is None",
        "frame-ancestors is ['*']",
        "script-src allows 'unsafe-inline'",
        "frame-ancestors allows *",
        "script-src is [\"'self'\", \"'unsafe-inline'\"]",
    }
    del response["X-Frame-Options"]
    assert "X-Frame-Options: None" in header_problems(response)


def test_a_secure_request_is_told_to_keep_to_https_for_a_year(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    assert client.get("/", secure=True)["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/")  # over plain HTTP the header means nothing


def test_production_sends_hsts_of_a_year_with_subdomains_and_the_policy():
    code = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/accounts/logout/', secure=True);"  # a 405 with every header, no template, no database
        "print(r.status_code); print(r['Strict-Transport-Security']); print(r['Content-Security-Policy'])"
    )
    env = {**COMPLETE, "ALLOWED_HOSTS": "testserver"}
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    status, hsts, csp = result.stdout.splitlines()
    assert status == "405"
    assert hsts.startswith("max-age=31536000; includeSubDomains")
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
