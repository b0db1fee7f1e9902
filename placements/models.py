"""Candidates, their shortlisting, placements, and what placed specialists log and report."""

import datetime
import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from applications.models import Channel, ExpressionOfInterest, Participant, anonymised_candidate_label
from fachkraefte.choices import ChoiceLabels
from fachkraefte.records import Record, label_of
from fachkraefte.staff import staff_only
from partnerships.models import Municipality, SpecialistModel

PLACEMENT_MONTHS = 24


def cv_path(instance, filename):
    """Stored under a random name; the user's file name is kept only in the database."""
    return f"candidate-cvs/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class CandidateQuerySet(models.QuerySet):
    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def past_retention(self, day=None):
        """Never placed, still identifiable, and past the retention deadline."""
        day = day or timezone.localdate()
        return self.not_anonymised().filter(retention_until__lt=day, placements__isnull=True)


class Candidate(models.Model):
    """A person recruiters propose for placements; personal data with a retention deadline."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    nationalities = models.JSONField(_("nationalities"), default=list, help_text=_("ISO country codes"))
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    languages = models.JSONField(_("languages and CEFR levels"), default=list, blank=True)
    expertise = models.JSONField(_("expertise (programme themes)"), default=list, blank=True)
    years_of_experience = models.PositiveSmallIntegerField(_("years of professional experience"), default=0)
    vocational_training = models.BooleanField(_("completed vocational training or degree"), default=False)
    qualification = models.CharField(_("vocational training or degree"), max_length=300, blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    cv = models.FileField(_("CV"), upload_to=cv_path, blank=True)
    cv_name = models.CharField(max_length=255, blank=True, verbose_name=_("file name of the CV"))
    consent_text_version = models.CharField(_("version of the consent text"), max_length=20, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    pool_consent = models.BooleanField(
        _("consents to stay in the candidate pool"),
        default=False,
        help_text=_("Then the data are kept 24 months from the consent (renewable) instead of six months."),
    )
    applied_for = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicants",
        verbose_name=_("applied for"),
    )
    retention_until = models.DateField(_("keep the data until"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Whose data the candidate is (CIM, GIZ, or the partner's for local experts), fixed when recorded
    # (applications.permissions.recording_channel): a recruiter sees their channel's candidates only, also after
    # the EOI they applied for has changed its specialist model.
    channel = models.CharField(_("recorded for"), max_length=10, choices=Channel.choices, blank=True, editable=False)

    objects = CandidateQuerySet.as_manager()
    # Holds personal data too: anonymising a candidate deletes these rows.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["name"]

    def __str__(self):
        return self.name if not self.anonymised_at else anonymised_candidate_label(self.pk)

    def save(self, *args, **kwargs):
        if self._state.adding and not self.channel:
            from applications.permissions import recording_channel  # the policy imports the models

            self.channel = recording_channel(self.created_by, self.applied_for)
        super().save(*args, **kwargs)

    def as_recorded(self):
        """The candidate in a record's parameters: the name, or for an anonymised candidate the number and a
        marker; the record words the label in its reader's language when read (Event.candidate_name)."""
        if self.anonymised_at:
            return {"candidate": "", "candidate_id": self.pk, "candidate_anonymised": True}
        return {"candidate": self.name, "candidate_id": self.pk}

    def age_on(self, day):
        if not self.date_of_birth:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ShortlistEntryQuerySet(models.QuerySet):
    def not_declined(self):
        """The candidates no municipality has declined: every participating municipality may still accept them."""
        return self.exclude(decisions__decision=ShortlistDecision.Decision.DECLINED)

    def accepted_by_all(self):
        """The candidates every participating municipality of their EOI has accepted: the employer picks among them."""
        acceptance = ShortlistDecision.objects.filter(
            entry=OuterRef(OuterRef("pk")),
            municipality=OuterRef("municipality"),
            decision=ShortlistDecision.Decision.ACCEPTED,
        )
        not_accepting = Participant.objects.filter(eoi=OuterRef("eoi")).exclude(Exists(acceptance))
        return self.exclude(Exists(not_accepting))

    def with_standing(self):
        """Each entry's `standing`: declined by a municipality, accepted by all, or waiting for some."""
        standing = ShortlistEntry.Standing
        declined = ShortlistDecision.objects.filter(entry=OuterRef("pk"), decision=ShortlistDecision.Decision.DECLINED)
        accepted = ShortlistEntry.objects.accepted_by_all().filter(pk=OuterRef("pk"))
        return self.annotate(
            standing=Case(
                When(Exists(declined), then=Value(standing.DECLINED)),
                When(Exists(accepted), then=Value(standing.ACCEPTED)),
                default=Value(standing.PENDING),
                output_field=models.CharField(),
            )
        )


