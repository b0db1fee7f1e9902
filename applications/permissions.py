"""The one place that decides who sees and changes an expression of interest."""

from applications.models import PART_SIDE, ExpressionOfInterest, Part
from fachkraefte import audit
from partnerships.models import MembershipRole
from partnerships.roles import is_programme_staff

EDITING_ROLES = {MembershipRole.CONTACT, MembershipRole.EDITOR}


def visible_eois(user):
    eois = ExpressionOfInterest.objects.all()
    if is_programme_staff(user):
        return eois
    return eois.filter(participants__municipality__memberships__user=user).distinct()


class Access:
    """What one user may do with one EOI: worked out once per request from their memberships."""

    def __init__(self, user, eoi):
        self.user = user
        self.eoi = eoi
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


def get_eoi_for_user(user, pk, *, write=False):
    """The EOI with the user's access: 404 for outsiders, 403 for members who may only read (both logged)."""
    eoi = audit.get_visible_or_404(visible_eois(user).with_participants(), pk=pk)
    access = Access(user, eoi)
    if write and not access.can_write:
        raise audit.refuse(eoi, "read only")
    return eoi, access
