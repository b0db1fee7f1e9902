"""The transparency list and its open data (public, no login), and the municipalities' opt-in to them.

What is public is decided in placements.publication; who opts in for which municipality in
placements.permissions. These views look up, bind, call the service and redirect, or read and render.
"""

import functools

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Exists, F, OuterRef, prefetch_related_objects
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from applications.models import ExpressionOfInterest, Participant, participants_prefetch
from applications.permissions import get_eoi_for_user
from applications.vocabulary import Sdg, Theme
from partnerships import countries
from partnerships.models import Municipality, Side, SpecialistModel
from placements import open_data, publication
from placements.models import Placement
from placements.permissions import check_may_publish, get_placement_for_user, publishing_municipalities

PER_PAGE = 20


# --- the municipalities' opt-in ------------------------------------------------------------------------------
class PublicationForm(forms.Form):
    """One municipality's opt-in or withdrawal: the buttons on the EOI and placement pages post it."""

    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), widget=forms.HiddenInput)
    consent = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in municipalities])


def publication_panel(subject, user, access=None):
    """The context of templates/placements/_publication_consent.html for an EOI or a placement; `access`: the
    page's applications.permissions.Access of `user`, if it has one already."""
    eoi = publication.eoi_of(subject)
    prefetch_related_objects([eoi], "participants__municipality")  # a no-op when the view has done it
    mine = {m.pk for m in publishing_municipalities(user, eoi, access)}
    consents = publication.consents_of(subject)
    is_eoi = isinstance(subject, ExpressionOfInterest)
    rows = []
    for participant in eoi.participants.all():
        municipality = participant.municipality
        consent = consents.get(municipality.pk)
        standing = consent is not None and consent.is_standing
        form = None
        if municipality.pk in mine:
            initial = {"municipality": municipality.pk, "consent": "0" if standing else "1"}
            form = PublicationForm(initial=initial, municipalities=[municipality])
        rows.append({"municipality": municipality, "consent": consent, "standing": standing, "form": form})
    placements = Placement.objects.none() if is_eoi else Placement.objects.filter(pk=subject.pk)
    entry = publication.public_entries([eoi], placements)[0]
    return {
        "is_eoi": is_eoi,
        "action": ("placements:eoi_publication" if is_eoi else "placements:placement_publication", subject.pk),
        "rows": rows,
        "everybody": all(row["standing"] for row in rows),
        "is_public": publication.is_published(subject),
        "preview": entry.fields(),
    }


def _set_consent(request, subject):
    eoi = publication.eoi_of(subject)
    prefetch_related_objects([eoi], "participants__municipality")
    mine = check_may_publish(request.user, eoi)
    form = PublicationForm(request.POST, municipalities=mine)
    if not form.is_valid():  # a tampered form, or none: there is no field on the page to show an error at
        messages.error(request, _("Please say for which municipality you decide."))
        return
    data = form.cleaned_data
    publication.set_consent(subject, data["municipality"], data["consent"], by=request.user)
    if data["consent"]:
        message = _("%(municipality)s agrees to the publication on the transparency list.")
    else:
        message = _("%(municipality)s has withdrawn its consent to the publication.")
    messages.success(request, message % {"municipality": data["municipality"].name})


@login_required
@require_POST
def eoi_publication(request, pk):
    eoi, _access = get_eoi_for_user(request.user, pk)
    _set_consent(request, eoi)
    return redirect("applications:detail", eoi.pk)


@login_required
@require_POST
def placement_publication(request, pk):
    placement = get_placement_for_user(request.user, pk)
    _set_consent(request, placement)
    return redirect("placements:placement_detail", placement.pk)


# --- the public list ---------------------------------------------------------------------------------------
def _json_list_has(queryset, field, value):
    """Rows whose JSON list `field` holds `value`: matched on its text, which works on SQLite and PostgreSQL."""
    text = f"_{field}_text"
    pattern = f'"{value}"' if isinstance(value, str) else rf"(^|[^0-9]){value}([^0-9]|$)"
    return queryset.annotate(**{text: Cast(field, CharField())}).filter(**{f"{text}__regex": pattern})


def _partner_countries(figures):
    """The partner countries of the published EOIs (the kept figures'), as (code, name) choices in the reader's
    language."""
    codes = {code for code, _eois, _placements in figures.by_country}
    return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])


ALL = gettext_lazy("all")


class TransparencyFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        label=gettext_lazy("Country"), choices=[], method="in_country", empty_label=ALL
    )
    theme = django_filters.ChoiceFilter(
        label=gettext_lazy("Theme"), choices=Theme.choices, method="has_theme", empty_label=ALL
    )
    sdg = django_filters.ChoiceFilter(label=gettext_lazy("SDG"), choices=Sdg.choices, method="has_sdg", empty_label=ALL)
    model = django_filters.ChoiceFilter(
        label=gettext_lazy("Specialist model"),
        choices=SpecialistModel.choices,
        field_name="specialist_model",
        empty_label=ALL,
    )

    class Meta:
        model = ExpressionOfInterest
        fields = []

    def __init__(self, *args, figures, **kwargs):
        super().__init__(*args, **kwargs)
        # Named and sorted only when the form is drawn or a country checked (the whole list's form is kept drawn).
        self.filters["country"].extra["choices"] = functools.partial(_partner_countries, figures)

    def filters_nothing(self):
        """Whether the list is the whole list (no filter chosen, or only a page): the kept figures are its own."""
        return not self.is_bound or (self.form.is_valid() and not any(self.form.cleaned_data.values()))

    def in_country(self, queryset, name, value):
        partner_there = Participant.objects.filter(eoi=OuterRef("pk"), side=Side.PARTNER, municipality__country=value)
        return queryset.filter(Exists(partner_there))

    def has_theme(self, queryset, name, value):
        return _json_list_has(queryset, "themes", value)

    def has_sdg(self, queryset, name, value):
        return _json_list_has(queryset, "sdgs", int(value))


def counts_by_country(rows):
    """[{code, name, EOIs, published placements}] of publication's [(code, EOIs, placements)], most first."""
    counts = [
        {"code": code, "name": countries.name(code), "eois": eois, "placements": placements}
        for code, eois, placements in rows
    ]
    return sorted(counts, key=lambda row: (-row["eois"], row["name"]))


class CountedPaginator(Paginator):
    """A Paginator told how many rows there are (the kept figures' count) instead of counting them again."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.count = count


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, CHART_WIDTH = 22, 10, 170, 560


def country_chart(counts):
    """The geometry of the bar chart drawn on the server (inline SVG, no script, no style attribute)."""
    most = max((row["eois"] for row in counts), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 40
    bars = []
    for number, row in enumerate(counts):
        y = number * (BAR_HEIGHT + BAR_GAP)
        width = max(2, round(room * row["eois"] / most))
        placed = round(room * row["placements"] / most)
        bars.append(
            {**row, "y": y, "text_y": round(y + BAR_HEIGHT * 0.7), "width": width, "placed_width": placed}
            | {"value_x": LABEL_WIDTH + width + 6}
        )
    height = max(1, len(counts) * (BAR_HEIGHT + BAR_GAP))
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


@require_GET
def transparency_list(request):
    """The published EOIs, newest submission first. A filtered list is read live; the whole list's figures and
    pages are kept in the cache as of the figures' computing (placements.publication)."""
    figures = publication.figures()
    filters = TransparencyFilter(request.GET or None, queryset=publication.published_eois(), figures=figures)
    # Newest submission first, those without a date last (index eoi_submitted_newest_idx).
    eois = filters.qs.order_by(F("submitted_at").desc(nulls_last=True), "-pk")
    rows = eois.only(*publication.ENTRY_FIELDS).prefetch_related(participants_prefetch())
    whole = filters.filters_nothing()
    if whole:
        by_country, paginator = figures.by_country, CountedPaginator(rows, PER_PAGE, figures.eois)
    else:
        by_country, paginator = publication.counts_by_partner_country(eois), Paginator(rows, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    # Lazy: the whole list's table, chart and pages come from the template's cache, mostly.
    counts = SimpleLazyObject(lambda: counts_by_country(by_country))
    context = {
        "filters": filters,
        "page": page,
        "entries": SimpleLazyObject(
            lambda: publication.public_entries(page.object_list, publication.published_placements())
        ),
        "counts": counts,
        "chart": SimpleLazyObject(lambda: country_chart(counts)),
        "total": page.paginator.count,
        "figures_as_of": figures.computed_at if whole else None,
        # A page of the whole list is kept; its links keep the query string, so only when that names no more.
        "page_kept": whole and set(request.GET) <= {"page"},
        "figures_timeout": publication.FIGURES_TIMEOUT_SECONDS,
        "refresh_minutes": publication.FIGURES_REFRESH_MINUTES,
    }
    return render(request, "placements/transparency_list.html", context)


@require_GET
def transparency_csv(request):
    response = HttpResponse(open_data.placements_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fachkraeftefonds-placements.csv"'
    return response


@require_GET
def transparency_iati(request):
    response = HttpResponse(open_data.placements_iati(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fachkraeftefonds-iati-activities.xml"'
    return response
