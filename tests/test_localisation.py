"""Dates, numbers and amounts of money are written the way the reader's language writes them.

On a page that is the reader's language (the language switcher, or their preferred language once
signed in); in an e-mail and a PDF it is the recipient's, which render_mail_template and render_pdf
switch on. CSV and the other exports keep machine formats (ISO dates) on purpose and are not
checked here.
"""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from fachkraefte.mail import render_mail_template
from fachkraefte.pdf import render_pdf
from placements import services
from placements.currencies import format_money
from placements.models import Activity
from tests.workflow import make_placement

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "en", "fr", "es")
DAY = datetime.date(2027, 3, 31)
# language: (SHORT_DATE_FORMAT, DATE_FORMAT, 12345 grouped, 1234.5 euros, 1234.5 Namibian dollars)
EXPECTED = {
    "de": ("31.03.2027", "31. März 2027", "12.345", "1.234,50 €", "1.234,50 NAD"),
    "en": ("03/31/2027", "March 31, 2027", "12,345", "€1,234.50", "NAD 1,234.50"),
    "fr": ("31/03/2027", "31 mars 2027", "12 345", "1 234,50 €", "1 234,50 NAD"),
    "es": ("31/03/2027", "31 de marzo de 2027", "12.345", "1.234,50 €", "1.234,50 NAD"),
}
SAMPLE = (
    '{% load money %}<p>{{ day|date:"SHORT_DATE_FORMAT" }} | {{ day|date:"DATE_FORMAT" }} | '
    '{{ count|floatformat:"g" }} | {{ amount|money:"EUR" }} | {{ amount|money:"NAD" }}</p>'
)
SAMPLE_CONTEXT = {"day": DAY, "count": 12345, "amount": Decimal("1234.50")}


def spaces_as_spaces(text):
    """Non-breaking and narrow non-breaking spaces read as spaces; they are right, just not typeable."""
    return re.sub(r"[\u00a0\u202f\s]+", " ", text)


def expected_line(language):
    return " | ".join(EXPECTED[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_is_written_the_readers_way(language):
    with translation.override(language):
        euros, namibian_dollars = format_money(Decimal("1234.5"), "EUR"), format_money(1234.5, "NAD")
    assert spaces_as_spaces(euros) == EXPECTED[language][3]
    assert spaces_as_spaces(namibian_dollars) == EXPECTED[language][4]
    assert "\u00a0" in namibian_dollars, "the amount and its currency must not be split over two lines"


@pytest.fixture
def sample_templates(tmp_path, settings):
    """emails/l10n-sample.{subject,txt,html} and pdf/l10n-sample.html, found before the portal's own."""
    (tmp_path / "emails").mkdir()
    (tmp_path / "pdf").mkdir()
    for suffix in ("subject", "txt", "html"):
        (tmp_path / "emails" / f"l10n-sample.{suffix}").write_text(SAMPLE, encoding="utf-8")
    pdf_sample = '{% extends "pdf/base.html" %}{% block content %}' + SAMPLE + "{% endblock %}"
    (tmp_path / "pdf" / "l10n-sample.html").write_text(pdf_sample, encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_email_is_written_the_recipients_way(sample_templates, language):
    with translation.override("de"):  # the sender's language must not leak into the recipient's mail
        subject, text, html = render_mail_template("l10n-sample", SAMPLE_CONTEXT, language)
    for part in (subject, text, html):
        assert expected_line(language) in spaces_as_spaces(part)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pdf_is_written_the_readers_way(sample_templates, language):
    pdf = render_pdf("pdf/l10n-sample.html", SAMPLE_CONTEXT, language=language)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert expected_line(language) in spaces_as_spaces(text)


@pytest.fixture
def busy_placement(eoi, staff, german_contact, partner_contact, specialist):
    placement = make_placement(
        eoi, staff=staff, german_contact=german_contact, partner_contact=partner_contact, specialist=specialist
    )
    placement = services.transition(placement, "begin", by=staff)
    Activity.objects.create(
        placement=placement, date=DAY, title="Citizens' assembly", created_by=specialist, participants_women=12345
    )
    return placement


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_is_written_the_readers_way(client, busy_placement, specialist, language):
    specialist.preferred_language = language
    specialist.save(update_fields=["preferred_language"])
    client.force_login(specialist)
    html = client.get(reverse("placements:activity_list", args=[busy_placement.pk])).content.decode()
    short_date, _, grouped, *_ = EXPECTED[language]
    assert f">{short_date}</td>" in html  # the activity's date
    assert f">{grouped}</td>" in spaces_as_spaces(html)  # the quarter's participants


def template_date_formats():
    """(file, line, format) of every |date: and |time: in the templates."""
    pattern = re.compile(r"\|(?:date|time):(?:\"([^\"]*)\"|'([^']*)')")
    for path in sorted((ROOT / "templates").rglob("*.*")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                yield path.relative_to(ROOT), number, match.group(1) or match.group(2)


# A date for a reader is one of Django's named formats, which differ per language; these are for machines:
# "c" (ISO 8601, <time datetime>), "Y" (a year reads the same everywhere), "Ymd" (comparing two days).
MACHINE_DATE_FORMATS = {"c", "Y", "Ymd", "Y-m-d"}


def test_templates_write_dates_in_the_readers_format():
    hard_coded = [
        f"{path}:{number}: {fmt}"
        for path, number, fmt in template_date_formats()
        if not fmt.endswith("_FORMAT") and fmt not in MACHINE_DATE_FORMATS
    ]
    assert not hard_coded, "use a named format (DATE_FORMAT, SHORT_DATE_FORMAT, …):\n" + "\n".join(hard_coded)
