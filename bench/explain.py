"""bench/EXPLAIN.md: EXPLAIN ANALYZE of each query issue 15 made faster, before and after, on a seeded database.

"Before" runs the old query shape, or the same query with the new index dropped inside a transaction that is
rolled back (DROP INDEX is transactional in PostgreSQL): the same data, the same planner, one difference.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fachkraefte_bench_large python bench/explain.py > bench/EXPLAIN.md
"""

import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fachkraefte.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings as django_settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.admin import ExpressionOfInterestAdmin  # noqa: E402
from applications.models import (  # noqa: E402
    Event,
    ExpressionOfInterest,
    Participant,
    Status,
    TermsAgreement,
    TermsOfReference,
)
from applications.permissions import recruited_models  # noqa: E402
from applications.statistics import overdue_eois, overdue_q  # noqa: E402
from applications.work import submitted, terms_waiting_for_staff  # noqa: E402
from fachkraefte import work  # noqa: E402
from partnerships.bulk import RECRUITER, SPECIALIST  # noqa: E402
from partnerships.models import Municipality, Side, User  # noqa: E402
from placements import publication  # noqa: E402
from placements.models import Candidate, Placement  # noqa: E402
from placements.permissions import candidates_visible_to  # noqa: E402
from placements.work import open_shortlist, reports_unread, selections_made, shortlists_to_hand_over  # noqa: E402

EOIS = ExpressionOfInterest.objects


class Rollback(Exception):
    pass


def plan(sql, params, *, drop=(), settings=()):
    """The plan of one query; with the indexes in `drop` dropped (and `settings` set) for this query only."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for index in drop:
                cursor.execute(f'DROP INDEX "{index}"')
            for setting in settings:
                cursor.execute(f"SET LOCAL {setting}")
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
            raise Rollback
    except Rollback:
        return "\n".join(lines)


def sql_of(queryset):
    return queryset.query.sql_with_params()


# `python bench/explain.py 20 21`: only those sections (to add them to EXPLAIN.md without running every one).
ONLY = set(sys.argv[1:])


def section(title, why, before, after, *, before_drop=(), after_settings=(), before_settings=()):
    if ONLY and title.split(".")[0] not in ONLY:
        return
    print(f"## {title}\n\n{why}\n")
    for label, (sql, params), drop, settings in (
        ("Before", before, before_drop, before_settings),
        ("After", after, (), after_settings),
    ):
        shown = sql % tuple(repr(p) if isinstance(p, str) else p for p in params) if params else sql
        print(f"**{label}**\n\n```sql\n{shown}\n```\n```\n{plan(sql, params, drop=drop, settings=settings)}\n```\n")


def count_sql(queryset):
    """SELECT COUNT(*) of a queryset, as the admin's paginator asks it."""
    sql, params = sql_of(queryset.order_by().values("pk"))
    return f"SELECT COUNT(*) FROM ({sql}) counted", params  # noqa: S608 - SQL from the ORM, values as parameters


def search_before(term):
    """The admin's own search over search_fields: joins every participant, then DISTINCT."""
    matches = (
        Q(partnership__name__icontains=term)
        | Q(participants__municipality__name__icontains=term)
        | Q(participants__municipality__ags__icontains=term)
    )
    return EOIS.filter(matches).distinct()


def search_after(term):
    admin = ExpressionOfInterestAdmin(ExpressionOfInterest, None)
    return admin.get_search_results(None, EOIS.all(), term)[0]


