import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import ExpressionOfInterest, Status
from tests.workflow import in_status

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
