"""What the public sees of the programme's work, and the municipalities' opt-in to it: the one rule.

An expression of interest, or its placement, is shown on the transparency list (and in the CSV and
IATI files) only while EVERY one of the EOI's municipalities, German and partner side, has opted in
for it; each municipality decides for itself, through one of its contacts (placements.permissions),
and may withdraw at any time. An EOI is public from its submission on, never as a draft nor once
rejected or withdrawn; a placement is public only while its EOI is public, too.

What is shown is `PublicEntry`: places, countries, model, themes, SDGs, period and activity figures
summed up. Never a person: no names of people, no e-mail addresses, no CV data, no free text a person
wrote (the EOI's and the activity log's texts may name people). The list, its preview on the EOI and
placement pages, the CSV and the IATI file all read `published_eois`, `published_placements` and
`public_entries`, and nothing else.
"""

import dataclasses
import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from applications.models import ExpressionOfInterest, Participant, Status
from applications.vocabulary import Sdg, Theme
from fachkraefte.records import label_of, record
from partnerships import countries
from partnerships.models import Side, SpecialistModel
from placements import reports
from placements.models import Activity, Placement, PlacementStatus, PublicationConsent, Report, add_months
from placements.permissions import publishing_for

NOT_PUBLIC_STATES = (Status.DRAFT, Status.REJECTED, Status.WITHDRAWN)
PUBLIC_EOI_STATES = tuple(status for status in Status if status not in NOT_PUBLIC_STATES)


# --- which rows are public ------------------------------------------------------------------------------------
def _missing_consent(subject_field, eoi_ref):
    """The EOI's participants without a standing consent for the subject (the EOI or its placement)."""
    consent = PublicationConsent.objects.standing().filter(
        **{subject_field: OuterRef(OuterRef("pk"))}, municipality=OuterRef("municipality")
    )
    return Participant.objects.filter(eoi=OuterRef(eoi_ref)).exclude(Exists(consent))


def published_eois():
    """The EOIs past their submission (not rejected, not withdrawn) that every municipality of theirs opted in."""
    eois = ExpressionOfInterest.objects.filter(status__in=PUBLIC_EOI_STATES)
    return eois.exclude(Exists(_missing_consent("eoi", "pk")))


def published_placements():
    """The placements of published EOIs that every municipality of the EOI opted in, too."""
    placements = Placement.objects.filter(eoi__in=published_eois().values("pk"))
    return placements.exclude(Exists(_missing_consent("placement", "eoi")))


def is_published(subject):
    published = published_eois() if isinstance(subject, ExpressionOfInterest) else published_placements()
    return published.filter(pk=subject.pk).exists()


# --- the figures of the whole list, kept in the cache ---------------------------------------------------------
# Counting every published EOI and placement by country takes longer than the page may. A periodic task
# (placements.tasks.refresh_public_figures, every FIGURES_REFRESH_MINUTES) computes them and puts them in the
# cache; whatever changes what is public forgets them at once, so that the next reader computes them anew: a
# change of consent (set_consent) and a workflow step of an EOI or a placement (forget_on_step). The whole list's
# pages are kept with the figures they were drawn with (templates/placements/transparency_list.html), so they are
# as fresh: whoever withdraws is off the list at once. What may lag until the next refresh (the page says since
# when): the activity figures of a placement.
FIGURES_KEY = "placements:public-figures:v1"
FIGURES_REFRESH_MINUTES = 5
FIGURES_TIMEOUT_SECONDS = 3 * FIGURES_REFRESH_MINUTES * 60  # a cache the task cannot reach: never older


@dataclasses.dataclass(frozen=True)
class PublicFigures:
    computed_at: datetime.datetime
    eois: int  # published EOIs
    by_country: list  # [(ISO code of a partner country, published EOIs, published placements)]: named when read


def counts_by_partner_country(eois):
    """[(ISO code, EOIs, published placements)] of the partner countries of `eois` (published ones); one query."""
    published = Q(eoi__placement__in=published_placements().values("pk"))
    rows = (
        Participant.objects.filter(eoi__in=eois.values("pk"), side=Side.PARTNER)
        .order_by()
        .values("municipality__country")
        .annotate(eois=Count("eoi", distinct=True), placements=Count("eoi__placement", distinct=True, filter=published))
    )
    return [(row["municipality__country"], row["eois"], row["placements"]) for row in rows]


