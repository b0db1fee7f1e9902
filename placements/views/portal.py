"""The specialist's portal: their placements, the activity log with quarterly totals, and the reports."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications.vocabulary import Sdg, Theme
from fachkraefte.downloads import private_download
from fachkraefte.records import history_page, newest_records
from fachkraefte.workflow import StepRefused, refusal_message
from placements import reports
from placements.models import Activity, Placement, Principle, Report
from placements.permissions import (
    check_specialist_pages,
    get_activity_for_user,
    get_placement_for_user,
    get_report_for_user,
    get_report_to_mark_read,
    is_own_specialist,
)
from placements.views.transparency import publication_panel

ACTIVITIES_PER_PAGE = 50  # a page of the log stays far below 150 kB of HTML however long the placement runs
REPORTS_PER_PAGE = 25
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- forms -------------------------------------------------------------------------------------------
class ActivityForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("programme themes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Sustainable Development Goals"),
        choices=Sdg.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    principles = forms.MultipleChoiceField(
        label=gettext_lazy("principles it served"),
        choices=Principle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "date",
            "title",
            "description",
            "themes",
            "sdgs",
            "departments",
            "participants_women",
            "participants_men",
            "participants_diverse",
            "participants_not_stated",
            "principles",
        ]
        widgets = {
            "date": DATE_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
            "departments": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not self.placement.start <= date <= self.placement.end:
            raise ValidationError(
                _("The date must lie within the placement (%(start)s – %(end)s).")
                % {
                    "start": date_format(self.placement.start, "SHORT_DATE_FORMAT"),
                    "end": date_format(self.placement.end, "SHORT_DATE_FORMAT"),
                }
            )
        return date


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = list(reports.TEXT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in reports.TEXT_FIELDS}


class ActivityFilter(django_filters.FilterSet):
    # Two plain date filters: django-filter's range widget needs its templates, which the portal does not load.
    date_after = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="date", lookup_expr="gte", widget=DATE_WIDGET
    )
    date_before = django_filters.DateFilter(
        label=gettext_lazy("To"), field_name="date", lookup_expr="lte", widget=DATE_WIDGET
    )
    theme = django_filters.ChoiceFilter(label=gettext_lazy("Theme"), choices=Theme.choices, method="contains")
    principle = django_filters.ChoiceFilter(
        label=gettext_lazy("Principle"), choices=Principle.choices, method="contains"
    )

    class Meta:
        model = Activity
        fields = []

    def contains(self, queryset, name, value):
        field = {"theme": "themes", "principle": "principles"}[name]
        return queryset.filter(**{f"{field}__contains": [value]})


# --- placements ---------------------------------------------------------------------------------------
@login_required
def my_placements(request):
    user = request.user
    check_specialist_pages(user)
    placements = Placement.objects.of_specialist(user).select_related("eoi__partnership")
    return render(request, "placements/portal_my_placements.html", {"placements": placements})


@login_required
def placement_detail(request, pk):
    placement = get_placement_for_user(request.user, pk)
    records, older = newest_records(placement.events.select_related("actor"))
    context = {
        "placement": placement,
        "places": placement.places.all(),
        "is_specialist": is_own_specialist(request.user, placement),
        "open_reports": placement.reports.filter(state=Report.State.DUE).order_by("due_date")[:3],
        "today": timezone.localdate(),
        "records": records,
        "whole_history": reverse("placements:history", args=[placement.pk]) if older else None,
        "publication": publication_panel(placement, request.user),
    }
    return render(request, "placements/portal_placement_detail.html", context)


@login_required
def placement_history(request, pk):
    placement = get_placement_for_user(request.user, pk)
    context = {
        "placement": placement,
        "page": history_page(placement.events.select_related("actor"), request.GET.get("page")),
        "is_specialist": is_own_specialist(request.user, placement),
    }
    return render(request, "placements/portal_history.html", context)


# --- activities ---------------------------------------------------------------------------------------
def quarterly_totals(activities):
    """Per calendar quarter: number of activities and participants by gender, in one aggregate query."""
    rows = (
        activities.order_by()
        .annotate(quarter=TruncQuarter("date"))
        .values("quarter")
        .annotate(**reports.totals_expressions())
        .order_by("quarter")
    )
    return [{**reports.with_participants(row), "label": quarter_label(row["quarter"])} for row in rows]


def quarter_label(day):
    """A calendar quarter as the reader's language writes it: "Q3 2026", "T3 2026"."""
    return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}


