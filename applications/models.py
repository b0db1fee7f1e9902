"""The joint expression of interest (Interessensbekundung) and what belongs to it."""

import hashlib
import json
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from applications.vocabulary import Sdg, Theme
from fachkraefte.choices import ChoiceLabels
from fachkraefte.records import Record, label_of
from fachkraefte.staff import staff_only
from partnerships.models import (
    MembershipRole,
    ModelAvailability,
    Municipality,
    Partnership,
    Side,
    SpecialistModel,
)
from partnerships.roles import is_programme_staff


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In eligibility review")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    NEEDS_DIALOGUE = "needs_dialogue", _("Needs dialogue")
    RECRUITMENT = "recruitment", _("Recruitment")
    CANDIDATE_SELECTION = "candidate_selection", _("Candidate selection")
    CONTRACTING = "contracting", _("Contracting")
    PLACED = "placed", _("Placed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATES = (Status.DRAFT, Status.RETURNED)
FINAL_STATES = (Status.REJECTED, Status.PLACED, Status.WITHDRAWN)
WITHDRAWABLE_STATES = tuple(state for state in Status if state not in FINAL_STATES)


class Channel(models.TextChoices):
    """Who recruits, by specialist model."""

    CIM = "cim", _("CIM")
    GIZ = "giz", _("GIZ")
    LOCAL = "local", _("The partner municipality, with programme support")


CHANNEL_OF_MODEL = {
    SpecialistModel.INTEGRATED: Channel.CIM,
    SpecialistModel.DEVELOPMENT_WORKER: Channel.GIZ,
    SpecialistModel.LOCAL: Channel.LOCAL,
}


# --- who may take a step: the `permission` of each @transition below -------------------------


def contact_sides(eoi, user):
    """The sides of the EOI on which `user` is a contact of a participating municipality."""
    if not user.is_authenticated:
        return set()
    return set(
        eoi.participants.filter(
            municipality__memberships__user=user, municipality__memberships__role=MembershipRole.CONTACT
        ).values_list("side", flat=True)
    )


def applicant_contact(eoi, user):
    """A contact of a participating municipality: they carry the EOI (staff do not submit for them)."""
    return bool(contact_sides(eoi, user))


def applicant_or_staff(eoi, user):
    return is_programme_staff(user) or applicant_contact(eoi, user)


def employer_contact(eoi, user):
    """Who picks the candidate: for integrated experts the employer (the partner side), otherwise any contact."""
    sides = contact_sides(eoi, user)
    return Side.PARTNER in sides if eoi.specialist_model == SpecialistModel.INTEGRATED else bool(sides)


def staff_or_contact_when_all_declined(eoi, user):
    """Staff reopen recruitment at will; the municipalities do when no candidate can still be accepted by all.

    Every shortlisted candidate declined by at least one participating municipality: none can be picked.
    """
    if is_programme_staff(user):
        return True
    all_declined = eoi.shortlist.exists() and not has_open_candidate(eoi)
    return all_declined and applicant_contact(eoi, user)


# --- conditions of the steps ---------------------------------------------------------------


def ready_to_submit(eoi):
    return not eoi.why_not_submittable()


def has_open_candidate(eoi):
    """A shortlisted candidate no participating municipality has declined: the municipalities have someone to choose.

    The one rule for opening the candidate selection (the portal's button and the admin's step both run it).
    """
    return eoi.shortlist.not_declined().exists()


def has_selected_candidate(eoi):
    return eoi.shortlist.filter(selected=True).exists()


def has_placement(eoi):
    """Its Placement is saved: placements.services.create_placement saves it, then places the EOI, in one transaction.

    Without it a placed EOI could never be repaired: placed is final, and a placement is only added in contracting.
    Asked of the database, not of the instance, whose reverse relation may be cached from before the save.
    """
    return ExpressionOfInterest.objects.filter(pk=eoi.pk, placement__isnull=False).exists()


def has_agreed_terms(eoi):
    return eoi.agreed_terms() is not None


def model_still_open(eoi):
    """The specialist model is still open in every partner country (staff may close it meanwhile)."""
    models.prefetch_related_objects([eoi], "participants__municipality")  # a no-op when the caller has done it
    partner_countries = [p.municipality.country for p in eoi.participants.all() if p.side == Side.PARTNER]
    open_cells = ModelAvailability.objects.filter(
        country__code__in=partner_countries, model=eoi.specialist_model, is_open=True
    ).count()
    return open_cells == len(set(partner_countries))


class Part(models.TextChoices):
    """The EOI's content falls into parts; each belongs to a side, or to both."""

    GERMAN = "german", _("German side")
    PARTNER = "partner", _("Partner side")
    SHARED = "shared", _("Together")


PART_FIELDS = {
    Part.GERMAN: [
        "motivation",
        "german_contribution",
        "german_departments",
        "german_contact_name",
        "german_contact_email",
    ],
    Part.PARTNER: [
        "need",
        "tasks_and_goals",
        "expertise_sought",
        "places_of_assignment",
        "working_languages",
        "wished_start",
        "partner_contact_name",
        "partner_contact_email",
    ],
    Part.SHARED: ["principle_transparency", "principle_cooperation", "principle_inclusion", "themes", "sdgs"],
}
CONTENT_FIELDS = [field for fields in PART_FIELDS.values() for field in fields]
PART_SIDE = {Part.GERMAN: Side.GERMAN, Part.PARTNER: Side.PARTNER, Part.SHARED: None}


def participants_prefetch():
    """An EOI's participants with their municipalities, in one query: for prefetch_related."""
    return models.Prefetch("participants", queryset=Participant.objects.select_related("municipality"))


class ExpressionOfInterestQuerySet(models.QuerySet):
    def of_municipalities(self, municipalities):
        return self.filter(participants__municipality__in=municipalities).distinct()

    def with_participants(self):
        """The partnership joined, the participants with their municipalities in one more query."""
        return self.select_related("partnership").prefetch_related(participants_prefetch())


class ExpressionOfInterest(ChoiceLabels, FSMModelMixin, models.Model):
    """One joint application of German and partner municipalities for a specialist."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="expressions_of_interest", verbose_name=_("partnership")
    )
    specialist_model = models.CharField(_("specialist model"), max_length=20, choices=SpecialistModel.choices)
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Kept beside the event record so the changelist can filter and sort by days in state.
    status_changed_at = models.DateTimeField(_("in this status since"), default=timezone.now)

    # German side
    motivation = models.TextField(_("motivation"), blank=True)
    german_contribution = models.TextField(
        _("what the German municipality contributes"),
        blank=True,
        help_text=_("Staff time, know-how, exchange visits."),
    )
    german_departments = models.TextField(_("departments and institutions involved"), blank=True)
    german_contact_name = models.CharField(_("contact person (German side)"), max_length=200, blank=True)
    german_contact_email = models.EmailField(_("contact e-mail (German side)"), blank=True)
    # Partner side
    need = models.TextField(_("the need and the problem to solve"), blank=True)
    tasks_and_goals = models.TextField(_("tasks and goals of the specialist"), blank=True)
    expertise_sought = models.TextField(_("expertise sought"), blank=True)
    places_of_assignment = models.TextField(_("place(s) of assignment"), blank=True)
    working_languages = models.JSONField(_("working languages and required level"), default=list, blank=True)
    wished_start = models.DateField(_("wished start"), null=True, blank=True)
    partner_contact_name = models.CharField(_("contact person (partner side)"), max_length=200, blank=True)
    partner_contact_email = models.EmailField(_("contact e-mail (partner side)"), blank=True)
    # Together
    principle_transparency = models.TextField(_("how you will make the project work transparent"), blank=True)
    principle_cooperation = models.TextField(
        _("how you will cooperate across departments and institutions"), blank=True
    )
    principle_inclusion = models.TextField(
        _("how you will give special consideration to women and other disadvantaged groups"), blank=True
    )
    themes = models.JSONField(_("programme themes"), default=list, blank=True)
    sdgs = models.JSONField(_("Sustainable Development Goals"), default=list, blank=True)

    # A stale save of a part is refused: each save names the version it started from.
    german_version = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("version of the German part")
    )
    partner_version = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("version of the partner part")
    )
    shared_version = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("version of the shared part")
    )

    objects = ExpressionOfInterestQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    RECORDS = "events"

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at"]
        indexes = [
            # The admin's list and the dashboards, newest first (the admin adds -pk to the ordering).
            models.Index(fields=["-created_at", "-id"], name="eoi_newest_first_idx"),
            # The status filter, days in status and the overdue rule (status, and since when).
            models.Index(fields=["status", "status_changed_at"], name="eoi_status_since_idx"),
            # The admin's date hierarchy: first and last submission, the years (an index-only scan).
            models.Index(fields=["submitted_at"], name="eoi_submitted_idx"),
            # The admin's name search counts the EOIs of the partnerships found (an index-only scan).
            models.Index(fields=["partnership", "id"], name="eoi_partnership_idx"),
            # A recruiter's candidates: those who applied for an EOI of the models their channel recruits.
            models.Index(fields=["specialist_model", "id"], name="eoi_model_idx"),
        ]

    def __str__(self):
        return str(
            _("Expression of interest %(number)s: %(partnership)s")
            % {
                "number": self.pk,
                "partnership": self.partnership,
            }
        )

    # --- the workflow: every status change is declared here -----------------------------------
    @transition(
        field=status,
        source=[Status.DRAFT, Status.RETURNED],
        target=Status.SUBMITTED,
        permission=applicant_contact,
        conditions=[ready_to_submit],
    )
    def submit(self, by=None):
        self.submitted_at = timezone.now()

    @transition(field=status, source=Status.SUBMITTED, target=Status.IN_REVIEW, permission=staff_only)
    def start_review(self, by=None):
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.RETURNED, permission=staff_only)
    def return_for_changes(self, by=None):
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.REJECTED, permission=staff_only)
    def reject(self, by=None):
        pass

    @transition(field=status, source=Status.IN_REVIEW, target=Status.NEEDS_DIALOGUE, permission=staff_only)
    def open_needs_dialogue(self, by=None):
        pass

    @transition(
        field=status,
        source=Status.NEEDS_DIALOGUE,
        target=Status.RECRUITMENT,
        permission=staff_only,
        conditions=[has_agreed_terms, model_still_open],
    )
    def start_recruitment(self, by=None):
        pass

    @transition(field=status, source=Status.RECRUITMENT, target=Status.NEEDS_DIALOGUE, permission=staff_only)
    def reopen_needs_dialogue(self, by=None):
        """Recruitment failed for want of the right profile: back to the dialogue, not to the start."""

    @transition(
        field=status,
        source=Status.RECRUITMENT,
        target=Status.CANDIDATE_SELECTION,
        permission=staff_only,
        conditions=[has_open_candidate],
    )
    def start_candidate_selection(self, by=None):
        pass

    @transition(
        field=status,
        source=Status.CANDIDATE_SELECTION,
        target=Status.RECRUITMENT,
        permission=staff_or_contact_when_all_declined,
    )
    def reopen_recruitment(self, by=None):
        """No candidate was selected: recruitment goes on."""

    @transition(
        field=status,
        source=Status.CANDIDATE_SELECTION,
        target=Status.CONTRACTING,
        permission=employer_contact,
        conditions=[has_selected_candidate],
    )
    def start_contracting(self, by=None):
        pass

    @transition(
        field=status,
        source=Status.CONTRACTING,
        target=Status.PLACED,
        permission=staff_only,
        conditions=[has_placement],
    )
    def place(self, by=None):
        """Only with its placement: placements.services.create_placement is the one way here."""

    @transition(field=status, source=WITHDRAWABLE_STATES, target=Status.WITHDRAWN, permission=applicant_or_staff)
    def withdraw(self, by=None):
        pass

    @property
    def channel(self):
        return CHANNEL_OF_MODEL[SpecialistModel(self.specialist_model)]

    def agreed_terms(self):
        """The newest terms of reference that every municipality and programme staff agreed, or None."""
        latest = self.terms.order_by("-number").first()
        return latest if latest is not None and latest.is_agreed() else None

    # --- content ------------------------------------------------------------------------------
    @property
    def is_editable(self):
        return self.status in EDITABLE_STATES

    def version_of(self, part):
        return getattr(self, f"{part}_version")

    def content(self):
        """The content as plain JSON values: what is confirmed, compared and printed."""
        values = {name: getattr(self, name) for name in CONTENT_FIELDS}
        values["wished_start"] = self.wished_start.isoformat() if self.wished_start else ""
        values["specialist_model"] = self.specialist_model
        values["municipalities"] = sorted(p.municipality_id for p in self.participants.all())
        return values

    def fingerprint(self):
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def missing_fields(self):
        """{part: [field names]} of everything still empty."""
        missing = {}
        for part, names in PART_FIELDS.items():
            empty = [name for name in names if getattr(self, name) in ("", None, [], {})]
            if empty:
                missing[part] = empty
        return missing

    def why_not_submittable(self):
        """The reasons, one sentence each, or an empty list when the EOI may be submitted."""
        reasons = []
        for part, fields in self.missing_fields().items():
            labels = ", ".join(str(ExpressionOfInterest._meta.get_field(f).verbose_name) for f in fields)
            reasons.append(_("%(part)s is incomplete: %(fields)s.") % {"part": Part(part).label, "fields": labels})
        fingerprint = self.fingerprint()
        confirmed = {c.municipality_id for c in self.confirmations.standing() if c.fingerprint == fingerprint}
        models.prefetch_related_objects([self], "participants__municipality")  # a no-op when the caller has done it
        waiting = [p.municipality.name for p in self.participants.all() if p.municipality_id not in confirmed]
        if waiting:
            reasons.append(_("Not yet confirmed by: %(names)s.") % {"names": ", ".join(waiting)})
        return [str(reason) for reason in reasons]

    def municipalities_of_side(self, side):
        return [p.municipality for p in self.participants.all() if p.side == side]

    def theme_labels(self):
        return [Theme(value).label for value in self.themes if value in Theme.values]

    def sdg_labels(self):
        return [Sdg(value).label for value in self.sdgs if value in Sdg.values]


class Participant(ChoiceLabels, models.Model):
    """A municipality that carries the EOI, on its side."""

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("expression of interest"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="eoi_participations", verbose_name=_("municipality")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        ordering = ["side", "municipality__name"]  # the German side first
        constraints = [models.UniqueConstraint(fields=["eoi", "municipality"], name="one_participation_per_eoi")]
        # The admin's partner-country filter: the EOIs of a country's municipalities (an index-only scan).
        indexes = [models.Index(fields=["municipality", "side", "eoi"], name="participant_place_eoi_idx")]

    def __str__(self):
        return str(self.municipality)


class ConfirmationQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(voided_at__isnull=True)


class Confirmation(models.Model):
    """A municipality's contact confirms the content as it stands: its fingerprint."""

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="confirmations",
        verbose_name=_("expression of interest"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint of the content"))
    confirmed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("confirmed on"))
    voided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("voided on"))

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        ordering = ["confirmed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["eoi", "municipality"],
                condition=models.Q(voided_at__isnull=True),
                name="one_standing_confirmation_per_municipality",
            )
        ]

    def __str__(self):
        return f"{self.municipality} ({self.confirmed_at:%Y-%m-%d %H:%M})"