class RowCount(Subquery):
    """How many rows a subquery has, as one value (the work queue's terms kind until the derived date)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def terms_before():
    """The terms waiting for staff as the work queue asked before the derived date: for each version of an EOI in
    the needs dialogue, its participants without an agreement counted."""
    newer = TermsOfReference.objects.filter(eoi=OuterRef("eoi"), number__gt=OuterRef("number"))
    by_staff = TermsAgreement.objects.filter(terms=OuterRef("pk"), municipality__isnull=True)
    parties = Participant.objects.filter(eoi=OuterRef("eoi")).order_by()
    agreed = TermsAgreement.objects.filter(terms=OuterRef(OuterRef("pk")), municipality=OuterRef("municipality"))
    by_parties = TermsAgreement.objects.filter(
        terms=OuterRef("pk"),
        municipality__in=Participant.objects.filter(eoi=OuterRef(OuterRef("eoi"))).values("municipality"),
    )
    return (
        TermsOfReference.objects.filter(eoi__status=Status.NEEDS_DIALOGUE)
        .exclude(Exists(newer))
        .exclude(Exists(by_staff))
        .filter(Exists(parties))
        .annotate(not_agreed=RowCount(parties.exclude(Exists(agreed)).values("pk")))
        .filter(not_agreed=0)
        .annotate(since=Subquery(by_parties.order_by("-agreed_at").values("agreed_at")[:1]))
    )


def shortlists_before():
    """The shortlists to hand over as the work queue asked before: EXISTS an open entry."""
    first = open_shortlist().order_by("added_at").values("added_at")[:1]
    eois = EOIS.filter(status=Status.RECRUITMENT).filter(Exists(open_shortlist()))
    return eois.annotate(since=Subquery(first))


def overdue_q_before(now):
    """statistics.overdue_q before: one (status, since) pair per status, with no list of the statuses."""
    query = Q(pk__in=[])
    for status, days in django_settings.EOI_STATUS_LIMITS.items():
        query |= Q(status=status, status_changed_at__lt=now - datetime.timedelta(days=days))
    return query


def overdue_before():
    """The work queue's overdue EOIs as it asked before: every other kind's query again, as `NOT IN`."""
    eois = EOIS.filter(overdue_q())
    listed = (
        submitted(resubmitted=False).values("pk"),
        submitted(resubmitted=True).values("pk"),
        terms_before().values("eoi"),
        shortlists_to_hand_over().values("pk"),
        selections_made().values("pk"),
    )
    for pks in listed:
        eois = eois.exclude(pk__in=pks)
    return eois.order_by().values_list("pk", "status_changed_at")


def queue_sql():
    """The work queue's one query: its first page of 50 (every kind shown) and the count of each kind."""
    kinds = work.kinds()
    return work.numbered(kinds, {kind.key for kind in kinds}, (0, 50))


def partner_countries_before():
    """The transparency filter's countries as asked before: Participant's own ordering made them distinct by name."""
    partners = Participant.objects.filter(eoi__in=publication.published_eois().values("pk"), side=Side.PARTNER)
    return partners.values_list("municipality__country", flat=True).distinct()


