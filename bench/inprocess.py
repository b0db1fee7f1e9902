"""The in-process half of `make bench`: Django's test client against a seeded database, one JSON object out.

bench/run.py starts it with the same environment as the portal's gunicorn (production settings, DATABASE_URL).
For each page the benchmark loads it gives the URL (with this database's ids), the persona, the SQL queries of
one warm request (CaptureQueriesContext), the status, the HTML size and the time in-process. With --timings
also: an EOI's PDF, a 20-page report PDF, and the matching of 5,000 candidates.

    python bench/inprocess.py --out figures.json [--timings]
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fachkraefte.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from applications.documents import pdf_context  # noqa: E402
from applications.models import ExpressionOfInterest, Participant, Status  # noqa: E402
from applications.vocabulary import CefrLevel, Theme, WorkingLanguage  # noqa: E402
from fachkraefte.pdf import render_pdf  # noqa: E402
from partnerships.bulk import BENCH_PASSWORD, CONTACT, RECRUITER, SPECIALIST, STAFF  # noqa: E402
from partnerships.models import Partnership, Side, SpecialistModel, User  # noqa: E402
from partnerships.two_factor import mark_session_verified, requires_two_factor  # noqa: E402
from placements.matching import rank  # noqa: E402
from placements.models import Placement, Report  # noqa: E402

PERSONAS = {"contact": CONTACT, "staff": STAFF, "recruiter": RECRUITER, "specialist": SPECIALIST}
CANDIDATES = 5_000
MATCHING_RUNS = 5
MATCHING_BUDGET_SECONDS = 0.5  # issue 15's target
REPORT_PAGES = 20
TIMED_GETS = 3


def pages():
    """[(key, label, persona or None, url)]: the busiest pages, with ids from this database."""
    contact = User.objects.get(email=CONTACT.email)
    own = ExpressionOfInterest.objects.filter(participants__municipality__memberships__user=contact).distinct()
    detail = own.annotate(records=Count("events")).order_by("-records", "pk").first()
    recruiting = own.get(status=Status.RECRUITMENT, specialist_model=SpecialistModel.INTEGRATED)
    placement = Placement.objects.get(specialist__email=SPECIALIST.email)
    changelist = reverse("admin:applications_expressionofinterest_changelist")
    country, name, ags = admin_queries()
    filtered = {"status": Status.RECRUITMENT.value, "country": country}
    return [
        ("home", "home page (anonymous)", None, reverse("home")),
        ("dashboard", "applicants' dashboard", "contact", reverse("applications:dashboard")),
        ("detail", "EOI detail", "contact", reverse("applications:detail", args=[detail.pk])),
        (
            "activities",
            "specialist's activity log",
            "specialist",
            reverse("placements:activity_list", args=[placement.pk]),
        ),
        ("reports", "specialist's reports", "specialist", reverse("placements:report_list", args=[placement.pk])),
        ("matching", "recruiter's matching list", "recruiter", reverse("placements:matches", args=[recruiting.pk])),
        ("changelist", "admin EOI changelist", "staff", changelist),
        ("filtered", f"… in recruitment in {country}", "staff", f"{changelist}?{urlencode(filtered)}"),
        ("by_name", f"… searched for “{name}”", "staff", f"{changelist}?{urlencode({'q': name})}"),
        ("by_ags", f"… searched for AGS {ags}", "staff", f"{changelist}?{urlencode({'q': ags})}"),
        ("staff_dashboard", "staff dashboard", "staff", reverse("admin:applications_expressionofinterest_dashboard")),
        ("work_queue", "staff work queue", "staff", reverse("work_queue")),
        *public_transparency(),
    ]


def public_transparency():
    """The public transparency list, once the portal has it (issue 15 measures it when it exists)."""
    try:
        return [("transparency", "transparency list (anonymous)", None, reverse("transparency:list"))]
    except NoReverseMatch:
        return []


def admin_queries():
    """The partner country with the most EOIs in recruitment; the busiest partnership's German town and its AGS."""
    country = (
        Participant.objects.filter(side=Side.PARTNER, eoi__status=Status.RECRUITMENT)
        .values_list("municipality__country")
        .annotate(n=Count("eoi"))
        .order_by("-n")
        .first()[0]
    )
    busiest = Partnership.objects.annotate(n=Count("expressions_of_interest")).order_by("-n", "pk").first()
    german = busiest.participants.filter(side=Side.GERMAN, municipality__ags__isnull=False).first().municipality
    return country, german.name, german.ags


def client_for(persona):
    """A test client signed in as the persona, second factor given where it must be (as tests/conftest.py does)."""
    client = Client(SERVER_NAME="127.0.0.1")
    if persona is None:
        return client
    user = User.objects.get(email=PERSONAS[persona].email)
    client.force_login(user)
    if requires_two_factor(user):
        session = client.session
        mark_session_verified(session, TOTPDevice.objects.filter(user=user, confirmed=True).first())
        session.save()
    return client


