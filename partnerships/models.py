"""Municipalities, their partnerships, the people who act for them, and country eligibility."""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import FSMField, FSMModelMixin, transition

from partnerships.ags import GERMAN_STATES, validate_ags

GERMANY = "DE"


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        """The one form in which the portal stores and compares an e-mail address: trimmed and all lower case.

        RFC 5321 lets the part before the @ be case-sensitive, but no mail system our users have treats it so,
        while people type their address in whatever case comes to hand. The database holds each address once
        whatever its case (the constraint on Lower("email")).
        """
        return (email or "").strip().lower()

    def with_email(self, email):
        """The account of `email` in any case or spacing; compares as the constraint does, so its index serves."""
        return self.alias(email_lower=Lower("email")).filter(email_lower=self.normalize_email(email))

    def get_by_natural_key(self, username):
        # What the login (ModelBackend) and createsuperuser look accounts up by.
        return self.with_email(username).get()

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_updates = models.CharField(
        _("e-mail about news that needs no decision"),
        max_length=12,
        choices=[("immediately", _("immediately")), ("daily", _("as a daily digest")), ("none", _("none"))],
        default="immediately",
        help_text=_("E-mails that carry a decision are always sent."),
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Designates whether the user can log into the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="one_account_per_email_in_any_case",
                violation_error_message=_("Another account uses this e-mail address."),
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>" if self.name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    def save(self, *args, **kwargs):
        # Whatever path the address comes in by (forms, admin, invitations, the shell), it is stored normalised.
        self.email = self.__class__.objects.normalize_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name


class Role(models.TextChoices):
    """Names of the Django groups that carry the programme-wide roles."""

    PROGRAMME_STAFF = "programme_staff", _("Programme staff (SKEW)")
    CIM_RECRUITER = "cim_recruiter", _("CIM recruiter")
    GIZ_RECRUITER = "giz_recruiter", _("GIZ recruiter")
    SPECIALIST = "specialist", _("Specialist")


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("City")
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("District (Landkreis)")
    BOROUGH = "borough", _("City borough")
    ASSOCIATION = "association", _("Municipal association")
    PARTNER = "partner", _("Partner municipality")


GERMAN_KINDS_WITH_AGS = {MunicipalityKind.CITY, MunicipalityKind.MUNICIPALITY, MunicipalityKind.DISTRICT}
GERMAN_KINDS = GERMAN_KINDS_WITH_AGS | {MunicipalityKind.BOROUGH, MunicipalityKind.ASSOCIATION}


class MunicipalityQuerySet(models.QuerySet):
    def german(self):
        return self.filter(country=GERMANY)

    def abroad(self):
        return self.exclude(country=GERMANY)

    def in_state(self, state_code):
        """German municipalities of one Land, by the two-digit prefix of their AGS."""
        return self.filter(ags__startswith=state_code)


class Municipality(models.Model):
    """A German town, district, borough or association, or a partner municipality abroad."""

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=MunicipalityKind.choices)
    ags = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_ags],
        help_text=_("Eight digits, e.g. 07315000 for Mainz. Only for German cities, municipalities and districts."),
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("Province or state, if it helps to tell places apart.")
    )
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="associations",
        verbose_name=_("member municipalities"),
        help_text=_("Only for a municipal association: the municipalities it brings together."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]

    def __str__(self):
        if self.is_german:
            return self.name
        return f"{self.name} ({self.country.name})"

    def save(self, *args, **kwargs):
        self.ags = self.ags or None  # blank keys must not collide on the unique index
        super().save(*args, **kwargs)

    @property
    def is_german(self):
        return self.country == GERMANY

    @property
    def state_name(self):
        """The Bundesland, read from the first two digits of the AGS."""
        return GERMAN_STATES.get(self.ags[:2], "") if self.ags else ""

    def clean(self):
        super().clean()
        self.ags = self.ags or None
        if self.is_german and self.kind == MunicipalityKind.PARTNER:
            raise ValidationError({"kind": _("A German municipality cannot be a partner municipality abroad.")})
        if self.country and not self.is_german and self.kind != MunicipalityKind.PARTNER:
            raise ValidationError({"kind": _("Municipalities outside Germany are partner municipalities.")})
        if self.ags and self.kind not in GERMAN_KINDS_WITH_AGS:
            raise ValidationError({"ags": _("Only German cities, municipalities and districts have an AGS.")})
        if not self.ags and self.is_german and self.kind in {MunicipalityKind.CITY, MunicipalityKind.MUNICIPALITY}:
            raise ValidationError({"ags": _("A German city or municipality needs its official municipality key.")})