def main():
    german = Municipality.objects.filter(country="DE", ags__isnull=False).order_by("pk").first()
    name_term, ags_term = german.name, german.ags
    country = Participant.objects.filter(side=Side.PARTNER).values_list("municipality__country", flat=True).first()
    if not ONLY:
        print(
            "# EXPLAIN ANALYZE before and after (issue 15)\n\n"
            f"Generated by `bench/explain.py` on {connection.settings_dict['NAME']} "
            f"({EOIS.count():,} EOIs, {Event.objects.count():,} events). Times are from a shared 2-core machine "
            "under load from other work: compare the plans and the order of magnitude, not the last digit.\n"
        )
    changelist = EOIS.select_related("partnership").order_by("-created_at", "-pk")[:50]
    section(
        "1. Admin EOI changelist, newest first",
        "The list sorted all 20,000 EOIs for each page. Index `eoi_newest_first_idx` (created_at DESC, id DESC) "
        "lets PostgreSQL read the first 50 (the page) in order and stop.",
        sql_of(changelist),
        sql_of(changelist),
        before_drop=["eoi_newest_first_idx"],
    )
    section(
        f"2. Admin search by name (“{name_term}”), the count the paginator asks",
        "Before: the admin's search joined EOI × participants × municipalities (42,000 rows), filtered on "
        "`UPPER(name) LIKE`, then made the rows DISTINCT (three times per page: count, date hierarchy, list). "
        "After: `get_search_results` selects the matching EOI ids in one UNION subquery of two small lookups "
        "(partnerships by name; participants of the municipalities by name or AGS prefix), on the foreign-key "
        "indexes; no DISTINCT.",
        count_sql(search_before(name_term)),
        count_sql(search_after(name_term)),
    )
    section(
        f"3. Admin search by AGS ({ags_term}), the count",
        "The AGS is matched at its start (`^` in search_fields, `LIKE '0731%'`), which the AGS's existing "
        "`varchar_pattern_ops` index answers; before it was `UPPER(ags) LIKE '%…%'` inside the big join.",
        count_sql(search_before(ags_term)),
        count_sql(search_after(ags_term)),
    )
    name_lookup = Municipality.objects.filter(name__icontains=name_term[:5]).values("pk")
    section(
        f"4. The trigram index on municipality names (“{name_term[:5]}”)",
        "`partnerships` migration 0010 (PostgreSQL only) adds GIN trigram indexes on `UPPER(name::text)` of "
        "municipalities and partnerships, the expression Django's `icontains` compares. With 2,000 "
        "municipalities the planner prefers reading the table (before: the plan without the index); with "
        "`enable_seqscan` off (after) it shows the index answers the search, as it will when the tables grow.",
        sql_of(name_lookup),
        sql_of(name_lookup),
        before_drop=["municipality_name_trgm_idx"],
        after_settings=["enable_seqscan = off"],
    )
    filtered_before = (
        EOIS.filter(status=Status.RECRUITMENT, participants__side=Side.PARTNER)
        .filter(participants__municipality__country=country)
        .distinct()
    )
    partners = Participant.objects.filter(side=Side.PARTNER, municipality__country=country).values("eoi_id")
    filtered_after = EOIS.filter(status=Status.RECRUITMENT, pk__in=partners)
    section(
        f"5. Admin changelist filtered by status and partner country ({country}), the count",
        "The partner-country filter joined participants twice and needed DISTINCT over the whole row; now an "
        "`IN (subquery)` without duplicates, so no DISTINCT (and no second participant join). A modest gain "
        "at this size: both plans start from the country's few municipalities.",
        count_sql(filtered_before),
        count_sql(filtered_after),
    )
    now = timezone.now()
    late = overdue_eois(EOIS.all(), now)
    section(
        "6. Staff dashboard: overdue EOIs (a page of 50, and its count)",
        "The overdue rule is an OR of (status, in it since before …) per status. Index `eoi_status_since_idx` "
        "(status, status_changed_at) turns the full scan into one index range per status (BitmapOr). The "
        "list is now paginated (50 a page) instead of printing all ~3,000 overdue EOIs.",
        sql_of(late[:50]),
        sql_of(late[:50]),
        before_drop=["eoi_status_since_idx"],
    )
    dossiers = (
        Event.objects.filter(kind=Event.Kind.EXPORTED)
        .select_related("eoi__partnership", "actor")
        .order_by("-created_at", "-pk")[:10]
    )
    section(
        "7. Staff dashboard: the recent dossiers (events of one kind, newest first)",
        "A parallel scan of 240,000 events for a handful of rows; index `event_kind_newest_idx` "
        "(kind, created_at DESC) finds them directly.",
        sql_of(dossiers),
        sql_of(dossiers),
        before_drop=["event_kind_newest_idx"],
    )
    bounds = (
        'SELECT MIN("submitted_at"), MAX("submitted_at") FROM "applications_expressionofinterest"',
        (),
    )
    section(
        "8. Admin date hierarchy: first and last submission",
        "The date hierarchy asks for the first and last `submitted_at` on every changelist page; index "
        "`eoi_submitted_idx` answers from both ends of the index.",
        bounds,
        bounds,
        before_drop=["eoi_submitted_idx"],
    )
    section(
        "10. The work queue's overdue EOIs, and PostgreSQL's JIT",
        "The work queue's costliest query at issue time (overdue EOIs that no other kind lists) is estimated "
        "expensive enough for PostgreSQL to compile it (JIT): that took about half a second per request, for a "
        "query that runs in milliseconds. The settings now open PostgreSQL connections with `jit=off` (before: "
        "`jit = on` for this query only). The queue now asks one query instead (section 23).",
        sql_of(overdue_before()),
        sql_of(overdue_before()),
        before_settings=["jit = on"],
    )
    placement = Placement.objects.get(specialist__email=SPECIALIST.email)
    log = placement.activities.all()
    section(
        "11. The specialist's activity log",
        f"Every activity of the placement on one page ({log.count():,} rows, 819 kB of HTML at issue time); now "
        "50 a page (Django's Paginator). No index needed: the placement's foreign-key index already serves it.",
        sql_of(log),
        sql_of(log[:50]),
    )

    admin_and_candidate_sections(name_term, country)
    work_queue_sections()
    transparency_sections()
    work_queue_kind_sections()


