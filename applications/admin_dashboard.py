"""The staff dashboard, the spreadsheet export and the dossier ZIP, mixed into the EOI admin.

django-import-export's ExportMixin is not used: its pages need the app in INSTALLED_APPS for their
templates. Its resource and formats are, behind one link per format on the changelist.
"""

from pathlib import PurePosixPath

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import dashboard_figures, exports, statistics
from applications.dossier import DOSSIER_DIR
from applications.models import Event, ExpressionOfInterest
from applications.permissions import get_dossier_for_user
from applications.tasks import build_dossier
from fachkraefte import audit
from fachkraefte.downloads import private_download
from fachkraefte.tasks import enqueue_on_commit

RECENT_DOSSIERS = 10
OVERDUE_PER_PAGE = 50

# The bar chart's geometry, in SVG user units.
CHART_LABEL_WIDTH = 220
CHART_BAR_WIDTH = 360
CHART_ROW_HEIGHT = 26
CHART_BAR_HEIGHT = 18


def status_bar_chart(counts):
    """Inline SVG: one horizontal bar per (status, count); labels are escaped by format_html."""
    most = max((count for _status, count in counts), default=0) or 1
    rows = format_html_join(
        "",
        '<g transform="translate(0 {})"><title>{}: {}</title>'
        '<text x="{}" y="13" text-anchor="end" fill="currentColor">{}</text>'
        '<rect x="{}" y="0" width="{}" height="{}" fill="#417690"></rect>'
        '<text x="{}" y="13" fill="currentColor">{}</text></g>',
        (
            (
                index * CHART_ROW_HEIGHT,
                status.label,
                count,
                CHART_LABEL_WIDTH - 8,
                status.label,
                CHART_LABEL_WIDTH,
                round(CHART_BAR_WIDTH * count / most),
                CHART_BAR_HEIGHT,
                CHART_LABEL_WIDTH + round(CHART_BAR_WIDTH * count / most) + 6,
                count,
            )
            for index, (status, count) in enumerate(counts)
        ),
    )
    width = CHART_LABEL_WIDTH + CHART_BAR_WIDTH + 50
    height = len(counts) * CHART_ROW_HEIGHT
    return format_html(
        '<svg class="status-chart" role="img" aria-labelledby="status-chart-title" xmlns="http://www.w3.org/2000/svg"'
        ' width="{}" height="{}" viewBox="0 0 {} {}" font-size="13">'
        '<title id="status-chart-title">{}</title>{}</svg>',
        width,
        height,
        width,
        height,
        _("Expressions of interest per status"),
        rows,
    )


class DashboardAdminMixin:
    def dashboard_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="{}_{}_dashboard".format(*info),
            ),
            path(
                "export/<str:format_name>/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            path(
                "dossier/<int:event_id>/",
                self.admin_site.admin_view(self.dossier_view),
                name="{}_{}_dossier".format(*info),
            ),
        ]

    def check_view_permission(self, request):
        """The admin's own rule for its pages (the model's view permission); a refusal is logged."""
        if not self.has_view_permission(request):
            raise audit.refuse(detail="no view permission for expressions of interest")

    # --- the dashboard ---------------------------------------------------------------------------
    def dashboard_view(self, request):
        """The figures from the cache (applications.dashboard_figures, with their time); the overdue list live,
        a page at a time."""
        self.check_view_permission(request)
        now = timezone.now()
        figures = dashboard_figures.current()
        late = statistics.overdue_eois(ExpressionOfInterest.objects.all(), now)
        overdue_page = Paginator(late, OVERDUE_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Dashboard"),
            "figures_as_of": figures.computed_at,
            "refresh_minutes": dashboard_figures.REFRESH_MINUTES,
            "total": figures.total,
            "status_counts": figures.status_counts,
            "chart": status_bar_chart(figures.status_counts),
            "durations": figures.durations,
            "overdue": statistics.overdue_rows(overdue_page, now),
            "overdue_page": overdue_page,
            "countries": figures.countries(),
            "models": figures.model_counts,
            "dossiers": Event.objects.filter(kind=Event.Kind.EXPORTED)
            .select_related("eoi__partnership", "actor")
            .order_by("-created_at", "-pk")[:RECENT_DOSSIERS],
        }
        return TemplateResponse(request, "admin/applications/expressionofinterest/dashboard.html", context)

    # --- the spreadsheet export ------------------------------------------------------------------
    def export_view(self, request, format_name):
        """The changelist as it is filtered, searched and sorted (the same query string), as a file."""
        self.check_view_permission(request)
        if format_name not in exports.FORMATS:
            raise Http404
        try:
            queryset = self.get_changelist_instance(request).queryset
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:applications_expressionofinterest_changelist") + "?e=1")
        content, content_type, extension = exports.export(queryset, format_name)
        audit.log(audit.Kind.EXPORT, request, detail=f"{format_name}: {request.GET.urlencode()}")
        response = HttpResponse(content, content_type=content_type)
        filename = f"expressions-of-interest-{timezone.localdate():%Y-%m-%d}.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # --- the dossier ZIP -------------------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        if self.has_view_permission(request) and "export_dossier" not in actions:
            actions["export_dossier"] = self.get_action("export_dossier")
        return actions

    @admin.action(description=gettext_lazy("Export dossier (ZIP)"))
    def export_dossier(self, request, queryset):
        user_id = request.user.pk
        for eoi in queryset:
            audit.log(audit.Kind.EXPORT, request, obj=eoi, detail="dossier")
            enqueue_on_commit(build_dossier, eoi.pk, user_id)
        self.message_user(
            request,
            _("The dossiers are being prepared; they appear on the dashboard when ready."),
            messages.SUCCESS,
        )

    def dossier_view(self, request, event_id):
        self.check_view_permission(request)
        event = get_dossier_for_user(request.user, event_id)
        name = PurePosixPath(event.note)
        if name.parent != PurePosixPath(DOSSIER_DIR) or name.suffix != ".zip" or not default_storage.exists(str(name)):
            raise Http404
        archive = default_storage.open(str(name), "rb")
        return private_download(request, event.eoi, archive, name.name, "application/zip")