class Version(models.Model):
    """A confirmed or submitted state of the content, kept for comparison."""

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("expression of interest"),
    )
    number = models.PositiveIntegerField(_("version"))
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint of the content"))
    content = models.JSONField(verbose_name=_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    submitted = models.BooleanField(_("submitted"), default=False)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["eoi", "number"]
        constraints = [
            models.UniqueConstraint(fields=["eoi", "number"], name="unique_version_number"),
            models.UniqueConstraint(fields=["eoi", "fingerprint"], name="one_version_per_content"),
        ]

    def __str__(self):
        return str(_("Version %(number)s") % {"number": self.number})


def _language_name(code):
    return str(dict(settings.LANGUAGES).get(code, code))


def anonymised_candidate_label(number):
    """How the portal names an anonymised candidate, in the current language: their profile and the record say it."""
    return str(_("anonymised candidate %(number)s") % {"number": number})


class EventQuerySet(models.QuerySet):
    def readable_by_applicants(self):
        """The record as the EOI's pages show it (to everybody who sees them): without the staff's own entries."""
        return self.exclude(kind__in=Event.STAFF_ONLY_KINDS)


class Event(Record):
    """The one record of what happened to an EOI: timeline, history and notifications read it.

    `params` keep the particulars as data; `detail()` renders them in the reader's language.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Expression of interest started")
        INVITED = "invited", _("Partner invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        PART_SAVED = "part_saved", _("Content changed")
        CONFIRMED = "confirmed", _("Content confirmed")
        CONFIRMATIONS_VOIDED = "confirmations_voided", _("Confirmations voided by a change")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
        ATTACHMENT_REMOVED = "attachment_removed", _("Attachment removed")
        PDF_REQUESTED = "pdf_requested", _("PDF requested")
        STATUS_CHANGED = "status_changed", _("Status changed")
        MEETING = "meeting", _("Needs dialogue meeting recorded")
        TERMS_PROPOSED = "terms_proposed", _("Terms of reference proposed")
        TERMS_AGREED = "terms_agreed", _("Terms of reference agreed")
        VACANCY_PUBLISHED = "vacancy_published", _("Vacancy published")
        MESSAGE = "message", _("Message")
        EXPORTED = "exported", _("Dossier exported")
        SHORTLISTED = "shortlisted", _("Candidate shortlisted")
        SHORTLIST_DECIDED = "shortlist_decided", _("Decision on a shortlisted candidate")
        PUBLICATION_CONSENTED = "publication_consented", _("Consent to publication given")
        PUBLICATION_REVOKED = "publication_revoked", _("Consent to publication withdrawn")

    # The dossier exports are the staff's bookkeeping: the admin lists them (permissions.dossiers_visible_to).
    # The municipalities meet the shortlist when the selection opens, not candidate by candidate as it grows.
    STAFF_ONLY_KINDS = [Kind.EXPORTED, Kind.SHORTLISTED]

    eoi = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="events", verbose_name=_("expression of interest")
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    from_status = models.CharField(_("from status"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)

    objects = EventQuerySet.as_manager()

    STATUS_CHOICES = Status
    DETAILS = {
        Kind.INVITED: _("%(email)s (%(municipality)s)"),
        Kind.INVITATION_RESENT: "%(email)s",
        Kind.INVITATION_REVOKED: "%(email)s",
        Kind.INVITATION_ACCEPTED: "%(email)s",
        Kind.PART_SAVED: lambda params: label_of(Part, params["part"]),
        Kind.CONFIRMED: lambda params: ", ".join(params["municipalities"]),
        Kind.ATTACHMENT_ADDED: "%(file)s",
        Kind.ATTACHMENT_REMOVED: "%(file)s",
        Kind.PDF_REQUESTED: lambda params: _language_name(params["language"]),
        Kind.STATUS_CHANGED: lambda params: Event.status_detail(params),
        Kind.MEETING: lambda params: f"{params['date']} – {label_of(Meeting.Format, params['format'])}",
        Kind.TERMS_PROPOSED: lambda params: str(_("Terms of reference, version %(number)s") % params),
        Kind.TERMS_AGREED: lambda params: Event.agreement_detail(params),
        Kind.SHORTLISTED: lambda params: Event.candidate_name(params),
        Kind.SHORTLIST_DECIDED: lambda params: Event.shortlist_detail(params),
        Kind.PUBLICATION_CONSENTED: "%(municipality)s",
        Kind.PUBLICATION_REVOKED: "%(municipality)s",
    }

    class Meta(Record.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # Events of one kind, newest first (the dashboard's recent dossiers) among 200,000 and more.
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="event_kind_newest_idx"),
            # The EOIs once returned for changes (the work queue's resubmissions): a few thousand events, by EOI.
            models.Index(fields=["eoi"], condition=models.Q(to_status=Status.RETURNED), name="event_returned_idx"),
        ]

    @staticmethod
    def candidate_name(params):
        """The candidate a record names: the name recorded, or an anonymised candidate's label in the reader's language
        (records written before the marker have it since placements migration 0010)."""
        if params.get("candidate_anonymised"):
            return anonymised_candidate_label(params["candidate_id"])
        return params["candidate"]

    @staticmethod
    def status_detail(params):
        if "candidate" in params:
            return str(_("Selected: %(candidate)s") % {"candidate": Event.candidate_name(params)})
        if params.get("all_declined"):
            return str(_("Every shortlisted candidate was declined; recruitment goes on."))
        return ""

    @staticmethod
    def shortlist_detail(params):
        sentences = {
            "accepted": _("%(municipality)s accepted %(candidate)s"),
            "declined": _("%(municipality)s declined %(candidate)s"),
        }
        return str(sentences[params["decision"]] % {**params, "candidate": Event.candidate_name(params)})

    @staticmethod
    def agreement_detail(params):
        parties = [name or str(_("programme staff")) for name in params["parties"]]
        text = str(_("Version %(number)s: %(parties)s") % {"number": params["number"], "parties": ", ".join(parties)})
        if params.get("all_agreed"):
            text = f"{text}. " + str(_("Every party has now agreed."))
        if params.get("specialist_model"):
            model = label_of(SpecialistModel, params["specialist_model"])
            text = f"{text} " + str(_("The specialist model is now: %(model)s.") % {"model": model})
        return text


class Invitation(models.Model):
    """An invitation by e-mail for the contact of a participating municipality."""

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("expression of interest"),
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("for"))
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language of the e-mail"), max_length=8, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("sent"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.municipality}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.revoked_at is None


def attachment_path(instance, filename):
    """Stored under a random name; the user's file name is kept only in the database."""
    return f"eoi-attachments/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("expression of interest"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120, verbose_name=_("file type"))
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded on"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class Document(models.Model):
    """The EOI printed to PDF in one language, for one state of its content."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("being prepared")
        READY = "ready", _("ready")

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("expression of interest"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    fingerprint = models.CharField(max_length=64, verbose_name=_("fingerprint of the content"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING, verbose_name=_("state"))
    file = models.FileField(upload_to="eoi-pdfs/", blank=True, verbose_name=_("file"))
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested on"))
    ready_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ready on"))

    class Meta:
        verbose_name = _("PDF")
        verbose_name_plural = _("PDFs")
        constraints = [
            models.UniqueConstraint(fields=["eoi", "language", "fingerprint"], name="one_pdf_per_language_and_content")
        ]

    def __str__(self):
        return f"{self.eoi_id} {self.language} {self.state}"


# --- the needs dialogue (Bedarfsdialog) ------------------------------------------------------


class Meeting(models.Model):
    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("expression of interest"),
    )
    date = models.DateField(_("date"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ONLINE)
    participants = models.TextField(_("participants"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("needs dialogue meeting")
        verbose_name_plural = _("needs dialogue meetings")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} ({self.get_format_display()})"


class TermsOfReference(models.Model):
    """One version of the terms of reference; a new version voids the agreements to earlier ones."""

    eoi = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="terms", verbose_name=_("expression of interest")
    )
    number = models.PositiveIntegerField(_("version"))
    expertise = models.TextField(_("expertise"))
    tasks_and_goals = models.TextField(_("tasks and goals"))
    places_of_assignment = models.TextField(_("place(s) of assignment"))
    specialist_model = models.CharField(_("specialist model"), max_length=20, choices=SpecialistModel.choices)
    duration_months = models.PositiveSmallIntegerField(_("duration in months"), default=24)
    start = models.DateField(_("start"), null=True, blank=True)
    languages = models.JSONField(_("working languages and required level"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    # When the last participating municipality agreed; empty until every one has. Written once, by
    # dialogue.agree_terms: the participants are fixed once an EOI is started and an agreement is never taken
    # back. The work queue reads it instead of comparing every EOI's participants with its agreements.
    municipalities_agreed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("agreed by every municipality on")
    )

    # The derived date is no change anybody made: the recorded changes leave it out.
    history = HistoricalRecords(excluded_fields=["municipalities_agreed_at"])

    class Meta:
        verbose_name = _("terms of reference")
        verbose_name_plural = _("terms of reference")
        ordering = ["eoi", "-number"]
        constraints = [models.UniqueConstraint(fields=["eoi", "number"], name="unique_terms_version")]

    def __str__(self):
        return str(_("Terms of reference, version %(number)s") % {"number": self.number})

    def agreed_parties(self):
        """Who agreed to this version: the municipalities' ids, and None for programme staff."""
        return {a.municipality_id for a in self.agreements.all()}

    def every_municipality_among(self, parties):
        """Every participating municipality is among `parties` (agreed_parties)."""
        return {p.municipality_id for p in self.eoi.participants.all()} <= parties

    def is_agreed(self):
        """Every participating municipality and programme staff agreed to this version."""
        parties = self.agreed_parties()
        return None in parties and self.every_municipality_among(parties)


class TermsAgreement(models.Model):
    """A municipality's (or, with no municipality, programme staff's) agreement to one version."""

    terms = models.ForeignKey(
        TermsOfReference, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("terms of reference")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("for")
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("agreed by")
    )
    agreed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("agreed on"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(fields=["terms", "municipality"], name="one_agreement_per_party"),
            models.UniqueConstraint(
                fields=["terms"], condition=models.Q(municipality__isnull=True), name="one_staff_agreement"
            ),
        ]

    def __str__(self):
        return f"{self.terms} – {self.municipality or _('programme staff')}"


# --- recruitment, messages, notifications ----------------------------------------------------


class Vacancy(models.Model):
    """The vacancy text a recruiter publishes for an EOI in recruitment."""

    eoi = models.OneToOneField(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="vacancy", verbose_name=_("expression of interest")
    )
    text = models.TextField(_("vacancy text"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("changed on"))

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")

    def __str__(self):
        return str(self.eoi)


def message_attachment_path(instance, filename):
    return f"eoi-messages/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Message(models.Model):
    """The thread between applicants and programme staff; internal notes are for staff only."""

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("expression of interest"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"))
    internal = models.BooleanField(
        _("internal note"), default=False, help_text=_("Only programme staff see internal notes.")
    )
    attachment = models.FileField(_("attachment"), upload_to=message_attachment_path, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True, verbose_name=_("file name"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("written on"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.author} ({self.created_at:%Y-%m-%d %H:%M})"