def compute_figures():
    eois = published_eois()
    return PublicFigures(timezone.now(), eois.count(), counts_by_partner_country(eois))


def refresh_figures():
    """Compute the figures and keep them; returns them."""
    figures = compute_figures()
    cache.set(FIGURES_KEY, figures, FIGURES_TIMEOUT_SECONDS)
    return figures


def figures():
    """The kept figures, or fresh ones (kept too) when there are none."""
    return cache.get(FIGURES_KEY) or refresh_figures()


def forget_figures():
    cache.delete(FIGURES_KEY)


def forget_on_step(sender, **kwargs):
    """django-fsm's post_transition of an EOI or a placement: a step may put it on the list or take it off."""
    transaction.on_commit(forget_figures)


# --- what is shown of them ------------------------------------------------------------------------------------
@dataclasses.dataclass
class Figures:
    """Activities and participants by gender: a quarter's or the whole placement's."""

    activities: int = 0
    women: int = 0
    men: int = 0
    diverse: int = 0
    not_stated: int = 0
    start: datetime.date = None  # a quarter's first day

    @property
    def participants(self):
        return self.women + self.men + self.diverse + self.not_stated

    @property
    def end(self):
        """A quarter's last day."""
        return add_months(self.start, 3) - datetime.timedelta(days=1)

    @property
    def label(self):
        return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}

    def add(self, other):
        for name in ("activities", *reports.GENDERS):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclasses.dataclass
class PublicEntry:
    """Everything the public sees of one EOI and, when it is published too, of its placement."""

    eoi_id: int
    german: list
    partner: list
    countries: list  # ISO 3166-1 alpha-2 codes of the partner municipalities
    specialist_model: str
    themes: list
    sdgs: list
    eoi_status: str
    placement_id: int = None
    placement_status: str = ""
    start: datetime.date = None
    end: datetime.date = None
    reports_submitted: int = 0
    quarters: list = dataclasses.field(default_factory=list)

    @property
    def title(self):
        return " – ".join(self.german + self.partner)

    @property
    def country_names(self):
        return [countries.name(code) for code in self.countries]

    @property
    def model_label(self):
        return label_of(SpecialistModel, self.specialist_model)

    @property
    def theme_labels(self):
        return [str(Theme(value).label) for value in self.themes if value in Theme.values]

    @property
    def sdg_labels(self):
        return [str(Sdg(value).label) for value in self.sdgs if value in Sdg.values]

    @property
    def status_label(self):
        if self.placement_id:
            return label_of(PlacementStatus, self.placement_status)
        return label_of(Status, self.eoi_status)

    @property
    def totals(self):
        totals = Figures()
        for quarter in self.quarters:
            totals.add(quarter)
        return totals

    def fields(self):
        """(label, text) of each public field, in the reader's language: the list's card and the preview."""
        rows = [
            (_("Municipalities in Germany"), ", ".join(self.german)),
            (_("Partner municipalities"), ", ".join(self.partner)),
            (_("Countries"), ", ".join(self.country_names)),
            (_("Specialist model"), self.model_label),
            (_("Themes"), ", ".join(self.theme_labels) or "–"),
            (_("Sustainable Development Goals"), ", ".join(self.sdg_labels) or "–"),
            (_("Status"), self.status_label),
        ]
        if self.placement_id:
            rows.append((_("Period"), period_text(self.start, self.end)))
            totals = self.totals
            rows += [
                (_("Activities logged"), str(totals.activities)),
                (_("Participants"), participants_text(totals)),
                (_("Reports submitted"), str(self.reports_submitted)),
            ]
        return rows


def period_text(start, end):
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"


def participants_text(figures):
    return _("%(total)s (women %(women)s, men %(men)s, diverse %(diverse)s, not stated %(not_stated)s)") % {
        "total": figures.participants,
        "women": figures.women,
        "men": figures.men,
        "diverse": figures.diverse,
        "not_stated": figures.not_stated,
    }


# The fields of an EOI a PublicEntry reads: a list may load only these (an EOI's own texts are long).
ENTRY_FIELDS = ("id", "specialist_model", "themes", "sdgs", "status")


def public_entries(eois, placements):
    """One PublicEntry per EOI of `eois` (with their participants prefetched), in their order, with the
    figures of its placement when `placements` (a queryset) holds it. A fixed number of queries, however many."""
    eois = list(eois)
    placements = {
        placement.eoi_id: placement
        for placement in placements.filter(eoi__in=[eoi.pk for eoi in eois])
        .order_by()
        .annotate(reports_submitted=Count("reports", filter=Q(reports__state=Report.State.SUBMITTED)))
    }
    quarters = quarterly_figures(placement.pk for placement in placements.values())
    return [_entry(eoi, placements.get(eoi.pk), quarters) for eoi in eois]


