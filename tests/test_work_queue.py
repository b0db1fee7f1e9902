"""Issue 13.5, the work queue, and 13.3, nobody waits on a request that reached no one.

Staff open one page that lists what waits for them, oldest first, each item linking to where they act; the
navigation shows how many; new work reaches them by e-mail as each chose (at once, a daily digest, or not).
"""

import datetime
import importlib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications import dialogue, services
from applications.models import Event, ExpressionOfInterest, Status, TermsAgreement, TermsOfReference
from applications.work import terms_waiting_for_staff
from fachkraefte import news, work
from fachkraefte.models import AuditEntry, OutboundEmail, QueuedNews
from fachkraefte.staff import PROGRAMME_STAFF_GROUP, is_programme_staff, programme_staff
from partnerships import services as partnership_services
from partnerships.models import JoinRequest, MembershipRole, Partnership, Role
from placements import reports
from placements.models import Candidate, Placement, PlacementEvent, Report, ShortlistDecision, ShortlistEntry
from placements.work import shortlists_to_hand_over
from tests.factories import PASSWORD, GermanMunicipalityFactory, MembershipFactory, UserFactory
from tests.workflow import in_status, make_placement, submitted

pytestmark = pytest.mark.usefixtures("media")
WAITING_ROWS = work.waiting_rows

ITEM = re.compile(r'work-item" data-kind="([^"]+)">\s*<div[^>]*>\s*<a class="fw-semibold work-link" href="([^"]+)"')
NAV_COUNT = re.compile(r'id="work-count">(\d+)<')


def queue_page(client, **params):
    response = client.get(reverse("work_queue"), params)
    assert response.status_code == 200
    return response.content.decode()


def listed(page):
    """[(kind, link)] in the order the page lists them."""
    return [(kind, link.replace("&amp;", "&")) for kind, link in ITEM.findall(page)]


def nav_count(page):
    return int(NAV_COUNT.search(page).group(1))


def waiting_since(page):
    """The items' `since`, in the page's order."""
    return re.findall(r'<time datetime="([^"]+)"', page.split('id="work-items"')[1])


@pytest.fixture
def people(staff, german_contact, partner_contact):
    return {"staff": staff, "german_contact": german_contact, "partner_contact": partner_contact}


@pytest.fixture
def new_eoi(eoi, partnership, german_contact):
    def start(model="integrated"):
        return services.start(partnership, list(partnership.municipalities.all()), model, by=german_contact)

    return start


def returned_and_resubmitted(eoi, staff, german_contact, partner_contact):
    eoi = submitted(eoi, german_contact, partner_contact)
    eoi = services.transition(eoi, "start_review", by=staff)
    eoi = services.transition(eoi, "return_for_changes", by=staff, comment="Please describe the water losses.")
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_contact)
    services.confirm(eoi, [partner], by=partner_contact)
    return services.submit(eoi, by=german_contact)


def new_terms(eoi, staff, number=1):
    return TermsOfReference.objects.create(
        eoi=eoi,
        number=number,
        expertise="Water",
        tasks_and_goals="Reduce losses",
        places_of_assignment="Windhoek",
        specialist_model=eoi.specialist_model,
        created_by=staff,
    )


def terms_agreed_by_the_municipalities(eoi, staff, german_contact, partner_contact):
    terms = new_terms(eoi, staff)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [german], by=german_contact)
    dialogue.agree_terms(terms, [partner], by=partner_contact)
    return terms


