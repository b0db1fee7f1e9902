"""The programme staff's workplace: every EOI, its history, and the buttons that move it on."""

import copy
import datetime

from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from applications import dashboard_figures, progress
from applications.admin_dashboard import DashboardAdminMixin
from applications.admin_dialogue import DIALOGUE_INLINES, open_dialogue_items
from applications.admin_messages import MESSAGE_INLINES, latest_message
from applications.models import (
    PART_FIELDS,
    Confirmation,
    Event,
    ExpressionOfInterest,
    Part,
    Participant,
    Status,
    participants_prefetch,
)
from applications.statistics import overdue_q
from applications.templatetags.eoi import field_display
from fachkraefte import audit
from fachkraefte.admin import HistoryAdmin, RecordInline
from fachkraefte.admin_prefill import CheckedPrefillMixin
from fachkraefte.admin_workflow import WorkflowAdminMixin
from partnerships import countries
from partnerships.admin import StateFilter
from partnerships.models import Municipality, Partnership, Side

JSON_FIELDS = ("working_languages", "themes", "sdgs")


def search_terms(search_term):
    """The words of the admin's search box, as the admin splits them: "a b" is two, '"a b"' one."""
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            yield bit


def local(moment):
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


class SubmissionsPaginator(Paginator):
    """Counts the listed EOIs and finds the years they were submitted in, in one pass over the list.

    Django's admin asks the filtered list three times: its COUNT, then (the date hierarchy) its first and last
    submission, then its DISTINCT years; each pass runs the filters' and the search's subqueries again. Here one
    query counts the list, its span and its submissions per year, the years taken from the span of all EOIs (two
    ends of an index)."""

    @cached_property
    def figures(self):
        eois = self.object_list
        span = eois.model._default_manager.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
        years = range(local(span["first"]).year, local(span["last"]).year + 1) if span["first"] else range(0)
        figures = eois.aggregate(
            count=Count("*"),
            first=Min("submitted_at"),
            last=Max("submitted_at"),
            **{f"in_{year}": Count("submitted_at", filter=Q(submitted_at__year=year)) for year in years},
        )
        figures["years"] = [year for year in years if figures[f"in_{year}"]]
        return figures

    @cached_property
    def count(self):
        return self.figures["count"]