def admin_and_candidate_sections(name_term, country):
    partners = Participant.objects.filter(side=Side.PARTNER, municipality__country=country).values("eoi_id")
    section(
        f"12. Admin changelist filtered by partner country ({country}): the participants of its municipalities",
        "The country filter's subquery read every participant (a sequential scan) to find those of "
        "the country's municipalities. Index `participant_place_eoi_idx` (municipality, side, eoi) answers it from "
        "the index alone. Since this stop the admin also asks the list once for its count, first and last "
        "submission and years (`SubmissionsPaginator`), where Django asked three times (count, MIN/MAX, DISTINCT).",
        count_sql(EOIS.filter(status=Status.RECRUITMENT, pk__in=partners)),
        count_sql(EOIS.filter(status=Status.RECRUITMENT, pk__in=partners)),
        before_drop=["participant_place_eoi_idx"],
    )
    section(
        f"13. Admin search by name (“{name_term}”): the EOIs of the partnerships found",
        "The search's partnership half read the EOIs of the matching partnerships from the table (a bitmap heap "
        "scan over ~1,100 blocks); index `eoi_partnership_idx` (partnership, id) gives their ids from the index.",
        count_sql(search_after(name_term)),
        count_sql(search_after(name_term)),
        before_drop=["eoi_partnership_idx"],
    )
    recruiter = User.objects.get(email=RECRUITER.email)
    models = recruited_models(recruiter)
    joined = Candidate.objects.filter(Q(created_by=recruiter) | Q(applied_for__specialist_model__in=models))
    section(
        "14. A recruiter's candidates (the matching list's pool)",
        "Before: the policy joined every candidate's EOI to read its specialist model (a hash join over all 20,000 "
        "EOIs). After: `applied_for IN (EOIs of the channel's models)`, the same rows, answered by index "
        "`eoi_model_idx` (specialist_model, id) from the index alone (placements.permissions.candidates_visible_to).",
        sql_of(joined.values("pk")),
        sql_of(candidates_visible_to(recruiter).values("pk")),
        before_drop=["eoi_model_idx"],
    )


def work_queue_sections():
    resubmitted = submitted(resubmitted=True).order_by().values_list("pk", "submitted_at")
    section(
        "20. The work queue: EOIs resubmitted after a return",
        "Whether a submitted EOI was returned once is an `EXISTS` over its events. Without an index for it "
        "PostgreSQL read all 240,000 events (a parallel scan) for the 2,000 that returned an EOI; the partial "
        "index `event_returned_idx` (eoi WHERE to_status = 'returned') holds just those.",
        sql_of(resubmitted),
        sql_of(resubmitted),
        before_drop=["event_returned_idx"],
    )
    section(
        "21. The work queue: terms of reference waiting for staff",
        "Before: for each version of an EOI in the needs dialogue, its participants without an agreement counted "
        "(a small count per version; an earlier shape counted agreements and participants in grouped subqueries). "
        "After: the version keeps when its last municipality agreed (`municipalities_agreed_at`, written once by "
        "applications.dialogue.agree_terms; participants are fixed once an EOI is started and agreements are "
        "never taken back; migration applications 0012 dates the versions agreed before). The kind reads that "
        "date: no participant or municipality agreement is read.",
        sql_of(terms_before().order_by().values_list("pk", "since")),
        sql_of(terms_waiting_for_staff().order_by().values_list("pk", "since")),
    )
    section(
        "22. The work queue: EOIs by status from the index alone",
        "Each kind starts from the EOIs in one status and needs their id, status date and submission date. "
        "`eoi_status_since_covering_idx` (status, status_changed_at) INCLUDE (id, submitted_at), PostgreSQL only "
        "(migration applications 0010), answers these from the index (index-only scans) instead of visiting a "
        "table page for each EOI (bitmap heap scans). Shown on the queue's query (section 23).",
        queue_sql(),
        queue_sql(),
        before_drop=["eoi_status_since_covering_idx"],
    )
    section(
        "23. The work queue: one query instead of eleven",
        "Before: one query per kind for the (since, pk) of every waiting row (8,300 rows to Python, sorted "
        "there, for a page of 50); the costliest (before) was the overdue EOIs, which ran every other kind's "
        "query again as `NOT IN`. After: one query (fachkraefte/work.py, NUMBERED) reads every kind's rows in "
        "a UNION ALL, leaves out the overdue EOIs another kind lists (from the rows it has: no kind runs twice), "
        "returns the page (LIMIT/OFFSET, a top-N sort) and the count of each kind (the tabs, the navigation).",
        sql_of(overdue_before()),
        queue_sql(),
    )


