"""The one place that decides who sees and who acts on an expression of interest and what belongs to it.

Each `…_visible_to(user)` is a queryset; each `get_…_for_user` returns the object or raises 404 for
whoever may not see it and 403 for whoever sees it but may not do what they ask; both are logged
(fachkraefte.audit). Programme staff are handled here, never at the call site. Who may take a workflow
step is the step's declared permission (fachkraefte.workflow.may_take), asked here, not decided again.

Recruiters (CIM, GIZ) see the EOIs in recruitment whose specialist model their channel recruits.
"""

from django.shortcuts import get_object_or_404

from applications.models import (
    CHANNEL_OF_MODEL,
    PART_SIDE,
    Channel,
    Document,
    Event,
    ExpressionOfInterest,
    Part,
    Participant,
    Status,
)
from fachkraefte import audit
from fachkraefte.staff import group_names
from fachkraefte.workflow import may_take
from partnerships.models import MembershipRole, Municipality, MunicipalityMembership, Partnership, Role, User
from partnerships.permissions import (
    EDITING_ROLES,
    editable_municipalities,
    managed_municipalities,
    partnerships_visible_to,
)
from partnerships.roles import is_programme_staff

CHANNEL_OF_ROLE = {Role.CIM_RECRUITER: Channel.CIM, Role.GIZ_RECRUITER: Channel.GIZ}


# --- expressions of interest ---------------------------------------------------------------------------
def eois_visible_to(user):
    """Staff see every EOI; everybody else those of the municipalities they are a member of."""
    eois = ExpressionOfInterest.objects.all()
    if is_programme_staff(user):
        return eois
    return eois.filter(pk__in=eoi_ids_of_members(user))


def eoi_ids_of_members(user):
    """The ids of the EOIs of the municipalities `user` is a member of: a subquery without joins or DISTINCT."""
    theirs = MunicipalityMembership.objects.filter(user=user).values("municipality_id")
    return Participant.objects.filter(municipality_id__in=theirs).values("eoi_id")


class Access:
    """What one user may do with one EOI: worked out once per request from their memberships.

    Each right is a `can_…` property; `allows(right)` and `check(right)` ask one by its name.
    """

    def __init__(self, user, eoi):
        self.user = user
        self.eoi = eoi
        self.is_staff = is_programme_staff(user)
        roles = {m.municipality_id: m.role for m in user.memberships.all()}
        self.roles_by_side = {}
        self.contact_of = []
        for participant in eoi.participants.all():
            role = roles.get(participant.municipality_id)
            if role is None:
                continue
            self.roles_by_side.setdefault(participant.side, set()).add(role)
            if role == MembershipRole.CONTACT:
                self.contact_of.append(participant.municipality)

    @property
    def is_member(self):
        return bool(self.roles_by_side)

    @property
    def can_write(self):
        """Edits anything at all: a contact or editor of a participating municipality."""
        return any(roles & EDITING_ROLES for roles in self.roles_by_side.values())

    def can_edit_part(self, part):
        if not self.eoi.is_editable:
            return False
        side = PART_SIDE[Part(part)]
        if side is None:
            return self.can_write
        return bool(self.roles_by_side.get(side, set()) & EDITING_ROLES)

    @property
    def can_confirm(self):
        return self.eoi.is_editable and bool(self.contact_of)

    @property
    def can_attach(self):
        """Upload and remove attachments: the applicants who write, while the EOI is editable."""
        return self.can_write and self.eoi.is_editable

    @property
    def can_invite(self):
        return self.eoi.is_editable and municipalities_to_invite_for(self.user, self.eoi).exists()

    @property
    def can_withdraw(self):
        """The applicants withdraw in the portal, as the step's declared permission lets them."""
        return self.can_write and may_take(self.eoi, "withdraw", self.user)

    @property
    def can_post_message(self):
        """Members who may write, and programme staff; viewers only read."""
        return self.can_write or self.is_staff

    @property
    def can_propose_terms(self):
        return self.can_write or self.is_staff

    @property
    def can_agree_terms(self):
        return bool(self.contact_of) or self.is_staff

    @property
    def can_internal_notes(self):
        """Internal notes are programme staff's alone: they write and read them."""
        return self.is_staff

    def allows(self, right):
        return bool(getattr(self, f"can_{right}"))

    def check(self, right):
        """Raise the logged 403 unless the user has `right` ("write", "confirm", "post_message", …)."""
        if not self.allows(right):
            reader = not (self.can_write or self.is_staff)
            raise audit.refuse(self.eoi, "read only" if reader or right == "write" else f"may not {right}")
        return self

    def check_agree_for(self, municipalities, *, as_staff):
        """Agreeing to terms for `municipalities` (their contact) and as programme staff: a logged 403 otherwise."""
        contact_of = {municipality.pk for municipality in self.contact_of}
        if any(m.pk not in contact_of for m in municipalities) or (as_staff and not self.is_staff):
            raise audit.refuse(self.eoi, "may not agree for these parties")
        return self

    def check_part(self, part):
        if not self.can_edit_part(part):
            raise audit.refuse(self.eoi, f"may not edit the {part} part")
        return self


