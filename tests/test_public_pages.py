"""Issue 14, public pages and legal pages: the programme with its live country x model table, the imprint, the
privacy notice, the accessibility statement with its feedback form, the contact page and Leichte Sprache.

Feedback reaches programme staff through the work queue and is answered in the admin; the answer leaves the
queue and goes to the sender by e-mail through the outbox.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from fachkraefte import work
from fachkraefte.models import AccessibilityFeedback, OutboundEmail
from fachkraefte.public import feedback
from partnerships.models import Country, ModelAvailability, SpecialistModel

PAGES = ["public:programme", "public:imprint", "public:privacy", "public:accessibility", "public:contact"]
LANGUAGES = ["de", "en", "fr", "es"]
FEEDBACK_ITEM = re.compile(r'work-item" data-kind="accessibility_feedback"')


@pytest.fixture(autouse=True)
def no_sender_over_the_limit():
    """The hourly limit counts in the cache, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def get(client, name, language="en"):
    response = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def set_open(code, **models):
    country, _ = Country.objects.get_or_create(code=code)
    for model, is_open in models.items():
        ModelAvailability.objects.update_or_create(country=country, model=model, defaults={"is_open": is_open})
    return country


def country_row(html, code):
    match = re.search(rf'<tr data-country="{code}">(.*?)</tr>', html, re.S)
    return match and re.findall(r'<td class="(is-open|is-closed)"', match.group(1))


# --- every page, every language ----------------------------------------------------------------------------
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", [*PAGES, "public:easy_language"])
def test_each_page_renders_for_visitors_in_each_language(client, db, name, language):
    html = get(client, name, language)
    assert f'<html lang="{language}"' in html
    assert html.count("<h1") == 1
    assert 'href="/static/css/public.css"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_leichte_sprache_stays_german_and_says_so(client, db, language):
    html = get(client, "public:easy_language", language)
    assert '<article class="public-page public-narrow public-easy" lang="de">' in html
    assert "Das Programm schickt eine <strong>Fachkraft</strong> in die Partner-Stadt." in html


def test_the_programme_says_it_is_not_the_fund_for_returning_migrants(client, db):
    html = get(client, "public:programme")
    assert 'id="not-the-returnee-fund"' in html and "returning migrants" in html


def test_the_home_page_leads_to_the_programme(client, db):
    assert reverse("public:programme") in get(client, "home")


# --- the live country x model table --------------------------------------------------------------------------
def test_the_programme_shows_where_each_model_is_open_and_not_where_it_is_closed(client, db):
    set_open(
        "NA",
        **{SpecialistModel.INTEGRATED: True, SpecialistModel.DEVELOPMENT_WORKER: False, SpecialistModel.LOCAL: True},
    )
    set_open("GH", **dict.fromkeys(SpecialistModel, False))
    html = get(client, "public:programme")
    assert country_row(html, "NA") == ["is-open", "is-closed", "is-open"]
    assert country_row(html, "GH") is None  # nothing open there: not listed
    assert 'role="img"' in html and '<title id="chart-title">' in html


def test_the_page_follows_the_table_when_staff_change_it(client, db):
    set_open("GH", **{SpecialistModel.LOCAL: False})
    assert country_row(get(client, "public:programme"), "GH") is None
    set_open("GH", **{SpecialistModel.LOCAL: True})
    assert country_row(get(client, "public:programme"), "GH") == ["is-closed", "is-closed", "is-open"]


def test_a_country_off_the_oda_list_is_not_shown_as_open(client, db):
    chile = set_open("CL", **{SpecialistModel.LOCAL: True})  # a high-income country: on no ODA list
    assert not chile.is_oda_recipient()
    assert country_row(get(client, "public:programme"), "CL") is None


def test_the_chart_counts_the_open_countries_per_region(client, db):
    ModelAvailability.objects.all().delete()
    set_open("NA", **{SpecialistModel.LOCAL: True})
    set_open("GH", **{SpecialistModel.LOCAL: True, SpecialistModel.INTEGRATED: True})
    set_open("PE", **{SpecialistModel.DEVELOPMENT_WORKER: True})
    html = get(client, "public:programme")
    table = re.search(r'<table[^>]*id="open-by-region">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:\s*<td class="text-end">\d+</td>)+)', table)
    counts = {region: re.findall(r"\d+", cells) for region, cells in rows}
    assert counts == {"Africa": ["1", "0", "2"], "Americas": ["0", "1", "0"]}