@pytest.fixture
def one_of_each(new_eoi, people, specialist, german_municipality):
    """One item of every kind, waiting since the times the test sets (their order is not the kinds' order)."""
    staff, german_contact, partner_contact = people["staff"], people["german_contact"], people["partner_contact"]
    terms_eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    shortlist_eoi = in_status(new_eoi(), Status.RECRUITMENT, **people)
    candidate = Candidate.objects.create(name="Eva Europa", nationalities=["DE"], years_of_experience=5)
    placement = make_placement(new_eoi("local"), **people, specialist=specialist)
    report = placement.reports.order_by("due_date").first()
    reports.submit(report, {"summary": "Summary", "results": "Results"}, by=specialist)
    muenster = GermanMunicipalityFactory(name="Münster", ags="05515000")
    return {
        "overdue": in_status(new_eoi(), Status.IN_REVIEW, **people),
        "report": report,
        "submitted": submitted(new_eoi(), german_contact, partner_contact),
        "join": partnership_services.request_to_join(muenster, by=UserFactory(), role="editor", message=""),
        "terms": terms_agreed_by_the_municipalities(terms_eoi, staff, german_contact, partner_contact),
        "resubmitted": returned_and_resubmitted(new_eoi(), staff, german_contact, partner_contact),
        "partnership": partnership_services.register_partnership(
            german_municipality, by=german_contact, partner_name="Keetmanshoop", country="NA", kind="partnership"
        ),
        "selection": in_status(new_eoi(), Status.CONTRACTING, **people),
        "to_begin": placement,
        "shortlist": ShortlistEntry.objects.create(eoi=shortlist_eoi, candidate=candidate, added_by=staff),
    }


def set_waiting_since(items):
    """Each item waits since a day of its own, in the fixture's order; the overdue EOI 40 days in review."""
    start = timezone.now() - datetime.timedelta(days=40)
    days = {name: start + datetime.timedelta(days=3 * index) for index, name in enumerate(items)}
    eois = ExpressionOfInterest.objects
    eois.filter(pk=items["overdue"].pk).update(status_changed_at=days["overdue"])
    Report.objects.filter(pk=items["report"].pk).update(submitted_at=days["report"])
    # Submitted 34 days ago: past the limit of 5 days, so flagged overdue (and not listed again as overdue).
    eois.filter(pk=items["submitted"].pk).update(submitted_at=days["submitted"], status_changed_at=days["submitted"])
    JoinRequest.objects.filter(pk=items["join"].pk).update(created_at=days["join"])
    items["terms"].agreements.update(agreed_at=days["terms"])
    TermsOfReference.objects.filter(pk=items["terms"].pk).update(municipalities_agreed_at=days["terms"])
    eois.filter(pk=items["resubmitted"].pk).update(submitted_at=days["resubmitted"])
    Partnership.objects.filter(pk=items["partnership"].pk).update(registered_at=days["partnership"])
    eois.filter(pk=items["selection"].pk).update(status_changed_at=days["selection"])
    Placement.objects.filter(pk=items["to_begin"].pk).update(start=timezone.localtime(days["to_begin"]).date())
    ShortlistEntry.objects.filter(pk=items["shortlist"].pk).update(added_at=days["shortlist"])


def expected_links(items):
    placement = items["to_begin"]
    eoi_change = "/admin/applications/expressionofinterest/{}/change/"
    return [
        ("eoi_overdue", eoi_change.format(items["overdue"].pk)),
        ("report_submitted", f"/placements/{placement.pk}/reports/{items['report'].pk}/"),
        ("eoi_submitted", eoi_change.format(items["submitted"].pk)),
        ("join_request", f"/admin/partnerships/joinrequest/?id__exact={items['join'].pk}"),
        ("terms_to_agree", reverse("applications:terms", args=[items["terms"].eoi_id])),
        ("eoi_resubmitted", eoi_change.format(items["resubmitted"].pk)),
        ("partnership_to_confirm", f"/admin/partnerships/partnership/?id__exact={items['partnership'].pk}"),
        ("selection_made", f"/admin/placements/placement/add/?eoi={items['selection'].pk}"),
        ("placement_to_begin", f"/admin/placements/placement/{placement.pk}/change/"),
        ("shortlist_to_hand_over", reverse("placements:matches", args=[items["shortlist"].eoi_id])),
    ]


