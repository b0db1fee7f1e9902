import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Event, ExpressionOfInterest, Message, Status
from fachkraefte.records import record
from tests.test_dialogue import admin_post_data
from tests.workflow import agree_terms, in_status

CHANGELIST = "admin:applications_expressionofinterest_changelist"


@pytest.fixture
def in_review(eoi, staff, german_contact, partner_contact, media):
    return in_status(eoi, Status.IN_REVIEW, staff=staff, german_contact=german_contact, partner_contact=partner_contact)


def change_url(eoi):
    return reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])


def transition_url(eoi, name):
    return reverse("admin:applications_expressionofinterest_transition", args=[eoi.pk, name])


def test_change_page_offers_only_the_transitions_allowed_now(client, staff, in_review):
    client.force_login(staff)
    html = client.get(change_url(in_review)).content.decode()
    offered = set(services.available_transitions(in_review, staff))
    assert offered == {"return_for_changes", "reject", "open_needs_dialogue", "withdraw"}
    for name in offered:
        assert transition_url(in_review, name) in html
    assert transition_url(in_review, "start_recruitment") not in html
    assert "Partner side" in html or "Partnerseite" in html  # the EOI as the applicants wrote it


def test_transition_asks_for_confirmation_then_moves(client, staff, in_review):
    client.force_login(staff)
    confirm_page = client.get(transition_url(in_review, "open_needs_dialogue"))
    assert confirm_page.status_code == 200 and 'id="confirm-transition"' in confirm_page.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW  # a GET changes nothing
    response = client.post(transition_url(in_review, "open_needs_dialogue"), {"comment": ""})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.NEEDS_DIALOGUE


def test_return_without_a_comment_is_refused_and_keeps_nothing(client, staff, in_review):
    client.force_login(staff)
    response = client.post(transition_url(in_review, "return_for_changes"), {"comment": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_second_staff_member_gets_a_clear_message(client, staff, in_review):
    client.force_login(staff)
    services.transition(in_review, "reject", by=staff, comment="Not eligible")
    response = client.post(transition_url(in_review, "open_needs_dialogue"), {"comment": "Let us talk"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "someone may have moved it" in page or "inzwischen" in page
    assert "Let us talk" in page  # the input is kept
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED


def test_non_staff_cannot_reach_the_admin_transition(client, german_contact, in_review):
    client.force_login(german_contact)
    response = client.post(transition_url(in_review, "open_needs_dialogue"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_unknown_transition_name_is_refused(client, staff, in_review):
    client.force_login(staff)
    assert client.post(transition_url(in_review, "delete")).status_code == 403
    assert client.post(transition_url(in_review, "submit")).status_code == 403


def test_changelist_filters(client, staff, in_review, partnership, german_contact, models_open_in_namibia):
    other = services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)
    ExpressionOfInterest.objects.filter(pk=in_review.pk).update(
        status_changed_at=timezone.now() - datetime.timedelta(days=45)
    )
    client.force_login(staff)

    def listed(**params):
        return {eoi.pk for eoi in client.get(reverse(CHANGELIST), params).context["cl"].result_list}

    assert listed(status__exact="in_review") == {in_review.pk}
    assert listed(country="NA") == {in_review.pk, other.pk}
    assert listed(country="GH") == set()
    assert listed(days="30") == {in_review.pk}
    assert listed(days="overdue") == {in_review.pk}  # in review for 45 days, the limit is 30
    assert listed(land="11") == {in_review.pk, other.pk}  # Berlin
    assert listed(specialist_model__exact="local") == {other.pk}
    assert listed(q="11000000") == {in_review.pk, other.pk}


def test_changelist_shows_status_days_and_whose_turn(client, staff, in_review):
    staff.preferred_language = "en"
    staff.save()
    client.force_login(staff)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "In eligibility review" in html and "Programme staff" in html and "Namibia" in html


def test_changelist_queries_do_not_grow(client, staff, partnership, german_contact, models_open_in_namibia):
    municipalities = list(partnership.municipalities.all())
    client.force_login(staff)
    services.start(partnership, municipalities, "local", by=german_contact)
    client.get(reverse(CHANGELIST))  # the country filter's choices come from the cached dashboard figures
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(CHANGELIST))
    for _ in range(9):
        services.start(partnership, municipalities, "local", by=german_contact)
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse(CHANGELIST))
    assert len(ten) == len(one)


def test_history_inline_shows_every_step(client, staff, in_review):
    client.force_login(staff)
    response = client.get(change_url(in_review))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.opts.model.__name__ == "Event")
    assert len(formset.formset.queryset) == in_review.events.count()


# Issue 13.6: the page fits the work: a summary first, the long lists short, one local time per row.


def inline_formset(response, prefix):
    return next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == prefix)


def group_html(html, prefix):
    start = html.index(f'id="{prefix}-group"')
    return html[start : html.index("</fieldset>", start)]


def test_history_shows_one_local_time_per_row_under_distinct_headings(client, staff, in_review):
    in_review.events.update(created_at=datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC))
    client.force_login(staff)  # in German, in Berlin: 13:00
    history = group_html(client.get(change_url(in_review)).content.decode(), "events")
    rows = re.findall(r'<tr class="form-row".*?</tr>', history, re.S)
    assert len(rows) == in_review.events.count()
    for row in rows:
        assert re.findall(r"\d\d:\d\d", row) == ["13:00"], row  # once, local; never the UTC 12:00
    headings = [heading.strip() for heading in re.findall(r"<th\s[^>]*>(.*?)</th>", history, re.S)]
    assert headings == ["Wann", "Vorgang", "Status", "Von", "Einzelheiten", "Kommentar"]
    assert "Eingereicht → In der Förderfähigkeitsprüfung" in history