def work_queue_kind_sections():
    section(
        "26. The work queue: shortlists to hand over",
        "`EXISTS` an open shortlist entry: PostgreSQL turned it into a hash join with the open entries of every "
        "EOI (7,000 at the large scale, nearly all of EOIs long past recruitment). Now the first open entry's "
        "date, looked up for each of the 2,000 EOIs in recruitment (one index probe each), is also the test "
        "(`since IS NOT NULL`).",
        sql_of(shortlists_before().order_by().values_list("pk", "since")),
        sql_of(shortlists_to_hand_over().order_by().values_list("pk", "since")),
    )
    now = timezone.now()
    section(
        "27. Overdue EOIs (the work queue, the dashboard, the changelist filter, the digest)",
        "One (status, date) pair per status with a limit, OR-ed: PostgreSQL read the whole status index (all "
        "20,000 EOIs) and filtered. The same condition with `status IN (the statuses with a limit)` in front "
        "(statistics.overdue_q) lets it read only those statuses' part of the index.",
        sql_of(EOIS.filter(overdue_q_before(now)).order_by().values_list("pk", "status_changed_at")),
        sql_of(EOIS.filter(overdue_q(now)).order_by().values_list("pk", "status_changed_at")),
    )
    unread = reports_unread().order_by().values_list("pk", "submitted_at")
    section(
        "28. The work queue: reports submitted and not yet read",
        "A sequential scan of every report for the unread ones. The partial index `report_unread_idx` "
        "(submitted_at, id WHERE state = 'submitted' AND read_by_staff_at IS NULL; migration placements 0009) "
        "holds only those, in the queue's order, and answers from the index alone.",
        sql_of(unread),
        sql_of(unread),
        before_drop=["report_unread_idx"],
    )
    terms = terms_waiting_for_staff().order_by().values_list("pk", "since")
    section(
        "29. The work queue: terms of reference waiting for staff",
        "A sequential scan of every version of the terms for those the municipalities have all agreed to: the rows "
        "carry the terms' long texts, so PostgreSQL read the whole table. The partial index "
        "`terms_agreed_covering_idx` (eoi_id, number INCLUDE id, municipalities_agreed_at WHERE "
        "municipalities_agreed_at IS NOT NULL; migration applications 0013) holds what the kind reads, and "
        "PostgreSQL answers from the index alone.",
        sql_of(terms),
        sql_of(terms),
        before_drop=["terms_agreed_covering_idx"],
    )


def transparency_sections():
    newest_first = publication.published_eois().order_by("-submitted_at", "-pk")[:20]
    newest_first_after = (
        publication.published_eois()
        .only(*publication.ENTRY_FIELDS)
        .order_by(F("submitted_at").desc(nulls_last=True), "-pk")[:20]
    )
    section(
        "24. Transparency list: a page of published EOIs, newest submission first",
        "`ORDER BY submitted_at DESC` puts the rows without a date (the drafts) first: PostgreSQL passed all "
        "4,000 drafts in the index before the first public EOI. Now `DESC NULLS LAST`, with the index "
        "`eoi_submitted_newest_idx` (submitted_at DESC NULLS LAST, id DESC; PostgreSQL only, migration "
        "applications 0009), and only the fields the list shows.",
        sql_of(newest_first),
        sql_of(newest_first_after),
    )
    section(
        "25. Transparency list: the partner countries of the filter",
        "`DISTINCT` on the countries of the published EOIs' partner municipalities: Participant's own ordering "
        "(side, municipality name) made each municipality a distinct row, so the filter offered one country once "
        "per municipality (on a copy of the large data with 5,000 EOIs opted in: 590 options for 96 countries). "
        "Now without the ordering; and no longer asked on each "
        "request: the countries come from the list's figures, kept in the cache (placements.publication).",
        sql_of(partner_countries_before()),
        sql_of(partner_countries_before().order_by()),
    )


if __name__ == "__main__":
    main()
