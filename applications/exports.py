"""The EOI list as a spreadsheet: one row per EOI, from prefetched data (a few queries in all)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX

from applications.models import ExpressionOfInterest
from fachkraefte.spreadsheets import SafeCellsResourceMixin
from partnerships.models import Side

FORMATS = {"csv": CSV, "xlsx": XLSX}


class ExpressionOfInterestResource(SafeCellsResourceMixin, resources.ModelResource):
    # The mixin keeps a name like "=HYPERLINK(...)" from reaching the spreadsheet as a formula.
    id = Field(column_name=_("ID"))
    partnership = Field(column_name=_("partnership"))
    status = Field(column_name=_("status"))
    days_in_status = Field(column_name=_("days in status"))
    specialist_model = Field(column_name=_("specialist model"))
    german_municipalities = Field(column_name=_("German municipalities"))
    partner_municipalities = Field(column_name=_("partner municipalities"))
    partner_countries = Field(column_name=_("partner countries"))
    submitted_at = Field(column_name=_("submitted"))

    class Meta:
        model = ExpressionOfInterest
        fields = (
            "id",
            "partnership",
            "status",
            "days_in_status",
            "specialist_model",
            "german_municipalities",
            "partner_municipalities",
            "partner_countries",
            "submitted_at",
        )
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("partnership").prefetch_related("participants__municipality")

    def dehydrate_id(self, eoi):
        return eoi.pk

    def dehydrate_partnership(self, eoi):
        return eoi.partnership.name

    def dehydrate_status(self, eoi):
        return str(eoi.get_status_display())

    def dehydrate_days_in_status(self, eoi):
        return (timezone.now() - eoi.status_changed_at).days

    def dehydrate_specialist_model(self, eoi):
        return str(eoi.get_specialist_model_display())

    def dehydrate_german_municipalities(self, eoi):
        return "; ".join(sorted(m.name for m in eoi.municipalities_of_side(Side.GERMAN)))

    def dehydrate_partner_municipalities(self, eoi):
        return "; ".join(sorted(m.name for m in eoi.municipalities_of_side(Side.PARTNER)))

    def dehydrate_partner_countries(self, eoi):
        return ", ".join(sorted({str(m.country.name) for m in eoi.municipalities_of_side(Side.PARTNER)}))

    def dehydrate_submitted_at(self, eoi):
        # Local time as text: the same in both formats, and XLSX cannot hold an aware datetime.
        return timezone.localtime(eoi.submitted_at).strftime("%Y-%m-%d %H:%M") if eoi.submitted_at else ""


def export(queryset, format_name):
    """(bytes or text, content type, file extension) of `queryset` in "csv" or "xlsx"."""
    file_format = FORMATS[format_name]()
    content = file_format.export_data(ExpressionOfInterestResource().export(queryset))
    if isinstance(content, str):
        content = "\ufeff" + content  # the byte order mark makes Excel read the CSV as UTF-8
    return content, file_format.get_content_type(), file_format.get_extension()