# --- the page ------------------------------------------------------------------------------------------
def test_the_queue_lists_every_kind_oldest_first_with_the_page_to_act_on(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    page = queue_page(client)
    assert listed(page) == expected_links(one_of_each)
    assert nav_count(page) == len(one_of_each)


def test_every_link_opens_for_staff(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    for kind, link in listed(queue_page(client)):
        assert client.get(link).status_code == 200, (kind, link)
    # The admin's list narrowed to the one row, where the action is at hand.
    join_request = one_of_each["join"]
    page = client.get(f"/admin/partnerships/joinrequest/?id__exact={join_request.pk}").content.decode()
    assert join_request.user.email in page and 'name="action"' in page


def test_the_queue_marks_resubmissions_and_what_is_overdue(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    page = queue_page(client)
    rows = page.split('class="list-group-item work-item"')[1:]
    by_kind = {re.search(r'data-kind="([^"]+)"', row).group(1): row for row in rows}
    assert "work-mark" in by_kind["eoi_resubmitted"]
    assert "work-overdue" in by_kind["eoi_submitted"]  # 34 days submitted, the limit is 5
    assert "work-overdue" in by_kind["eoi_overdue"]
    assert "work-overdue" not in by_kind["report_submitted"]
    # The overdue submission is listed once: to review, flagged; not again among the overdue EOIs.
    assert [kind for kind, _link in listed(page)].count("eoi_overdue") == 1


def test_an_overdue_eoi_another_kind_lists_is_flagged_there_not_listed_again(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    terms_eoi = one_of_each["terms"].eoi
    in_dialogue_long = timezone.now() - datetime.timedelta(days=100)  # the limit is 90 days
    ExpressionOfInterest.objects.filter(pk=terms_eoi.pk).update(status_changed_at=in_dialogue_long)
    client.force_login(staff)
    page = queue_page(client)
    terms_row = page.split(f'href="{reverse("applications:terms", args=[terms_eoi.pk])}"')[1].split("</li>")[0]
    assert "work-overdue" in terms_row
    assert ("eoi_overdue", f"/admin/applications/expressionofinterest/{terms_eoi.pk}/change/") not in listed(page)
    assert work.counts()["eoi_overdue"] == 1  # the EOI in review only


def test_the_pages_follow_on_and_a_page_past_the_end_is_the_last(client, staff, eoi, partnership, german_contact):
    add_waiting(20, partnership, german_contact, GermanMunicipalityFactory(name="Münster", ags="05515000"))
    client.force_login(staff)
    first, second = queue_page(client), queue_page(client, page=2)
    assert (len(listed(first)), len(listed(second))) == (50, 10)
    assert not set(listed(first)) & set(listed(second))
    assert waiting_since(first) + waiting_since(second) == sorted(waiting_since(first) + waiting_since(second))
    assert listed(queue_page(client, page=9)) == listed(second)
    assert listed(queue_page(client, page="first")) == listed(first)


def test_the_queue_shows_one_kind_at_a_time(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    page = queue_page(client, kind="join_request")
    assert listed(page) == [("join_request", f"/admin/partnerships/joinrequest/?id__exact={one_of_each['join'].pk}")]
    assert nav_count(page) == len(one_of_each)  # the navigation still counts everything


def test_what_staff_did_leaves_the_queue(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    report, placement = one_of_each["report"], one_of_each["to_begin"]
    client.force_login(staff)
    response = client.post(reverse("placements:report_mark_read", args=[placement.pk, report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.read_by_staff_at is not None and report.read_by == staff
    client.post(reverse("placements:report_mark_read", args=[placement.pk, report.pk]))  # again: nothing new
    (read,) = placement.events.filter(kind=PlacementEvent.Kind.REPORT_READ)
    assert (read.actor, read.params["period_end"]) == (staff, report.period_end.isoformat())
    services.transition(one_of_each["submitted"], "start_review", by=staff)
    partnership_services.confirm_partnerships([one_of_each["partnership"]], by=staff)
    kinds = [kind for kind, _link in listed(queue_page(client))]
    assert "report_submitted" not in kinds and "partnership_to_confirm" not in kinds
    assert "eoi_submitted" not in kinds
    assert work.counts()["eoi_overdue"] == 1  # in review since just now: not overdue; the other one still is


def test_only_staff_mark_a_report_read(client, german_contact, one_of_each):
    report, placement = one_of_each["report"], one_of_each["to_begin"]
    client.force_login(german_contact)
    assert client.post(reverse("placements:report_mark_read", args=[placement.pk, report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.read_by_staff_at is None


def test_the_report_page_offers_staff_to_mark_it_read(client, staff, german_contact, one_of_each):
    url = reverse("placements:report_edit", args=[one_of_each["to_begin"].pk, one_of_each["report"].pk])
    client.force_login(staff)
    assert 'id="mark-read-button"' in client.get(url).content.decode()
    client.force_login(german_contact)
    assert 'id="mark-read-button"' not in client.get(url).content.decode()


def test_an_empty_queue_says_so(client, staff):
    client.force_login(staff)
    page = queue_page(client)
    assert 'id="work-empty"' in page and nav_count(page) == 0


# --- who may open it ------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(reverse("work_queue"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["german_contact", "partner_contact", "outsider", "cim_recruiter", "specialist"])
def test_everybody_but_staff_is_refused(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("work_queue")).status_code == 403
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.ACCESS_REFUSED, user=personas[persona]).exists()


def test_a_superuser_may_open_it(admin_client):
    assert admin_client.get(reverse("work_queue")).status_code == 200


def test_only_staff_see_the_queue_in_the_navigation(client, staff, german_contact):
    client.force_login(german_contact)
    assert 'id="nav-work-queue"' not in client.get(reverse("home")).content.decode()
    client.force_login(staff)
    assert 'id="nav-work-queue"' in client.get(reverse("home")).content.decode()


def test_the_core_and_the_roles_name_the_staff_group_alike(staff):
    assert Role.PROGRAMME_STAFF == PROGRAMME_STAFF_GROUP
    assert list(programme_staff()) == [staff]


# --- after the login ------------------------------------------------------------------------------------
def test_staff_land_on_the_work_queue_after_their_code(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    response = client.post(reverse("login"), {"username": staff.email, "password": PASSWORD})
    location = urlsplit(response["Location"])
    assert location.path == reverse("partnerships:two_factor_verify")
    assert parse_qs(location.query)["next"] == [reverse("work_queue")]
    response = client.post(response["Location"], {"code": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and response["Location"] == reverse("work_queue")


def test_others_land_where_they_did_before(client, german_contact):
    response = client.post(reverse("login"), {"username": german_contact.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_next_given_to_the_login_still_wins(client, german_contact):
    target = reverse("partnerships:profile")
    response = client.post(
        f"{reverse('login')}?next={target}",
        {"username": german_contact.email, "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


# --- cost -----------------------------------------------------------------------------------------------
def add_waiting(count, partnership, german_contact, lonely):
    """3 x `count` items: EOIs (submitted, resubmitted, overdue in review), join requests, partnerships.

    Each waits a minute less long than the one before, the kinds taking turns: the first page holds every kind.
    """
    municipalities = list(partnership.municipalities.all())
    start = timezone.now() - datetime.timedelta(days=60)
    first = JoinRequest.objects.count()  # the items added before: these wait less long
    for number in range(first, first + count):
        since = start + datetime.timedelta(minutes=3 * number)
        eoi = services.start(partnership, municipalities, "integrated", by=german_contact)
        status = [Status.SUBMITTED, Status.SUBMITTED, Status.IN_REVIEW][number % 3]
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            status=status, submitted_at=since, status_changed_at=since
        )
        if number % 3 == 1:
            Event.objects.create(eoi=eoi, kind=Event.Kind.STATUS_CHANGED, to_status=Status.RETURNED)
        join_request = JoinRequest.objects.create(user=UserFactory(), municipality=lonely)
        JoinRequest.objects.filter(pk=join_request.pk).update(created_at=since + datetime.timedelta(minutes=1))
        Partnership.objects.create(
            name=f"Waiting {number}", confirmed=False, registered_at=since + datetime.timedelta(minutes=2)
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_queue(client, staff, eoi, partnership, german_contact):
    lonely = GermanMunicipalityFactory(name="Münster", ags="05515000")
    client.force_login(staff)
    add_waiting(3, partnership, german_contact, lonely)
    few = {url: queries_for(client, url) for url in (reverse("work_queue"), reverse("home"))}
    add_waiting(27, partnership, german_contact, lonely)
    many = {url: queries_for(client, url) for url in (reverse("work_queue"), reverse("home"))}
    assert many == few
    page = queue_page(client)
    assert nav_count(page) == 90 == sum(work.counts().values())
    assert len(listed(page)) == 50  # a page; the next ones follow


def test_the_navigation_counts_every_kind_in_one_query_once_a_minute(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        assert work.waiting() == len(one_of_each)
    assert len(queries) == 0  # kept from the page before
    one_of_each["join"].delete()
    assert nav_count(client.get(reverse("home")).content.decode()) == len(one_of_each)  # up to a minute old
    cache.delete(work.WAITING_KEY)  # as WAITING_SECONDS later
    with CaptureQueriesContext(connection) as queries:
        assert work.waiting() == len(one_of_each) - 1
    assert len(queries) == 1


def test_the_queues_own_page_is_live_and_sets_the_navigations_count(client, staff, one_of_each):
    set_waiting_since(one_of_each)
    client.force_login(staff)
    client.get(reverse("home"))
    one_of_each["join"].delete()
    assert nav_count(queue_page(client)) == len(one_of_each) - 1
    assert nav_count(client.get(reverse("home")).content.decode()) == len(one_of_each) - 1


# --- terms of reference waiting for staff ---------------------------------------------------------------
def test_terms_wait_for_staff_once_every_municipality_agreed_and_until_staff_do(new_eoi, people):
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    terms = new_terms(eoi, people["staff"])
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [german], by=people["german_contact"])
    assert not terms_waiting_for_staff().exists()
    [last] = dialogue.agree_terms(terms, [partner], by=people["partner_contact"])
    assert [(waiting.pk, waiting.since) for waiting in terms_waiting_for_staff()] == [(terms.pk, last.agreed_at)]
    dialogue.agree_terms(terms, [], by=people["staff"], as_staff=True)
    assert not terms_waiting_for_staff().exists()


def test_only_the_newest_version_of_the_terms_waits(new_eoi, people):
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    first = terms_agreed_by_the_municipalities(
        eoi, people["staff"], people["german_contact"], people["partner_contact"]
    )
    assert list(terms_waiting_for_staff()) == [first]
    second = new_terms(eoi, people["staff"], number=2)
    assert not terms_waiting_for_staff().exists()  # the municipalities have not agreed to version 2 yet
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(second, [german], by=people["german_contact"])
    dialogue.agree_terms(second, [partner], by=people["partner_contact"])
    assert list(terms_waiting_for_staff()) == [second]


def test_the_terms_keep_when_the_last_municipality_agreed_and_only_that(new_eoi, people):
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    terms = new_terms(eoi, people["staff"])
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [german], by=people["german_contact"])
    terms.refresh_from_db()
    assert terms.municipalities_agreed_at is None
    [last] = dialogue.agree_terms(terms, [partner], by=people["partner_contact"])
    terms.refresh_from_db()
    assert terms.municipalities_agreed_at == last.agreed_at
    dialogue.agree_terms(terms, [], by=people["staff"], as_staff=True)
    terms.refresh_from_db()
    assert terms.municipalities_agreed_at == last.agreed_at  # staff's agreement is not a municipality's
    # A derived date, no edit: the recorded changes of the version (its audit history) show none.
    assert [r.history_type for r in terms.history.all()] == ["+"]


def test_staff_agreeing_first_does_not_count_as_the_municipalities(new_eoi, people):
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    terms = new_terms(eoi, people["staff"])
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [], by=people["staff"], as_staff=True)
    dialogue.agree_terms(terms, [german], by=people["german_contact"])
    terms.refresh_from_db()
    assert terms.municipalities_agreed_at is None
    assert not terms_waiting_for_staff().exists()
    [last] = dialogue.agree_terms(terms, [partner], by=people["partner_contact"])
    terms.refresh_from_db()
    assert terms.municipalities_agreed_at == last.agreed_at
    assert not terms_waiting_for_staff().exists()  # every party agreed: nothing waits
    assert not staff_mail(people["staff"], "staff-terms-waiting").exists()


def test_the_migration_dates_the_versions_every_municipality_agreed_to_before(new_eoi, people):
    """Versions agreed before the column existed: the migration's statement dates them, on this database."""
    backfill = importlib.import_module("applications.migrations.0012_terms_municipalities_agreed_at").BACKFILL
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    agreed, half, none = (new_terms(eoi, people["staff"], number) for number in (1, 2, 3))
    for terms, parties in ((agreed, [german, partner, None]), (half, [german])):
        for party in parties:
            TermsAgreement.objects.create(terms=terms, municipality=party, agreed_by=people["staff"])
    with connection.cursor() as cursor:
        cursor.execute(backfill)
    latest = agreed.agreements.filter(municipality__isnull=False).latest("agreed_at").agreed_at
    dates = dict(TermsOfReference.objects.values_list("number", "municipalities_agreed_at"))
    assert dates == {1: latest, 2: None, 3: None}


def test_a_shortlist_waits_from_its_first_open_entry_until_every_entry_is_declined(new_eoi, people):
    eoi = in_status(new_eoi(), Status.RECRUITMENT, **people)
    declined, still_open = (
        ShortlistEntry.objects.create(
            eoi=eoi,
            candidate=Candidate.objects.create(name=name, nationalities=["DE"], years_of_experience=5),
            added_by=people["staff"],
        )
        for name in ("Eva Europa", "Jan Janssen")
    )
    municipality = eoi.participants.first().municipality

    def decline(entry):
        ShortlistDecision.objects.create(
            entry=entry, municipality=municipality, decision="declined", reason="Too little", decided_by=people["staff"]
        )

    decline(declined)
    assert [(waiting.pk, waiting.since) for waiting in shortlists_to_hand_over()] == [(eoi.pk, still_open.added_at)]
    decline(still_open)
    assert not shortlists_to_hand_over().exists()


def test_no_kind_names_a_moment_in_its_query(db, monkeypatch):
    """The queue builds its SQL once per process (fachkraefte.work.built_waiting_rows): a kind whose query held
    the time would keep, on every later request, the moment it was first built at."""
    kinds = work.kinds()
    shown = {kind.key for kind in kinds}
    at_first = work.waiting_rows(kinds, shown)
    later = timezone.now() + datetime.timedelta(days=3, hours=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert work.waiting_rows(work.kinds(), shown) == at_first


def test_the_queue_builds_its_sql_once_and_again_for_a_new_limit(client, staff, one_of_each, settings, monkeypatch):
    built = []
    monkeypatch.setattr(work, "waiting_rows", lambda *args: built.append(args) or WAITING_ROWS(*args))
    work.forget_built()
    set_waiting_since(one_of_each)
    client.force_login(staff)
    assert "eoi_overdue" in dict(listed(queue_page(client)))
    queue_page(client)
    assert len(built) == 1
    settings.EOI_STATUS_LIMITS = {**settings.EOI_STATUS_LIMITS, Status.IN_REVIEW: 100}
    assert "eoi_overdue" not in dict(listed(queue_page(client)))  # 40 days in review: within the new limit
    assert len(built) == 2


# --- e-mail to staff, as each chose ---------------------------------------------------------------------
def prefer(user, email_updates, language="de"):
    user.email_updates = email_updates
    user.preferred_language = language
    user.save(update_fields=["email_updates", "preferred_language"])
    return user


def staff_mail(staff, template):
    return OutboundEmail.objects.filter(template=template, to=[staff.email])


def test_staff_who_chose_immediately_get_the_submission_at_once_in_their_language(eoi, staff, people):
    prefer(staff, "immediately", "fr")
    submitted(eoi, people["german_contact"], people["partner_contact"])
    mail = staff_mail(staff, "staff-eoi-submitted").get()
    assert mail.language == "fr"
    assert f"http://testserver/admin/applications/expressionofinterest/{eoi.pk}/change/" in mail.text
    assert "Resubmitted" not in mail.subject
    assert not QueuedNews.objects.filter(user=staff).exists()


def test_staff_who_chose_daily_find_the_submission_in_their_digest(eoi, staff, people):
    prefer(staff, "daily", "en")
    submitted(eoi, people["german_contact"], people["partner_contact"])
    assert not staff_mail(staff, "staff-eoi-submitted").exists()
    kept = QueuedNews.objects.get(user=staff)
    assert kept.template == "staff-eoi-submitted" and kept.context["number"] == eoi.pk
    assert news.send_digests() == 1
    digest = staff_mail(staff, "daily-digest").get()
    assert digest.language == "en"
    assert f"expressionofinterest/{eoi.pk}/change/" in digest.text
    assert "New submission" in digest.text
    assert not QueuedNews.objects.exists()
    assert news.send_digests() == 0  # sent once


def test_staff_who_chose_none_hear_nothing(eoi, staff, people):
    prefer(staff, "none")
    submitted(eoi, people["german_contact"], people["partner_contact"])
    assert not OutboundEmail.objects.filter(to=[staff.email]).exists()
    assert not QueuedNews.objects.exists()


def test_every_staff_member_is_told_and_contacts_keep_their_mail(eoi, staff, people):
    colleague = UserFactory(roles=[Role.PROGRAMME_STAFF], preferred_language="es")
    submitted(eoi, people["german_contact"], people["partner_contact"])
    mails = OutboundEmail.objects.filter(template="staff-eoi-submitted").values_list("to", "language")
    assert {(tuple(to), language) for to, language in mails} == {((staff.email,), "de"), ((colleague.email,), "es")}
    assert OutboundEmail.objects.filter(template="eoi-submitted").count() == 2


def test_a_resubmission_says_so(eoi, staff, people):
    staff.preferred_language = "en"
    staff.save()
    returned_and_resubmitted(eoi, staff, people["german_contact"], people["partner_contact"])
    subjects = list(staff_mail(staff, "staff-eoi-submitted").order_by("created_at").values_list("subject", flat=True))
    assert len(subjects) == 2 and "Resubmitted" in subjects[1] and "Resubmitted" not in subjects[0]


def test_terms_waiting_for_staff_are_news_once_the_last_municipality_agreed(new_eoi, people):
    staff = people["staff"]
    eoi = in_status(new_eoi(), Status.NEEDS_DIALOGUE, **people)
    terms = new_terms(eoi, staff)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    dialogue.agree_terms(terms, [german], by=people["german_contact"])
    assert not staff_mail(staff, "staff-terms-waiting").exists()
    dialogue.agree_terms(terms, [partner], by=people["partner_contact"])
    mail = staff_mail(staff, "staff-terms-waiting").get()
    assert f"http://testserver/applications/{eoi.pk}/terms/" in mail.text


def test_a_selection_is_news_for_staff(new_eoi, people):
    eoi = in_status(new_eoi(), Status.CONTRACTING, **people)
    mail = staff_mail(people["staff"], "staff-selection-made").get()
    assert f"http://testserver/admin/placements/placement/add/?eoi={eoi.pk}" in mail.text
    assert "Kim Beispiel" in mail.text


def test_a_submitted_report_is_news_for_staff(new_eoi, people, specialist):
    placement = make_placement(new_eoi("local"), **people, specialist=specialist)
    report = placement.reports.order_by("due_date").first()
    reports.submit(report, {"summary": "Summary", "results": "Results"}, by=specialist)
    mail = staff_mail(people["staff"], "staff-report-submitted").get()
    assert f"http://testserver/placements/{placement.pk}/reports/{report.pk}/" in mail.text


def test_a_registered_partnership_is_news_for_staff(staff, german_contact, german_municipality):
    partnership = partnership_services.register_partnership(
        german_municipality, by=german_contact, partner_name="Keetmanshoop", country="NA", kind="partnership"
    )
    mail = staff_mail(staff, "staff-partnership-registered").get()
    assert f"http://testserver/admin/partnerships/partnership/?id__exact={partnership.pk}" in mail.text
    assert partnership.registered_at is not None


# --- 13.3 a join request to a municipality without a contact person reaches programme staff --------------
@pytest.fixture
def muenster(db):
    return GermanMunicipalityFactory(name="Münster", ags="05515000")


def test_a_request_to_a_municipality_without_contacts_goes_to_staff_and_says_so(client, staff, muenster):
    requester = UserFactory(name="Nora Neu", preferred_language="en")
    client.force_login(requester)
    url = reverse("partnerships:join_municipality", args=[muenster.pk])
    assert 'data-decides="staff"' in client.get(url).content.decode()
    response = client.post(url, {"role": MembershipRole.EDITOR, "message": "I work in the town hall."}, follow=True)
    page = response.content.decode()
    assert "programme staff" in page and "sent to the contacts of" not in page
    join_request = JoinRequest.objects.routed_to_staff().get(user=requester)
    mail = staff_mail(staff, "staff-join-request").get()
    assert "Nora Neu" in mail.subject and "Münster" in mail.subject
    assert f"http://testserver/admin/partnerships/joinrequest/?id__exact={join_request.pk}" in mail.text
    client.force_login(staff)
    assert ("join_request", f"/admin/partnerships/joinrequest/?id__exact={join_request.pk}") in listed(
        queue_page(client)
    )


def test_a_request_to_a_municipality_with_a_contact_goes_to_the_contact(client, staff, german_contact):
    berlin = german_contact.memberships.get().municipality
    requester = UserFactory(preferred_language="en")
    client.force_login(requester)
    url = reverse("partnerships:join_municipality", args=[berlin.pk])
    assert 'data-decides="contacts"' in client.get(url).content.decode()
    page = client.post(url, {"role": MembershipRole.EDITOR, "message": ""}, follow=True).content.decode()
    assert "sent to the contacts of Berlin" in page
    assert OutboundEmail.objects.filter(template="join-request", to=[german_contact.email]).exists()
    assert not staff_mail(staff, "staff-join-request").exists()
    assert not JoinRequest.objects.routed_to_staff().exists()


def test_a_contact_whose_account_is_closed_counts_as_none(staff, muenster):
    closed = MembershipFactory(municipality=muenster, role=MembershipRole.CONTACT).user
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    partnership_services.request_to_join(muenster, by=UserFactory(), role=MembershipRole.EDITOR, message="")
    assert staff_mail(staff, "staff-join-request").exists()
    assert JoinRequest.objects.routed_to_staff().count() == 1


def test_the_tabs_name_only_the_kinds_with_work(client, staff, eoi, people):
    submitted(eoi, people["german_contact"], people["partner_contact"])
    client.force_login(staff)
    tabs = re.findall(r'data-kind="([^"]+)"', queue_page(client).split('id="work-items"')[0])
    assert tabs == ["eoi_submitted"]
    chosen = queue_page(client, kind="report_submitted")  # chosen, it has its tab even when empty
    assert re.findall(r'data-kind="([^"]+)"', chosen) == ["eoi_submitted", "report_submitted"]
    assert 'id="work-empty"' in chosen


@pytest.mark.django_db
def test_a_role_given_or_taken_counts_at_once_and_asking_again_costs_no_query():
    user = UserFactory()
    assert not is_programme_staff(user)
    with CaptureQueriesContext(connection) as asked_again:
        assert not is_programme_staff(user)
    assert len(asked_again) == 0
    group = Group.objects.get(name=PROGRAMME_STAFF_GROUP)
    user.groups.add(group)
    assert is_programme_staff(user)
    user.groups.remove(group)
    assert not is_programme_staff(user)