def measure(client, url):
    """One request to warm up, one counted, a few timed."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # now: the next request clears the log the count is read from
    times = []
    for _ in range(TIMED_GETS):
        began = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - began)
    return {
        "status": response.status_code,
        "queries": count,
        "bytes": len(response.content),
        "ms": statistics.median(times) * 1000,
    }


def page_figures():
    clients, rows = {}, []
    for key, label, persona, url in pages():
        client = clients.setdefault(persona, client_for(persona))
        rows.append({"key": key, "label": label, "persona": persona, "url": url, **measure(client, url)})
    return rows


def logins():
    """What the HTTP half needs to log in as each persona through the portal's own pages."""
    devices = TOTPDevice.objects.filter(confirmed=True)
    keys = {
        name: devices.filter(user__email=p.email).values_list("key", flat=True).first() for name, p in PERSONAS.items()
    }
    return {
        "login": reverse("login"),
        "two_factor": reverse("partnerships:two_factor_verify"),
        "password": BENCH_PASSWORD,
        "personas": {persona: {"email": p.email, "totp_key": keys[persona]} for persona, p in PERSONAS.items()},
    }


# --- PDFs and matching --------------------------------------------------------------------------------------------
def timed(function, runs):
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def page_count(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def eoi_pdf(runs=3):
    contact = User.objects.get(email=CONTACT.email)
    eoi = (
        ExpressionOfInterest.objects.with_participants()
        .filter(participants__municipality__memberships__user=contact, status=Status.PLACED)
        .first()
    )
    seconds, pdf = timed(lambda: render_pdf("pdf/eoi.html", pdf_context(eoi, eoi.fingerprint()), language="de"), runs)
    return {"seconds": seconds, "pages": page_count(pdf), "runs": runs}


def report_pdf(smoke=False):
    """A report whose activity list runs to about 20 pages: the persona's final report with as many activities
    (repeated from its log) as the pages need, found by printing two shorter ones first. `smoke`: one short
    report, printed once (CI's pass checks that it prints, not how fast)."""
    placement = Placement.objects.select_related("eoi__partnership", "specialist").get(
        specialist__email=SPECIALIST.email
    )
    report = placement.reports.get(kind=Report.Kind.FINAL)
    report.submitted_at = timezone.now()
    logged = list(placement.activities.order_by("date", "pk"))

    def render(count):
        activities = [logged[i % len(logged)] for i in range(count)]
        totals = {"activities": count, "women": 0, "men": 0, "diverse": 0, "not_stated": 0, "participants": 0}
        context = {"report": report, "placement": placement, "totals": totals, "activities": activities}
        return render_pdf("pdf/report.html", context, language="de")

    small, large = 40, 160
    if smoke:
        seconds, pdf = timed(lambda: render(small), 1)
        return {"seconds": seconds, "pages": page_count(pdf), "activities": small}
    pages_small, pages_large = page_count(render(small)), page_count(render(large))
    per_page = (large - small) / max(1, pages_large - pages_small)
    count = max(large, round(large + (REPORT_PAGES - pages_large) * per_page))
    count = round(count * REPORT_PAGES / page_count(render(count)))  # the estimate once corrected
    seconds, pdf = timed(lambda: render(count), 1)
    return {"seconds": seconds, "pages": page_count(pdf), "activities": count}


def synthetic_candidates(count, seed=20260101):
    """Candidates as matching reads them (the attributes only): the same 5,000 at every scale."""
    chance = random.Random(seed)  # noqa: S311 - test data, not secrets
    languages, levels, themes = list(WorkingLanguage.values), list(CefrLevel.values), list(Theme.values)
    start = datetime.date(2026, 1, 1)
    return [
        SimpleNamespace(
            name=f"Candidate {number:05d}",
            expertise=chance.sample(themes, chance.randint(0, 3)),
            languages=[
                {"language": language, "level": chance.choice(levels)}
                for language in chance.sample(languages, chance.randint(1, 3))
            ],
            available_from=start + datetime.timedelta(days=chance.randint(-120, 300)),
            years_of_experience=chance.randint(0, 25),
        )
        for number in range(count)
    ]


def matching(runs=MATCHING_RUNS):
    candidates = synthetic_candidates(CANDIDATES)
    terms = {"start": datetime.date(2026, 1, 1), "languages": [{"language": "fr", "level": "B2"}]}
    with translation.override("de"):
        seconds, ranked = timed(
            lambda: rank(candidates, terms, on=datetime.date(2025, 6, 1), themes=["climate", "waste"]), runs
        )
    assert len(ranked) == CANDIDATES
    return {"seconds": seconds, "candidates": CANDIDATES, "budget": MATCHING_BUDGET_SECONDS, "runs": runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timings", action="store_true", help="also the PDFs and the matching")
    parser.add_argument("--smoke", action="store_true", help="each timing once, the report PDF a short one")
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    args = parser.parse_args()
    result = {"pages": page_figures(), "logins": logins(), "eois": ExpressionOfInterest.objects.count()}
    if args.timings:
        if args.smoke:
            result.update(eoi_pdf=eoi_pdf(runs=1), report_pdf=report_pdf(smoke=True), matching=matching(runs=1))
        else:
            result.update(eoi_pdf=eoi_pdf(), report_pdf=report_pdf(), matching=matching())
    args.out.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