def get_eoi_for_user(user, pk, *, write=False):
    """(EOI, Access): 404 for outsiders; 403 for those who see it but lack the right `write` names (both logged).

    `write` is False to read, True to edit the content, or the name of another right of Access.
    """
    eoi = audit.get_visible_or_404(eois_visible_to(user).with_participants(), pk=pk)
    access = Access(user, eoi)
    if write:
        access.check("write" if write is True else write)
    return eoi, access


def check_may(user, eoi, right):
    """For services: raise the logged 403 unless `user` has `right` on `eoi`. Call it before any transaction
    opens, so that the security log keeps the refusal."""
    Access(user, eoi).check(right)


# --- what belongs to an EOI ----------------------------------------------------------------------------
def get_attachment_for_user(user, pk, attachment_pk, *, write=False):
    """(EOI, attachment): another EOI's attachment is a 404 (logged); removing one needs the right to attach."""
    eoi, _access = get_eoi_for_user(user, pk, write="attach" if write else False)
    return eoi, audit.get_visible_or_404(eoi.attachments.all(), pk=attachment_pk)


def get_document_for_user(user, pk, document_pk):
    """(EOI, the PDF): only a finished one; another EOI's is a 404 (logged)."""
    eoi, _access = get_eoi_for_user(user, pk)
    return eoi, audit.get_visible_or_404(eoi.documents.filter(state=Document.State.READY), pk=document_pk)


def messages_visible_to(access):
    """The EOI's messages as the user of `access` may see them: internal notes only for programme staff."""
    messages = access.eoi.messages.all()
    return messages if access.can_internal_notes else messages.filter(internal=False)


def get_message_attachment_for_user(user, pk, message_pk):
    """A message with an attachment: 404 (logged) for another EOI's, and for an internal note to non-staff."""
    _eoi, access = get_eoi_for_user(user, pk)
    return audit.get_visible_or_404(messages_visible_to(access).exclude(attachment=""), pk=message_pk)


def get_terms_for_user(user, pk, number, *, write=False):
    """(EOI, Access, version `number` of its terms of reference); `write` to agree to it (403, logged)."""
    eoi, access = get_eoi_for_user(user, pk, write="agree_terms" if write else False)
    # Versions are numbered within the EOI: no other EOI's version can be named here, so a 404 is no refusal.
    terms = eoi.terms.select_related("created_by").prefetch_related("agreements__agreed_by")
    return eoi, access, get_object_or_404(terms, number=number)


# --- invitations: inviting is granting (partnerships.permissions.managed_municipalities) ------------------
def municipalities_to_invite_for(user, eoi):
    """The EOI's municipalities `user` may invite people for: those whose memberships they decide."""
    participating = Municipality.objects.filter(eoi_participations__eoi=eoi)
    return participating.filter(pk__in=managed_municipalities(user).values("pk")).order_by("country", "name")


def may_invite(user, eoi, municipality):
    return municipalities_to_invite_for(user, eoi).filter(pk=municipality.pk).exists()


def check_may_send_invitation(user, eoi, municipality):
    """Raise the logged 403 unless `user` may send an invitation (first or again) for `municipality`: that is
    may_invite while the EOI is edited. Revoking one, and accepting one, do not need the EOI edited."""
    if not eoi.is_editable:
        raise audit.refuse(eoi, "invitations are sent while the expression of interest is edited")
    check_may_invite(user, eoi, municipality)


def check_may_invite(user, eoi, municipality):
    """Raise the logged 403 unless `user` may invite (resend, revoke) for `municipality` in `eoi`."""
    if not may_invite(user, eoi, municipality):
        raise audit.refuse(eoi, f"may not invite for municipality {municipality.pk}")


def get_invitation_for_user(user, pk, invitation_pk):
    """An invitation to resend or revoke: 404 (logged) for outsiders and another EOI's; 403 (logged) for those
    who may not invite for its municipality."""
    eoi, _access = get_eoi_for_user(user, pk)
    invitation = audit.get_visible_or_404(eoi.invitations.select_related("municipality"), pk=invitation_pk)
    check_may_invite(user, eoi, invitation.municipality)
    return invitation


def is_addressed_to(invitation, user):
    """Whether `user`'s account is the invited address (in any case): only that account accepts it."""
    normalize = User.objects.normalize_email
    return user.is_authenticated and normalize(user.email) == normalize(invitation.email)