class ShortlistEntry(models.Model):
    """A candidate proposed for one EOI; each municipality accepts or declines (a decision), the employer picks."""

    class Standing(models.TextChoices):
        """Where the municipalities' decisions leave the candidate (worked out, not stored)."""

        PENDING = "pending", _("waiting for the municipalities")
        ACCEPTED = "accepted", _("accepted by every municipality")
        DECLINED = "declined", _("declined")

    # PROTECT: the shortlist and the municipalities' decisions are the record of the recruitment.
    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.PROTECT,
        related_name="shortlist",
        verbose_name=_("expression of interest"),
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="shortlistings", verbose_name=_("candidate")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added on"))
    selected = models.BooleanField(_("selected"), default=False)

    objects = ShortlistEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("shortlisted candidate")
        verbose_name_plural = _("shortlist")
        ordering = ["eoi", "added_at"]
        constraints = [
            models.UniqueConstraint(fields=["eoi", "candidate"], name="candidate_once_per_shortlist"),
            models.UniqueConstraint(
                fields=["eoi"],
                condition=Q(selected=True),
                name="one_selected_candidate_per_eoi",
                violation_error_message=_("A candidate has already been selected for this expression of interest."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} → {self.eoi_id}"

    @property
    def standing_label(self):
        """The label of `standing`, for an entry read `with_standing()`."""
        return self.Standing(self.standing).label


class ShortlistDecision(models.Model):
    """One participating municipality's own accept or decline of one shortlisted candidate, with its reason."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    entry = models.ForeignKey(
        ShortlistEntry, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("shortlisted candidate")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    # A reason speaks about the person: anonymising the candidate erases it, and this says so.
    reason_erased_at = models.DateTimeField(_("reason erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("shortlist decision")
        verbose_name_plural = _("shortlist decisions")
        ordering = ["entry", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "municipality"],
                name="one_shortlist_decision_per_municipality",
                violation_error_message=_("This municipality has already decided on this candidate."),
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["accepted", "declined"]),
                name="shortlist_decision_accepted_or_declined",
            ),
            models.CheckConstraint(
                condition=Q(decision="accepted") | ~Q(reason="") | Q(reason_erased_at__isnull=False),
                name="shortlist_decline_has_a_reason",
                violation_error_message=_("Please say why you decline this candidate."),
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.get_decision_display()} ({self.entry})"


class PlacementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    EXTENDED = "extended", _("Extended")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


RUNNING = (PlacementStatus.ACTIVE, PlacementStatus.EXTENDED)


def own_specialist(report, user):
    """Only the placement's specialist writes and submits its reports."""
    return user.is_authenticated and report.placement.specialist_id == user.pk


REPORT_TEXT_FIELDS = ("summary", "results", "challenges", "next_steps")


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


class PlacementQuerySet(models.QuerySet):
    def running(self):
        return self.filter(status__in=RUNNING)

    def of_specialist(self, user):
        return self.filter(specialist=user)


class Placement(ChoiceLabels, FSMModelMixin, models.Model):
    """A specialist placed for an EOI, usually for two years."""

    eoi = models.OneToOneField(
        ExpressionOfInterest,
        on_delete=models.PROTECT,
        related_name="placement",
        verbose_name=_("expression of interest"),
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, related_name="placements", verbose_name=_("candidate")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("specialist's account"),
    )
    status = FSMField(_("status"), default=PlacementStatus.PLANNED, choices=PlacementStatus.choices, protected=True)
    specialist_model = models.CharField(_("specialist model"), max_length=20, choices=SpecialistModel.choices)
    places = models.ManyToManyField(Municipality, related_name="placements", verbose_name=_("place(s) of assignment"))
    employer = models.CharField(_("employer"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    monthly_top_up = models.DecimalField(
        _("monthly top-up"), max_digits=10, decimal_places=2, null=True, blank=True, help_text=_("Staff only.")
    )
    top_up_currency = models.CharField(_("currency"), max_length=3, blank=True)
    end_reason = models.TextField(_("reason for extension or early end"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlacementQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[places])
    RECORDS = "events"

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start"]
        constraints = [
            # `end` is the last day, so a placement ended early on its first day is still whole.
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="placement_end_not_before_start",
                violation_error_message=_("The end of the placement must not lie before its start."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_top_up__isnull=True) | Q(monthly_top_up__gte=0),
                name="placement_top_up_not_negative",
                violation_error_message=_("The monthly top-up cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(monthly_top_up__isnull=True, top_up_currency="") | Q(top_up_currency__regex=r"^[A-Z]{3}$"),
                name="placement_top_up_in_iso_currency",
                violation_error_message=_("Give the top-up's currency as an ISO 4217 code, such as EUR or NAD."),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} – {self.eoi.partnership}"

    @staticmethod
    def default_end(start, months=PLACEMENT_MONTHS):
        """The last day of a placement of `months` months that begins on `start`."""
        return add_months(start, months) - datetime.timedelta(days=1)

    @transition(field=status, source=PlacementStatus.PLANNED, target=PlacementStatus.ACTIVE, permission=staff_only)
    def begin(self, by=None):
        pass

    @transition(field=status, source=RUNNING, target=PlacementStatus.EXTENDED, permission=staff_only)
    def extend(self, new_end, comment, by=None):
        self.end = new_end
        self.end_reason = comment

    @transition(field=status, source=RUNNING, target=PlacementStatus.COMPLETED, permission=staff_only)
    def complete(self, by=None):
        pass

    @transition(field=status, source=RUNNING, target=PlacementStatus.ENDED_EARLY, permission=staff_only)
    def end_early(self, end, comment, by=None):
        self.end = end
        self.end_reason = comment


class PlacementEvent(Record):
    """The one record of what happened to a placement (see fachkraefte.records): its steps and its reports."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Placement created")
        BEGIN = "begin", _("Placement begun")
        EXTEND = "extend", _("Placement extended")
        COMPLETE = "complete", _("Placement completed")
        END_EARLY = "end_early", _("Placement ended early")
        PLAN_CHANGED = "plan_changed", _("Dates, employer or places changed")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        REPORT_READ = "report_read", _("Report read by programme staff")
        REPORT_REMINDED = "report_reminded", _("Reminder of a report sent")
        SPECIALIST_INVITED = "specialist_invited", _("Specialist invited to the portal")
        SPECIALIST_JOINED = "specialist_joined", _("Specialist's account created")
        PUBLICATION_CONSENTED = "publication_consented", _("Consent to publication given")
        PUBLICATION_REVOKED = "publication_revoked", _("Consent to publication withdrawn")

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="events", verbose_name=_("placement")
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=PlacementStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=PlacementStatus.choices, blank=True)

    STATUS_CHOICES = PlacementStatus
    DETAILS = {
        Kind.EXTEND: lambda params: str(_("New end: %(end)s") % {"end": _date(params["new_end"])}),
        Kind.END_EARLY: lambda params: str(_("Last day: %(end)s") % {"end": _date(params["end"])}),
        Kind.PLAN_CHANGED: lambda params: _plan(params),
        Kind.REPORT_SUBMITTED: lambda params: _report_period(params),
        Kind.REPORT_READ: lambda params: _report_period(params),
        Kind.REPORT_REMINDED: lambda params: _report_period(params),
        Kind.SPECIALIST_INVITED: "%(email)s",
        Kind.PUBLICATION_CONSENTED: "%(municipality)s",
        Kind.PUBLICATION_REVOKED: "%(municipality)s",
    }

    class Meta(Record.Meta):
        verbose_name = _("placement event")
        verbose_name_plural = _("placement events")


def _date(iso):
    return date_format(datetime.date.fromisoformat(iso), "SHORT_DATE_FORMAT")


def _plan(params):
    """The plan as it stands after the change: the dates, the employer, the places (names: data, not words)."""
    return "; ".join(
        part
        for part in (
            f"{_date(params['start'])} – {_date(params['end'])}",
            params["employer"],
            ", ".join(params["places"]),
        )
        if part
    )


def _report_period(params):
    kind = label_of(Report.Kind, params["report_kind"])
    return f"{kind} {_date(params['period_start'])} – {_date(params['period_end'])}"


class Principle(models.TextChoices):
    TRANSPARENCY = "transparency", _("transparent project work")
    COOPERATION = "cooperation", _("cooperation across departments and institutions")
    INCLUSION = "inclusion", _("consideration of women and other disadvantaged groups")


class ParticipantsByGender(models.Model):
    participants_women = models.PositiveIntegerField(_("women"), default=0)
    participants_men = models.PositiveIntegerField(_("men"), default=0)
    participants_diverse = models.PositiveIntegerField(_("diverse"), default=0)
    participants_not_stated = models.PositiveIntegerField(_("not stated"), default=0)

    class Meta:
        abstract = True

    @property
    def participants_total(self):
        return (
            self.participants_women + self.participants_men + self.participants_diverse + self.participants_not_stated
        )


class Activity(ParticipantsByGender):
    """One entry in the specialist's activity log."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="activities", verbose_name=_("placement")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    themes = models.JSONField(_("programme themes"), default=list, blank=True)
    sdgs = models.JSONField(_("Sustainable Development Goals"), default=list, blank=True)
    departments = models.TextField(_("departments and institutions involved"), blank=True)
    principles = models.JSONField(_("principles it served"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("changed on"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date}: {self.title}"


class NetworkEvent(models.Model):
    """A networking and exchange event (Vernetzungs- und Austauschveranstaltung) run by the programme."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Berlin")
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_deadline = models.DateTimeField(_("registration deadline"))
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminder sent on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("network event")
        verbose_name_plural = _("network events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="network_event_end_not_before_start",
                violation_error_message=_("The event must not end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"

    @property
    def time_zone_label(self):
        """The city and the offset at the start ("Berlin time, UTC+01:00"), rather than "Europe/Berlin"."""
        zone = zoneinfo.ZoneInfo(self.time_zone)
        offset = self.starts_at.astimezone(zone).strftime("%z")
        city = self.time_zone.rsplit("/", 1)[-1].replace("_", " ")
        return _("%(city)s time, UTC%(offset)s") % {"city": city, "offset": f"{offset[:3]}:{offset[3:]}"}


class Registration(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    # PROTECT: who registered and who attended is kept; an event with registrations is not deleted.
    event = models.ForeignKey(
        NetworkEvent, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("specialist")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("registered on"))
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "specialist"],
                condition=~models.Q(state="cancelled"),
                name="one_live_registration_per_person",
            )
        ]

    def __str__(self):
        return f"{self.specialist} – {self.event} ({self.state})"


class OwnNetworkEvent(ParticipantsByGender):
    """A networking or exchange event the specialist organised or attended on their own."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="own_events", verbose_name=_("placement")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    organised = models.BooleanField(_("organised by me"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("own network event")
        verbose_name_plural = _("own network events")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date}: {self.title}"


class Report(ChoiceLabels, models.Model):
    """An interim report every six months and a final report, with the activity totals."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class State(models.TextChoices):
        DUE = "due", pgettext_lazy("report state", "due")
        SUBMITTED = "submitted", _("submitted")
        CANCELLED = "cancelled", _("cancelled")

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="reports", verbose_name=_("placement")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    due_date = models.DateField(_("due date"))
    # Not protected: the schedule (placements.reports) sets due and cancelled as the placement's dates move;
    # the specialist's step, submitting, is the declared transition below.
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DUE)
    summary = models.TextField(_("summary"), blank=True)
    results = models.TextField(_("results"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    totals = models.JSONField(_("activity totals"), default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    pdf = models.FileField(upload_to="report-pdfs/", blank=True, verbose_name=_("PDF"))
    last_reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last reminder"))
    # A submitted report waits in programme staff's work queue until one of them marks it read.
    read_by_staff_at = models.DateTimeField(_("read by programme staff"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["placement", "due_date"]
        indexes = [
            # The work queue's reports to read: the few unread among every report, oldest first, from the index.
            models.Index(
                fields=["submitted_at", "id"],
                name="report_unread_idx",
                condition=models.Q(state="submitted", read_by_staff_at__isnull=True),
            )
        ]
        constraints = [
            # With the kind: a final report may cover the same days as a submitted interim one after an early end.
            models.UniqueConstraint(
                fields=["placement", "kind", "period_start", "period_end"],
                name="one_report_per_placement_and_period",
                violation_error_message=_("This placement already has this report for this period."),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_start} – {self.period_end}"

    @transition(field=state, source=State.DUE, target=State.SUBMITTED, permission=own_specialist)
    def submit(self, values, totals, by=None):
        """The specialist's text and the period's frozen activity totals."""
        for name in REPORT_TEXT_FIELDS:
            setattr(self, name, values.get(name, ""))
        self.totals = totals
        self.submitted_at, self.submitted_by = timezone.now(), by


class PublicationConsentQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(revoked_at__isnull=True)


class PublicationConsent(models.Model):
    """One municipality's own opt-in to showing an EOI, or its placement, on the public transparency list.

    Off until given; revocable. One row per subject and municipality holds the current state (who gave it
    and when, who withdrew it and when); each give and withdraw is also in the subject's record. Which rows
    the public sees follows from these in one place: placements.publication.
    """

    # CASCADE from the EOI as its participants do; a placement is never deleted (PROTECT elsewhere).
    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="publication_consents",
        verbose_name=_("expression of interest"),
    )
    placement = models.ForeignKey(
        Placement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication_consents",
        verbose_name=_("placement"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = PublicationConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent to publication")
        verbose_name_plural = _("consents to publication")
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eoi__isnull=False, placement__isnull=True) | Q(eoi__isnull=True, placement__isnull=False),
                name="publication_consent_for_eoi_or_placement",
                violation_error_message=_("A consent to publication is for an expression of interest or a placement."),
            ),
            models.UniqueConstraint(
                fields=["eoi", "municipality"],
                condition=Q(eoi__isnull=False),
                name="one_publication_consent_per_eoi_and_municipality",
            ),
            models.UniqueConstraint(
                fields=["placement", "municipality"],
                condition=Q(placement__isnull=False),
                name="one_publication_consent_per_placement_and_municipality",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("given_at")),
                name="publication_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.municipality}: {self.eoi_id or ''}{self.placement_id or ''}"

    @property
    def is_standing(self):
        return self.revoked_at is None