def labels(names, values):
    """The labels of `values` by `names` ({value: label}, made once per page, not once per row)."""
    return [names[value] for value in values if value in names]


@login_required
def activity_list(request, pk):
    placement = get_placement_for_user(request.user, pk)
    activity_filter = ActivityFilter(request.GET or None, queryset=placement.activities.all())
    activities = activity_filter.qs
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    themes, principles = ({value: str(label) for value, label in c.choices} for c in (Theme, Principle))
    rows = [(activity, labels(themes, activity.themes), labels(principles, activity.principles)) for activity in page]
    context = {
        "placement": placement,
        "filter": activity_filter,
        "rows": rows,
        "page": page,
        "quarters": quarterly_totals(activities),
        "is_specialist": is_own_specialist(request.user, placement),
    }
    return render(request, "placements/portal_activity_list.html", context)


@login_required
def activity_create(request, pk):
    placement = get_placement_for_user(request.user, pk, write=True)
    return _activity_form(request, placement, Activity(placement=placement, created_by=request.user))


@login_required
def activity_edit(request, pk, activity_pk):
    placement, activity = get_activity_for_user(request.user, pk, activity_pk)
    return _activity_form(request, placement, activity)


def _activity_form(request, placement, activity):
    form = ActivityForm(request.POST or None, instance=activity, placement=placement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity has been saved."))
        return redirect("placements:activity_list", placement.pk)
    context = {"placement": placement, "form": form, "activity": activity}
    return render(request, "placements/portal_activity_form.html", context)


# --- reports ------------------------------------------------------------------------------------------
@login_required
def report_list(request, pk):
    placement = get_placement_for_user(request.user, pk)
    page = Paginator(placement.reports.order_by("due_date", "pk"), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "placement": placement,
        "reports": page.object_list,
        "page": page,
        "today": timezone.localdate(),
        "is_specialist": is_own_specialist(request.user, placement),
    }
    return render(request, "placements/portal_report_list.html", context)


@login_required
def report_edit(request, pk, report_pk):
    """The specialist writes and submits; everybody else who may see the placement reads."""
    placement, report = get_report_for_user(request.user, pk, report_pk, write=request.method == "POST")
    editable = is_own_specialist(request.user, placement) and report.state == Report.State.DUE
    if request.method == "POST" and not editable:
        messages.error(request, _("This report can no longer be changed."))
        return redirect("placements:report_edit", placement.pk, report.pk)
    form = ReportForm(request.POST or None, instance=report) if editable else None
    if form is not None and request.method == "POST" and form.is_valid():
        submitting = request.POST.get("submit") == "1"
        try:
            if submitting:
                reports.submit(report, form.cleaned_data, by=request.user)
            else:
                reports.save_draft(report, form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        except StepRefused as refused:
            form.add_error(None, refusal_message(refused))
        else:
            messages.success(request, _("The report has been submitted.") if submitting else _("Draft saved."))
            return redirect("placements:report_edit", placement.pk, report.pk)
    context = {
        "placement": placement,
        "report": report,
        "form": form,
        "totals": reports.report_totals(report),
        "show_text": editable or report.state == Report.State.SUBMITTED,
        "overdue": report.state == Report.State.DUE and report.due_date < timezone.localdate(),
    }
    return render(request, "placements/portal_report_edit.html", context)


@login_required
def report_pdf(request, pk, report_pk):
    placement, report = get_report_for_user(request.user, pk, report_pk, submitted=True)
    if not report.pdf:
        raise Http404(_("The PDF is being prepared. Please try again in a minute."))
    filename = f"report-{placement.pk}-{report.period_start.isoformat()}-{report.kind}.pdf"
    return private_download(request, report, report.pdf, filename, "application/pdf")


@login_required
@require_POST
def report_mark_read(request, pk, report_pk):
    """Programme staff have read the submitted report: it leaves their work queue."""
    placement, report = get_report_to_mark_read(request.user, pk, report_pk)
    reports.mark_read(report, by=request.user)
    messages.success(request, _("The report is marked read; it has left the work queue."))
    return redirect("placements:report_edit", placement.pk, report.pk)
