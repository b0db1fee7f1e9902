"""The admin's EOI list: how often it asks the database for the listed EOIs, and that its shortcuts show what
Django's admin would show (applications/admin.py: SubmissionsPaginator, ExpressionOfInterestChangeList)."""

import datetime

import pytest
from django.contrib.admin.templatetags import admin_list
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import progress, services
from applications.models import ExpressionOfInterest, Participant
from partnerships.models import Side
from tests.eoi_content import fill
from tests.factories import PartnerMunicipalityFactory
from tests.workflow import submitted

CHANGELIST = "admin:applications_expressionofinterest_changelist"


def berlin(*args):
    """A moment in the portal's time zone (Europe/Berlin)."""
    return timezone.make_aware(datetime.datetime(*args))


@pytest.fixture
def eois_submitted_at(partnership, german_contact, models_open_in_namibia):
    """make(moment, ...): one EOI of Berlin and Windhoek per moment, submitted then (None: a draft)."""
    municipalities = list(partnership.municipalities.all())

    def make(*moments):
        for moment in moments:
            eoi = services.start(partnership, municipalities, "local", by=german_contact)
            ExpressionOfInterest.objects.filter(pk=eoi.pk).update(submitted_at=moment)

    return make


@pytest.mark.parametrize(
    "moments, params",
    [
        ([berlin(2024, 3, 1), berlin(2025, 6, 1), None], {}),  # the years
        ([berlin(2025, 3, 1), berlin(2025, 6, 1)], {}),  # one year: its months
        ([berlin(2025, 3, 1), berlin(2025, 3, 20)], {}),  # one month: its days
        ([berlin(2025, 1, 1, 0, 30), berlin(2025, 6, 1)], {}),  # 2024 in UTC, 2025 in Berlin: one year
        ([None], {}),  # nothing submitted: no years
        ([berlin(2024, 3, 1), berlin(2025, 6, 1)], {"submitted_at__year": "2025"}),
        ([berlin(2024, 3, 1), berlin(2025, 6, 1)], {"submitted_at__year": "2025", "submitted_at__month": "6"}),
        ([berlin(2023, 3, 1), berlin(2025, 6, 1)], {"q": "Berlin", "land": "11"}),  # searched, with a DISTINCT
        ([berlin(2023, 3, 1), berlin(2025, 6, 1)], {"q": "nowhere"}),
    ],
)
def test_the_date_hierarchy_and_the_count_are_djangos(client, staff, eois_submitted_at, moments, params):
    eois_submitted_at(*moments)
    client.force_login(staff)
    cl = client.get(reverse(CHANGELIST), params).context["cl"]
    assert cl.date_hierarchy_links == admin_list.date_hierarchy(cl)  # Django's own, from its own queries
    assert cl.result_count == cl.queryset.count()


def test_a_year_between_two_others_without_submissions_is_not_offered(client, staff, eois_submitted_at):
    eois_submitted_at(berlin(2023, 3, 1), berlin(2025, 6, 1))
    client.force_login(staff)
    links = client.get(reverse(CHANGELIST)).context["cl"].date_hierarchy_links
    assert [choice["title"] for choice in links["choices"]] == ["2023", "2025"]


@pytest.mark.parametrize(
    "params, marker",
    [({"q": "Berlin"}, "%Berlin%"), ({"q": "11000000"}, "11000000%"), ({"country": "NA", "status": "draft"}, "'NA'")],
)
def test_the_filtered_list_is_asked_twice(client, staff, eois_submitted_at, params, marker):
    """Its count, first and last submission and years in one query, its page of rows in another; Django's admin
    runs the filters' and the search's subqueries four times (COUNT, MIN/MAX, DISTINCT years, the page)."""
    eois_submitted_at(berlin(2024, 3, 1), berlin(2025, 6, 1), None)
    client.force_login(staff)
    client.get(reverse(CHANGELIST), params)  # warm: the country filter's choices come from the cached figures
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(CHANGELIST), params)
    assert response.context["cl"].result_count == 3
    assert len([query for query in captured if marker in query["sql"]]) == 2


def test_the_partner_countries_are_named_in_the_readers_language(client, staff, eoi):
    luxor = PartnerMunicipalityFactory(name="Luxor", country="EG")
    Participant.objects.create(eoi=eoi, municipality=luxor, side=Side.PARTNER)
    staff.preferred_language = "de"
    staff.save()
    client.force_login(staff)
    response = client.get(reverse(CHANGELIST))
    spec = next(
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "country"
    )
    assert spec.lookup_choices == [("NA", "Namibia"), ("EG", "Ägypten")]  # ordered by the names' characters
    assert '<td class="field-partner_countries">Namibia, Ägypten</td>' in response.content.decode()


def test_each_row_links_to_its_eoi_keeping_the_lists_filters(client, staff, eoi):
    client.force_login(staff)
    change = reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])
    plain = client.get(reverse(CHANGELIST)).content.decode()
    assert f'<a href="{change}">' in plain
    filtered = client.get(reverse(CHANGELIST), {"q": "Berlin", "status__exact": "draft"}).content.decode()
    assert f'<a href="{change}?_changelist_filters=q%3DBerlin%26status__exact%3Ddraft">' in filtered


# --- whose turn, once per row ------------------------------------------------------------------------------------


def whose_turn_from_the_whole_checklist(eoi):
    """The answer as it was worked out before: the whole checklist, then its first open item."""
    open_items = [item for item in progress.checklist(eoi) if not item.done]
    if not open_items:
        return _("Applicants"), _("Submit the expression of interest")
    first = open_items[0]
    return str(first.owed_by), (_("Complete: %(item)s") % {"item": first.label} if first.is_part else str(first.label))


def answer(eoi):
    return tuple(str(words) for words in progress.whose_turn(eoi))


def test_whose_turn_on_a_draft_with_a_part_missing_needs_no_fingerprint(eoi, monkeypatch):
    expected = whose_turn_from_the_whole_checklist(eoi)
    monkeypatch.setattr(ExpressionOfInterest, "fingerprint", lambda self: pytest.fail("fingerprint computed"))
    assert answer(eoi) == expected


def test_whose_turn_on_a_complete_draft_names_who_must_still_confirm(eoi, german_contact):
    eoi = fill(eoi, german_contact)
    services.confirm(eoi, [eoi.participants.get(side=Side.GERMAN).municipality], by=german_contact)
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert answer(eoi) == whose_turn_from_the_whole_checklist(eoi)
    assert answer(eoi)[0] == eoi.participants.get(side=Side.PARTNER).municipality.name


def test_whose_turn_on_a_confirmed_draft_is_to_submit(eoi, german_contact, partner_contact):
    eoi = submitted(eoi, german_contact, partner_contact)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status="draft")
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert (
        answer(eoi)
        == whose_turn_from_the_whole_checklist(eoi)
        == (_("Applicants"), _("Submit the expression of interest"))
    )