def _entry(eoi, placement, quarters):
    participants = list(eoi.participants.all())
    partner = [p.municipality for p in participants if p.side == Side.PARTNER]
    entry = PublicEntry(
        eoi_id=eoi.pk,
        german=[p.municipality.name for p in participants if p.side == Side.GERMAN],
        partner=[m.name for m in partner],
        countries=sorted({m.country.code for m in partner}),
        specialist_model=eoi.specialist_model,
        themes=list(eoi.themes or []),
        sdgs=list(eoi.sdgs or []),
        eoi_status=eoi.status,
    )
    if placement is not None:
        entry.placement_id, entry.placement_status = placement.pk, placement.status
        entry.start, entry.end = placement.start, placement.end
        entry.reports_submitted = placement.reports_submitted
        entry.quarters = quarters.get(placement.pk, [])
    return entry


def quarterly_figures(placement_ids):
    """{placement id: [Figures of each calendar quarter with activities, oldest first]}, in one query (none for
    no placement: an EOI's preview)."""
    placement_ids = list(placement_ids)
    if not placement_ids:
        return {}
    rows = (
        Activity.objects.filter(placement__in=placement_ids)
        .order_by()
        .annotate(quarter=TruncQuarter("date"))
        .values("placement", "quarter")
        .annotate(**reports.totals_expressions())
        .order_by("placement", "quarter")
    )
    figures = {}
    for row in rows:
        quarter = row["quarter"]
        start = quarter.date() if isinstance(quarter, datetime.datetime) else quarter
        values = {name: row[name] for name in ("activities", *reports.GENDERS)}
        figures.setdefault(row["placement"], []).append(Figures(start=start, **values))
    return figures


def entries_of_published_placements():
    """The published placements as PublicEntry, newest start first: the CSV and the IATI file."""
    placements = published_placements()
    eois = (
        published_eois()
        .filter(placement__in=placements.values("pk"))
        .prefetch_related("participants__municipality")
        .order_by("-placement__start", "pk")
    )
    return public_entries(eois, placements)


# --- the municipalities' opt-in -------------------------------------------------------------------------------
def eoi_of(subject):
    return subject if isinstance(subject, ExpressionOfInterest) else subject.eoi


def _subject_field(subject):
    return "eoi" if isinstance(subject, ExpressionOfInterest) else "placement"


def consents_of(subject):
    """{municipality id: the consent row (standing or withdrawn)} of an EOI or a placement."""
    rows = PublicationConsent.objects.filter(**{_subject_field(subject): subject}).select_related("given_by")
    return {row.municipality_id: row for row in rows}


def set_consent(subject, municipality, consent, *, by):
    """`by`, a contact of `municipality`, opts it in (`consent` True) or out for an EOI or a placement
    (`municipality` None: the one municipality `by` is a contact of).

    Each municipality decides for itself; nobody changes another's decision. Saving the same state again
    records nothing. The refusal of anybody else is a logged 403 (placements.permissions.publishing_for).
    """
    # Outside the transaction: the refusal's entry in the security log must not roll back with it.
    municipality = publishing_for(by, eoi_of(subject), municipality)
    field = _subject_field(subject)
    with transaction.atomic():
        subject = type(subject).objects.select_for_update().get(pk=subject.pk)
        row = PublicationConsent.objects.filter(**{field: subject, "municipality": municipality}).first()
        standing = row is not None and row.is_standing
        if standing == consent:
            return row
        now = timezone.now()
        if row is None:
            row = PublicationConsent(**{field: subject}, municipality=municipality)
        if consent:
            row.given_by, row.given_at, row.revoked_by, row.revoked_at = by, now, None, None
        else:
            row.revoked_by, row.revoked_at = by, now
        row.save()
        kinds = getattr(subject, subject.RECORDS).model.Kind
        kind = kinds.PUBLICATION_CONSENTED if consent else kinds.PUBLICATION_REVOKED
        record(subject, kind, by=by, municipality=municipality.name, municipality_id=municipality.pk)
        transaction.on_commit(forget_figures)  # the list's figures count the subject, or no longer
    return row