def check_addressed_to(invitation, user):
    if not is_addressed_to(invitation, user):
        raise audit.refuse(invitation, "invitation for another address")


# --- starting an EOI -------------------------------------------------------------------------------------
def municipalities_to_start_for(user):
    """The municipalities `user` may start an EOI for: the German ones they act for as a contact or editor
    (partnerships.permissions.editable_municipalities). The partner side joins an EOI; it does not start one."""
    return editable_municipalities(user)


def partnerships_to_start(user):
    """The confirmed partnerships of a municipality `user` may start an EOI for."""
    acting = municipalities_to_start_for(user).values("pk")
    return Partnership.objects.confirmed().filter(participants__municipality__in=acting).distinct()


def may_start_with(user, partnership, municipalities):
    """Whoever starts an EOI starts it for at least one municipality they may start for; the other chosen
    municipalities are their partners in `partnership` (a confirmed one)."""
    chosen = {municipality.pk for municipality in municipalities}
    in_partnership = set(partnership.participants.values_list("municipality_id", flat=True))
    theirs = municipalities_to_start_for(user).filter(pk__in=chosen).exists()
    return partnership.confirmed and chosen <= in_partnership and theirs


def get_partnership_to_start(user, pk):
    """A partnership to start an EOI for: 404 for those who do not see it, 403 for those who may not start one
    (both logged)."""
    partnership = audit.get_visible_or_404(partnerships_visible_to(user).confirmed(), pk=pk)
    if not partnerships_to_start(user).filter(pk=pk).exists():
        raise audit.refuse(partnership, "may not start an expression of interest")
    return partnership


def check_may_start_with(user, partnership, municipalities):
    """Raise the logged 403 unless `user` may start an EOI of `partnership` with `municipalities` (may_start_with).
    Services call it before their transaction opens, so that the security log keeps the refusal."""
    if not may_start_with(user, partnership, municipalities):
        chosen = ", ".join(str(municipality.pk) for municipality in municipalities)
        raise audit.refuse(partnership, f"may not start an expression of interest with municipalities {chosen}")


# --- recruitment -----------------------------------------------------------------------------------------
def channel_for(user):
    """The channels this user recruits for, as a set: {CIM}, {GIZ}, both, or empty for everybody else."""
    if not user.is_authenticated:
        return frozenset()
    groups = group_names(user)
    return frozenset(channel for role, channel in CHANNEL_OF_ROLE.items() if role in groups)


def recording_channel(user, eoi=None):
    """The channel whose data a newly recorded candidate is: the recruiter's own (the EOI's, should they recruit for
    both), else the channel of the EOI they applied for (a candidate staff record), else none. Fixed when recorded."""
    channels = channel_for(user) if user is not None else frozenset()
    eoi_channel = eoi.channel if eoi is not None else ""
    if channels:
        return eoi_channel if eoi_channel in channels else min(channels)
    return eoi_channel


def recruited_models(user):
    """The specialist models whose EOIs and candidates this recruiter sees (none for everybody else)."""
    channels = channel_for(user)
    return [model for model, channel in CHANNEL_OF_MODEL.items() if channel in channels]


def can_recruit(user):
    """A CIM or GIZ recruiter, or programme staff: the people the recruitment and candidate pages are for."""
    return is_programme_staff(user) or bool(channel_for(user))


def check_recruiter(user):
    """The recruitment and candidate pages refuse whoever has no business with recruitment (403, logged)."""
    if not can_recruit(user):
        raise audit.refuse(detail="not a recruiter")


def recruitable_eois(user):
    """The EOIs in recruitment `user` sees: staff every one, a recruiter those of their channel's models."""
    in_recruitment = ExpressionOfInterest.objects.filter(status=Status.RECRUITMENT)
    if is_programme_staff(user):
        return in_recruitment
    return in_recruitment.filter(specialist_model__in=recruited_models(user))


def get_recruitable_eoi(user, pk, *, step=None):
    """The EOI, or 404 (logged) for outsiders, the wrong channel and EOIs that are not in recruitment;
    with `step`, 403 (logged) for whoever the step's declared permission refuses."""
    eoi = audit.get_visible_or_404(recruitable_eois(user).with_participants().select_related("vacancy"), pk=pk)
    if step and not may_take(eoi, step, user):
        raise audit.refuse(eoi, f"step {step}")
    return eoi


# --- the staff's dossier ZIPs (the admin) ----------------------------------------------------------------
def dossiers_visible_to(user):
    """The dossiers exported in the admin, for programme staff only."""
    exported = Event.objects.filter(kind=Event.Kind.EXPORTED)
    return exported if is_programme_staff(user) else exported.none()


def get_dossier_for_user(user, event_id):
    return audit.get_visible_or_404(dossiers_visible_to(user).select_related("eoi"), pk=event_id)
