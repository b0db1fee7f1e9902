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

from applications.vocabulary import Sdg, Theme
from partnerships.models import Municipality, Partnership, Side, SpecialistModel


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE_STATES = (Status.DRAFT, Status.RETURNED)
WITHDRAWABLE_STATES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)


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


class ExpressionOfInterestQuerySet(models.QuerySet):
    def of_municipalities(self, municipalities):
        return self.filter(participants__municipality__in=municipalities).distinct()

    def with_participants(self):
        return self.select_related("partnership").prefetch_related("participants__municipality")


class ExpressionOfInterest(FSMModelMixin, models.Model):
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
    german_version = models.PositiveIntegerField(default=0, editable=False)
    partner_version = models.PositiveIntegerField(default=0, editable=False)
    shared_version = models.PositiveIntegerField(default=0, editable=False)

    objects = ExpressionOfInterestQuerySet.as_manager()

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at"]

    def __str__(self):
        return str(
            _("Expression of interest %(number)s: %(partnership)s")
            % {
                "number": self.pk,
                "partnership": self.partnership,
            }
        )

    # --- the workflow -------------------------------------------------------------------------
    @transition(field=status, source=[Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED)
    def submit(self, by=None):
        self.submitted_at = timezone.now()

    @transition(field=status, source=WITHDRAWABLE_STATES, target=Status.WITHDRAWN)
    def withdraw(self, by=None):
        pass

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

    def municipalities_of_side(self, side):
        return [p.municipality for p in self.participants.all() if p.side == side]

    def theme_labels(self):
        return [Theme(value).label for value in self.themes if value in Theme.values]

    def sdg_labels(self):
        return [Sdg(value).label for value in self.sdgs if value in Sdg.values]


class Participant(models.Model):
    """A municipality that carries the EOI, on its side."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="participants")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="eoi_participations", verbose_name=_("municipality")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        ordering = ["side", "municipality__name"]  # the German side first
        constraints = [models.UniqueConstraint(fields=["eoi", "municipality"], name="one_participation_per_eoi")]

    def __str__(self):
        return str(self.municipality)


class ConfirmationQuerySet(models.QuerySet):
    def standing(self):
        return self.filter(voided_at__isnull=True)


class Confirmation(models.Model):
    """A municipality's contact confirms the content as it stands: its fingerprint."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="confirmations")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)

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

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    fingerprint = models.CharField(max_length=64)
    content = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
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


class Event(models.Model):
    """The one record of what happened to an EOI: timeline, history and notifications read it."""

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

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class Invitation(models.Model):
    """An invitation by e-mail for the contact of a participating municipality."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="invitations")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("for"))
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language of the e-mail"), max_length=8, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

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
    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

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

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="documents")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREPARING)
    file = models.FileField(upload_to="eoi-pdfs/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("PDF")
        verbose_name_plural = _("PDFs")
        constraints = [
            models.UniqueConstraint(fields=["eoi", "language", "fingerprint"], name="one_pdf_per_language_and_content")
        ]

    def __str__(self):
        return f"{self.eoi_id} {self.language} {self.state}"