class ExpressionOfInterestChangeList(ChangeList):
    """Django's changelist, with its row links and its date hierarchy worked out with less repeated work."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Each row's link keeps the list's filters. Django's admin adds them row by row, resolving each row's URL to
        # learn that it is not the list's own (0.2 ms a row, 10 ms a filtered page); url_for_result adds them here.
        self.filters_for_rows, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self.filters_for_rows}" if self.filters_for_rows else url

    @cached_property
    def date_hierarchy_links(self):
        """Django's date hierarchy, where it starts taken from the paginator's figures instead of two more queries."""
        field, figures = self.date_hierarchy, self.paginator.figures
        if any(f"{field}__{part}" in self.params for part in ("year", "month", "day")):
            return admin_list.date_hierarchy(self)  # the months of a year or the days of a month: one query
        first, last = (local(figures["first"]), local(figures["last"])) if figures["first"] else (None, None)
        if first and first.year == last.year:
            # Every listed EOI was submitted in one year (or month): Django starts at its months (or days).
            start = copy.copy(self)
            start.params = {**self.params, f"{field}__year": first.year}
            if first.month == last.month:
                start.params[f"{field}__month"] = first.month
            return admin_list.date_hierarchy(start)
        choices = [
            {"link": self.get_query_string({f"{field}__year": str(year)}, [f"{field}__"]), "title": str(year)}
            for year in figures["years"]
        ]
        return {"show": True, "back": None, "choices": choices}


def admin_field(name):
    """Lists are shown as the applicants see them, not as JSON."""
    return f"{name}_display" if name in JSON_FIELDS else name


class DaysInStatusFilter(admin.SimpleListFilter):
    title = _("days in current status")
    parameter_name = "days"

    def lookups(self, request, model_admin):
        return [
            ("7", _("more than a week")),
            ("30", _("more than 30 days")),
            ("90", _("more than 90 days")),
            ("overdue", _("overdue")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(overdue_q())
        if self.value() in {"7", "30", "90"}:
            return queryset.filter(status_changed_at__lt=timezone.now() - datetime.timedelta(days=int(self.value())))
        return queryset


class PartnerCountryFilter(admin.SimpleListFilter):
    title = _("partner country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        # The partner countries of the staff dashboard's figures (kept in the cache, a few minutes old at most):
        # not 40,000 participants joined and made distinct on every page of the list.
        codes = {code for code, _count in dashboard_figures.current().country_counts}
        names = countries.names()
        return sorted(((code, names.get(code, "")) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        if self.value():
            # A subquery, not a join: no duplicate rows, so no DISTINCT over the whole list.
            partners = Participant.objects.filter(side=Side.PARTNER, municipality__country=self.value())
            return queryset.filter(pk__in=partners.values("eoi_id"))
        return queryset


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    readonly_fields = ["municipality", "side"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("municipality")  # each row's label names it

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(RecordInline):
    model = Event


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(WorkflowAdminMixin, CheckedPrefillMixin, DashboardAdminMixin, HistoryAdmin):
    change_form_template = "admin/applications/expressionofinterest/change_form.html"
    step_comment_help = _("The applicants see this comment and receive it by e-mail.")
    list_display = ["__str__", "status", "days_in_status", "whose_turn", "partner_countries", "specialist_model"]
    list_filter = ["status", DaysInStatusFilter, PartnerCountryFilter, "specialist_model", StateFilter]
    # What the search box matches; get_search_results says how (a subquery per term, on indexes).
    search_fields = ["partnership__name", "participants__municipality__name", "^participants__municipality__ags"]
    list_select_related = ["partnership"]
    show_full_result_count = False  # "5 of 20,000": a second count of every EOI on each filtered page
    list_per_page = 50  # each row works out whose turn it is (a draft: its checklist); 100 rows took twice as long
    date_hierarchy = "submitted_at"  # its years come with the count (SubmissionsPaginator), not in two more queries
    paginator = SubmissionsPaginator
    inlines = [ParticipantInline, *DIALOGUE_INLINES, *MESSAGE_INLINES, EventInline]
    readonly_fields = [
        *[f"{name}_display" for name in JSON_FIELDS],
        "partnership",
        "specialist_model",
        "status",
        "status_changed_at",
        "created_by",
        "created_at",
        "submitted_at",
        *[f for fields in PART_FIELDS.values() for f in fields],
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "partnership",
                    "specialist_model",
                    "status",
                    "status_changed_at",
                    "created_by",
                    "created_at",
                    "submitted_at",
                ]
            },
        ),
        # The applicants' content, closed: the summary atop the page is what staff read first.
        *[
            (part.label, {"fields": [admin_field(f) for f in PART_FIELDS[part]], "classes": ["collapse"]})
            for part in Part
        ],
    ]

    @admin.display(description=_("working languages and required level"))
    def working_languages_display(self, eoi):
        return field_display(eoi, "working_languages")

    @admin.display(description=_("programme themes"))
    def themes_display(self, eoi):
        return field_display(eoi, "themes")

    @admin.display(description=_("Sustainable Development Goals"))
    def sdgs_display(self, eoi):
        return field_display(eoi, "sdgs")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                # The participants with their municipalities in one query (they are joined for the ordering anyway).
                participants_prefetch(),
                Prefetch("confirmations", queryset=Confirmation.objects.standing()),
            )
        )

    def get_changelist(self, request, **kwargs):
        return ExpressionOfInterestChangeList

    def get_search_results(self, request, queryset, search_term):
        """Each word matches the partnership's name, a participating municipality's name or the start of its
        AGS. The matching EOIs' ids come from one subquery per word, a UNION of two small lookups on indexes
        (the names' trigram indexes, partnerships migration 0010; the AGS's prefix index; the foreign keys),
        instead of joining every participant and making 20,000 EOIs distinct (bench/EXPLAIN.md)."""
        for term in search_terms(search_term):
            partnerships = Partnership.objects.filter(name__icontains=term)
            municipalities = Municipality.objects.filter(Q(name__icontains=term) | Q(ags__startswith=term))
            of_partnership = ExpressionOfInterest.objects.filter(partnership__in=partnerships).order_by().values("pk")
            taking_part = Participant.objects.filter(municipality__in=municipalities).order_by().values("eoi_id")
            queryset = queryset.filter(pk__in=taking_part.union(of_partnership))
        return queryset, False

    def has_add_permission(self, request):
        return False  # EOIs come from the municipalities, through the portal

    def has_delete_permission(self, request, obj=None):
        """Staff may delete a draft, which nobody relies on yet; once submitted, only a superuser may."""
        if not super().has_delete_permission(request, obj):
            return False
        return request.user.is_superuser or obj is None or obj.status == Status.DRAFT

    def delete_queryset(self, request, queryset):
        # "Delete selected" asks has_delete_permission without an object: the drafts-only rule holds here too.
        if not request.user.is_superuser and queryset.exclude(status=Status.DRAFT).exists():
            raise audit.refuse(detail="delete expressions of interest past the draft")
        super().delete_queryset(request, queryset)

    @admin.display(description=_("days in status"), ordering="status_changed_at")
    def days_in_status(self, eoi):
        return (timezone.now() - eoi.status_changed_at).days

    @admin.display(description=_("whose turn"))
    def whose_turn(self, eoi):
        return progress.whose_turn(eoi)[0]

    @admin.display(description=_("partner countries"))
    def partner_countries(self, eoi):
        names = countries.names()
        return ", ".join(
            sorted(
                {names.get(p.municipality.country.code, "") for p in eoi.participants.all() if p.side == Side.PARTNER}
            )
        )

    def get_urls(self):
        return self.dashboard_urls() + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        eoi = self.get_object(request, unquote(object_id))
        if eoi is not None:
            extra_context = {**(extra_context or {}), "summary": self.summary(eoi)}
        return super().change_view(request, object_id, form_url, extra_context)

    def summary(self, eoi):
        """What staff read first, without scrolling: where the EOI stands, the latest message, the open dialogue."""
        who, next_step = progress.whose_turn(eoi)
        return {
            "days_in_status": self.days_in_status(eoi),
            "whose_turn": who,
            "next_step": next_step,
            "latest_message": latest_message(eoi),
            "dialogue": open_dialogue_items(eoi) if eoi.status == Status.NEEDS_DIALOGUE else None,
        }