def test_a_long_history_shows_its_newest_entries_and_links_to_all(client, staff, in_review):
    for _ in range(12):
        record(in_review, Event.Kind.PDF_REQUESTED, by=staff, language="de")
    newest = in_review.events.order_by("-created_at", "-pk")[:10]
    client.force_login(staff)
    response = client.get(change_url(in_review))
    history = inline_formset(response, "events")
    assert list(history.get_queryset()) == list(newest)
    assert history.total == in_review.events.count() == 20
    assert '<a href="?history=all#events-group"' in response.content.decode()
    everything = inline_formset(client.get(change_url(in_review), {"history": "all"}), "events")
    assert len(everything.get_queryset()) == 20


def test_the_thread_shows_the_newest_messages_from_the_top_down(client, staff, in_review):
    for number in range(12):
        Message.objects.create(eoi=in_review, author=staff, body=f"Message {number}")
    client.force_login(staff)
    thread = inline_formset(client.get(change_url(in_review)), "messages")
    assert [message.body for message in thread.get_queryset()] == [f"Message {number}" for number in range(2, 12)]


def test_saving_the_page_with_a_shortened_history_keeps_every_entry(client, staff, in_review):
    for _ in range(12):
        record(in_review, Event.Kind.PDF_REQUESTED, by=staff, language="de")
    client.force_login(staff)
    data = admin_post_data(client.get(change_url(in_review)))
    data["messages-2-0-body"] = "Please send the council decision."
    response = client.post(change_url(in_review), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert in_review.events.filter(kind=Event.Kind.PDF_REQUESTED).count() == 12
    assert in_review.messages.get().body == "Please send the council decision."


def test_the_summary_shows_the_steps_the_latest_message_and_the_open_dialogue(
    client, staff, in_review, german_contact, german_municipality
):
    eoi = services.transition(in_review, "open_needs_dialogue", by=staff)
    terms = agree_terms(eoi, staff)
    terms.agreements.exclude(municipality=german_municipality).delete()  # only Berlin has agreed
    Message.objects.create(eoi=eoi, author=staff, body="Internal: call Windhoek", internal=True)
    Message.objects.create(eoi=eoi, author=german_contact, body="When do we meet?")
    client.force_login(staff)
    response = client.get(change_url(eoi))
    summary = response.context["summary"]
    assert summary["latest_message"].body == "When do we meet?"
    assert summary["dialogue"]["terms"] == terms
    assert "Windhoek" in summary["dialogue"]["terms_state"] and "Berlin" not in summary["dialogue"]["terms_state"]
    panel = response.content.decode().split('id="eoi-summary"')[1].split("</section>")[0]
    assert transition_url(eoi, "withdraw") in panel and "When do we meet?" in panel
    assert 'href="#messages-group"' in panel and reverse("applications:terms", args=[eoi.pk]) in panel


def test_the_summary_of_an_eoi_outside_the_dialogue_has_no_dialogue_part(client, staff, in_review):
    client.force_login(staff)
    response = client.get(change_url(in_review))
    assert response.context["summary"]["dialogue"] is None
    assert response.context["summary"]["latest_message"] is None
    assert 'id="eoi-summary-dialogue"' not in response.content.decode()