class PartnershipKind(models.TextChoices):
    """The four kinds of link in the RGRE register of municipal partnerships."""

    PARTNERSHIP = "partnership", _("Partnership")
    FRIENDSHIP = "friendship", _("Friendship")
    CONTACT = "contact", _("Contact")
    PROJECT = "project", _("Project partnership")


class Side(models.TextChoices):
    GERMAN = "german", _("German side")
    PARTNER = "partner", _("Partner side")


class PartnershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def of_municipality(self, municipality):
        return self.filter(participants__municipality=municipality).distinct()

    def with_municipalities(self):
        return self.prefetch_related("participants__municipality")

    def confirmed(self):
        """Partnerships programme staff have confirmed (all but those registered in the portal and not yet checked)."""
        return self.filter(confirmed=True)


class Partnership(models.Model):
    """A link between German municipalities and municipalities in the Global South."""

    name = models.CharField(
        _("name"), max_length=300, blank=True, help_text=_("Leave empty to name it after its municipalities.")
    )
    kind = models.CharField(
        _("kind of link"), max_length=20, choices=PartnershipKind.choices, default=PartnershipKind.PARTNERSHIP
    )
    since = models.DateField(_("since"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    municipalities = models.ManyToManyField(
        Municipality, through="PartnershipParticipant", related_name="partnerships", verbose_name=_("municipalities")
    )
    confirmed = models.BooleanField(
        _("confirmed"),
        default=True,
        help_text=_("Partnerships registered in the portal wait here until programme staff have checked them."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_partnerships",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    # Set by partnerships.services.confirm_partnerships, the one way a registered partnership is confirmed (its
    # members may then start EOIs with it); the admin shows them, and `confirmed`, read-only.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed=True) | Q(confirmed_at__isnull=True, confirmed_by__isnull=True),
                name="partnership_confirmation_only_when_confirmed",
            )
        ]

    def __str__(self):
        return self.name or str(_("Partnership no. %(number)s") % {"number": self.pk})

    def municipalities_of_side(self, side):
        return [p.municipality for p in self.participants.all() if p.side == side]

    def default_name(self):
        participants = list(self.participants.select_related("municipality"))
        german = " / ".join(p.municipality.name for p in participants if p.side == Side.GERMAN)
        partner = " / ".join(p.municipality.name for p in participants if p.side == Side.PARTNER)
        return f"{german} – {partner}"


def check_partnership_sides(sides):
    """A partnership needs at least one German and one partner municipality; `sides` lists each row's side."""
    missing = [label for value, label in Side.choices if value not in set(sides)]
    if missing:
        raise ValidationError(
            _("A partnership needs at least one municipality on each side; missing: %(sides)s."),
            params={"sides": ", ".join(str(label) for label in missing)},
            code="missing_side",
        )


class PartnershipParticipant(models.Model):
    """One municipality's place in a partnership, and on which side it stands."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="participants", verbose_name=_("partnership")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="participations", verbose_name=_("municipality")
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        constraints = [
            models.UniqueConstraint(fields=["partnership", "municipality"], name="unique_municipality_per_partnership")
        ]

    def __str__(self):
        return f"{self.municipality} ({self.get_side_display()})"

    def clean(self):
        super().clean()
        if not self.municipality_id:
            return
        german = self.municipality.is_german
        if self.side == Side.GERMAN and not german:
            raise ValidationError({"side": _("Only a German municipality can stand on the German side.")})
        if self.side == Side.PARTNER and german:
            raise ValidationError({"side": _("A German municipality cannot stand on the partner side.")})


class MembershipRole(models.TextChoices):
    CONTACT = "contact", _("Contact person")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class MunicipalityMembershipQuerySet(models.QuerySet):
    def contacts_of(self, municipality):
        """The active contact persons of `municipality`: those who decide who acts for it."""
        return self.filter(municipality=municipality, role=MembershipRole.CONTACT, user__is_active=True)

    def can_edit(self):
        return self.filter(role__in=[MembershipRole.CONTACT, MembershipRole.EDITOR])


class MunicipalityMembership(models.Model):
    """A user acting for a municipality, as its contact, an editor or a viewer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("municipality")
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MunicipalityMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality membership")
        verbose_name_plural = _("municipality memberships")
        constraints = [models.UniqueConstraint(fields=["user", "municipality"], name="one_membership_per_municipality")]

    def __str__(self):
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequestStatus.PENDING)

    def seen_by_members_of(self, user):
        """Requests to join a municipality `user` belongs to, in whatever role."""
        return self.filter(municipality__memberships__user=user).distinct()

    def to_decide_by(self, user):
        """Requests to join a municipality whose contact `user` is."""
        return self.filter(
            municipality__memberships__user=user, municipality__memberships__role=MembershipRole.CONTACT
        ).distinct()

    def routed_to_staff(self):
        """Pending requests to a municipality that has no active contact person: programme staff decide them."""
        contacts = MunicipalityMembership.objects.contacts_of(models.OuterRef("municipality"))
        return self.pending().filter(~models.Exists(contacts))


def decides_memberships(join_request, user):
    """The municipality's contacts and programme staff decide, never about themselves (partnerships.memberships)."""
    from partnerships.memberships import why_not_grant  # the membership policy imports these models

    return why_not_grant(user, join_request.user, join_request.municipality) is None


class JoinRequest(FSMModelMixin, models.Model):
    """A user asks to act for a municipality; its contacts (or programme staff) decide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("municipality")
    )
    role = models.CharField(
        _("requested role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.EDITOR
    )
    message = models.TextField(_("message"), blank=True)
    status = FSMField(_("status"), default=JoinRequestStatus.PENDING, choices=JoinRequestStatus.choices, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(status=JoinRequestStatus.PENDING),
                name="one_pending_join_request_per_municipality",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.municipality} ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status == JoinRequestStatus.PENDING

    @transition(
        field=status,
        source=JoinRequestStatus.PENDING,
        target=JoinRequestStatus.APPROVED,
        permission=decides_memberships,
    )
    def approve(self, *, by):
        self.decided_by, self.decided_at = by, timezone.now()

    @transition(
        field=status,
        source=JoinRequestStatus.PENDING,
        target=JoinRequestStatus.DECLINED,
        permission=decides_memberships,
    )
    def decline(self, *, by):
        self.decided_by, self.decided_at = by, timezone.now()


class SpecialistModel(models.TextChoices):
    """The three specialist models (Fachkraftmodelle) of the programme."""

    INTEGRATED = "integrated", _("Integrated expert (CIM)")
    DEVELOPMENT_WORKER = "development_worker", _("Development worker (GIZ)")
    LOCAL = "local", _("Local expert")


class CountryQuerySet(models.QuerySet):
    def oda_recipients(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(oda_listings__valid_from__lte=on),
            Q(oda_listings__valid_to__isnull=True) | Q(oda_listings__valid_to__gte=on),
        ).distinct()


class Country(models.Model):
    """A country as the programme sees it: ODA listings over time, BMZ partner flag, open models."""

    code = CountryField(_("country"), unique=True)
    bmz_partner = models.BooleanField(
        _("BMZ partner country"), default=False, help_text=_("Set by programme staff; the older programme required it.")
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self):
        return str(self.code.name)

    def oda_listing_on(self, day=None):
        """The ODA listing in force on `day` (today by default), or None."""
        day = day or timezone.localdate()
        for listing in self.oda_listings.all():
            if listing.is_valid_on(day):
                return listing
        return None

    def is_oda_recipient(self, day=None):
        return self.oda_listing_on(day) is not None

    def open_models(self):
        return [a.model for a in self.availabilities.all() if a.is_open]


class OdaListing(models.Model):
    """A country's place on the OECD DAC list of ODA recipients for a period."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="oda_listings", verbose_name=_("country")
    )
    least_developed = models.BooleanField(_("least developed country"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty while the listing holds."))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ODA listing")
        verbose_name_plural = _("ODA listings")
        ordering = ["country", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="oda_listing_ends_after_start",
            )
        ]

    def __str__(self):
        end = self.valid_to or "…"
        return f"{self.country}: {self.valid_from} – {end}"

    def is_valid_on(self, day: datetime.date):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class ModelAvailability(models.Model):
    """Whether a specialist model is open in a country, kept by programme staff."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="availabilities", verbose_name=_("country")
    )
    model = models.CharField(_("specialist model"), max_length=20, choices=SpecialistModel.choices)
    is_open = models.BooleanField(_("open"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("model availability")
        verbose_name_plural = _("model availability")
        ordering = ["country", "model"]
        constraints = [models.UniqueConstraint(fields=["country", "model"], name="one_availability_per_country_model")]

    def __str__(self):
        state = _("open") if self.is_open else _("closed")
        return f"{self.country} – {self.get_model_display()}: {state}"


class LoginSession(models.Model):
    """One signed-in session of a user, so it can be listed and ended: from another session or by staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions", verbose_name=_("user")
    )
    session_key = models.CharField(max_length=40, unique=True, verbose_name=_("session key"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class GrantRecord(models.Model):
    """One change of someone's rights: who changed what for whom, when, from what to what.

    Written by partnerships.grants.record() only. The values are kept as data (a role's value, "true" or
    "false", group names); the admin renders them in the reader's language. No sentence is stored.
    """

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("municipality membership")
        STAFF = "staff", _("staff status")
        SUPERUSER = "superuser", _("superuser status")
        GROUPS = "groups", _("groups")
        PERMISSIONS = "permissions", _("individual permissions")

    class Via(models.TextChoices):
        ADMIN = "admin", _("administration")
        MEMBERS_PAGE = "members_page", _("members page")
        JOIN_REQUEST = "join_request", _("join request")
        INVITATION = "invitation", _("invitation")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="grant_records",
        verbose_name=_("account"),
    )
    user_email = models.CharField(_("account's address"), max_length=254)
    kind = models.CharField(_("what changed"), max_length=20, choices=Kind.choices)
    # PROTECT: a municipality whose rights history exists is not deleted (the records would name nothing).
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    before = models.CharField(_("before"), max_length=1000, blank=True)
    after = models.CharField(_("after"), max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    by_email = models.CharField(_("decided by (address)"), max_length=254, blank=True)
    via = models.CharField(_("how"), max_length=20, choices=Via.choices)
    reference = models.CharField(
        _("reference"), max_length=50, blank=True, help_text=_("The number of the invitation or join request.")
    )

    class Meta:
        verbose_name = _("change of rights")
        verbose_name_plural = _("changes of rights")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"], name="grant_kind_at")]

    def __str__(self):
        return f"{self.user_email}: {self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"

    def readable(self, value):
        """A stored value in the reader's language."""
        if self.kind == self.Kind.MEMBERSHIP:
            return MembershipRole(value).label if value else _("no membership")
        if self.kind in (self.Kind.STAFF, self.Kind.SUPERUSER):
            return _("yes") if value == "true" else _("no")
        if self.kind == self.Kind.GROUPS:
            names = [str(Role(name).label) if name in Role.values else name for name in value.split(",") if name]
            return ", ".join(names) or _("none")
        return value.replace(",", ", ") or _("none")