# --- the privacy notice tells the retention the portal applies ---------------------------------------------
def test_the_privacy_notice_states_the_configured_retention(client, db, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 123
    settings.SENT_MAIL_RETENTION_DAYS = 45
    html = get(client, "public:privacy")
    assert "123 days" in html and "45 days" in html
    assert reverse("partnerships:profile") in html


# --- the feedback form ----------------------------------------------------------------------------------------
def post_feedback(client, language="en", **data):
    fields = {"page_url": "/programme/", "message": "The chart cannot be read with my screen reader.", **data}
    return client.post(reverse("public:accessibility"), fields, HTTP_ACCEPT_LANGUAGE=language)


def test_bad_input_keeps_what_was_written_says_why_and_saves_nothing(client, db):
    response = post_feedback(client, message="short", contact_email="not-an-address", page_url="Startseite")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your message was not sent yet" in html
    assert "Enter a valid email address." in html
    assert 'value="Startseite"' in html and "short</textarea>" in html
    assert "Ensure this value has at least 10 characters" in html
    assert not AccessibilityFeedback.objects.exists()


def test_the_form_needs_the_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(reverse("public:accessibility"), {"message": "x" * 20})
    assert response.status_code == 403
    assert not AccessibilityFeedback.objects.exists()


def test_the_fields_are_labelled_and_their_hints_described(client, db):
    html = get(client, "public:accessibility")
    for field in ("page_url", "message", "contact_email"):
        assert f'for="id_{field}"' in html
        assert re.search(rf'<(input|textarea)[^>]*aria-describedby="[^"]*{field}[^"]*"[^>]*id="id_{field}"', html) or (
            re.search(rf'id="id_{field}"[^>]*aria-describedby=', html)
        )


def test_good_input_is_kept_and_waits_for_staff(client, db, staff, german_contact):
    response = post_feedback(client, language="fr", contact_email="Reader@Example.org")
    assert response.status_code == 302 and response["Location"] == reverse("public:accessibility")
    saved = AccessibilityFeedback.objects.get()
    assert saved.language == "fr" and saved.page_url == "/programme/" and saved.answered_at is None

    client.force_login(staff)
    queue = get(client, "work_queue")
    assert len(FEEDBACK_ITEM.findall(queue)) == 1
    assert reverse("admin:fachkraefte_accessibilityfeedback_change", args=[saved.pk]) in queue

    client.force_login(german_contact)
    assert client.get(reverse("work_queue")).status_code == 403
    changelist = client.get(reverse("admin:fachkraefte_accessibilityfeedback_changelist"))
    assert changelist.status_code == 302  # to the admin's login: not staff
    assert "screen reader" not in get(client, "public:accessibility")


def test_the_trap_field_drops_the_message_quietly(client, db):
    response = post_feedback(client, leave_empty="http://spam.example")
    assert response.status_code == 302
    assert not AccessibilityFeedback.objects.exists()


def test_one_address_may_send_a_few_messages_an_hour(client, db):
    for _ in range(feedback.PER_HOUR):
        assert post_feedback(client).status_code == 302
    response = post_feedback(client, message="One message too many, kept in the form.")
    assert response.status_code == 200
    assert "try again later" in response.content.decode()
    assert "One message too many, kept in the form." in response.content.decode()
    assert AccessibilityFeedback.objects.count() == feedback.PER_HOUR


# --- answering in the admin ---------------------------------------------------------------------------------
def answer_in_admin(client, item, text):
    url = reverse("admin:fachkraefte_accessibilityfeedback_change", args=[item.pk])
    return client.post(url, {"answer": text, "_save": "Save"})


def test_answering_in_the_admin_takes_it_off_the_queue_and_mails_the_sender(client, db, staff):
    item = AccessibilityFeedback.objects.create(
        message="The chart is too small.", contact_email="reader@example.org", language="es"
    )
    assert work.counts()[feedback.WORK_KIND] == 1
    client.force_login(staff)
    response = answer_in_admin(client, item, "Thank you, we made it larger.")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answered_by == staff and item.answered_at and item.answer == "Thank you, we made it larger."
    assert not FEEDBACK_ITEM.search(get(client, "work_queue"))
    mail = OutboundEmail.objects.get(template=feedback.ANSWER_TEMPLATE)
    assert mail.to == ["reader@example.org"] and mail.language == "es"
    assert "Thank you, we made it larger." in mail.text and "The chart is too small." in mail.text


def test_an_answer_is_given_once(client, db, staff):
    item = AccessibilityFeedback.objects.create(message="The chart is too small.", language="de")
    client.force_login(staff)
    answer_in_admin(client, item, "First answer.")
    answer_in_admin(client, item, "Second answer.")
    item.refresh_from_db()
    assert item.answer == "First answer."
    assert not OutboundEmail.objects.exists()  # no address was given: nothing to send
    with pytest.raises(feedback.AlreadyAnswered):
        feedback.answer(item, "Again.", by=staff)


def test_saving_without_an_answer_leaves_it_waiting(client, db, staff):
    item = AccessibilityFeedback.objects.create(message="The chart is too small.", language="de")
    client.force_login(staff)
    assert answer_in_admin(client, item, "  ").status_code == 302
    assert AccessibilityFeedback.objects.unanswered().filter(pk=item.pk).exists()


# --- the footer -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_links_the_public_pages_in_its_footer(client, german_contact, signed_in):
    if signed_in:
        client.force_login(german_contact)
    html = get(client, "applications:dashboard" if signed_in else "home")
    footer = html.split("<footer", 1)[1].split("</footer>", 1)[0]
    for name in [*PAGES, "public:easy_language"]:
        assert f'href="{reverse(name)}"' in footer
