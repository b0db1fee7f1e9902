"""Who sees and who acts on what in the partnerships app: municipalities, partnerships, join requests.

The one place for these rules. Each `…_visible_to(user)` is a queryset; each `get_…_for_user` returns
the object or raises 404 for whoever may not see it and 403 for whoever sees it but may not act; both are
logged (fachkraefte.audit). Programme staff are handled here, never at the call site. Who may grant a
membership is the granting policy's (partnerships.memberships), built on `can_manage` below.
"""

from fachkraefte import audit
from fachkraefte.workflow import may_take
from partnerships.models import JoinRequest, MembershipRole, Municipality, Partnership
from partnerships.roles import is_programme_staff

# The roles that act for a municipality (a viewer only reads).
EDITING_ROLES = frozenset({MembershipRole.CONTACT, MembershipRole.EDITOR})


# --- municipalities and their members -----------------------------------------------------------------
def municipalities_visible_to(user):
    """The municipalities whose members `user` may list: their own, every one for programme staff."""
    if is_programme_staff(user):
        return Municipality.objects.all()
    return Municipality.objects.filter(memberships__user=user).distinct()


def managed_municipalities(user):
    """The municipalities whose memberships `user` decides: those they are a contact of; all for staff."""
    if is_programme_staff(user):
        return Municipality.objects.all()
    return Municipality.objects.filter(memberships__user=user, memberships__role=MembershipRole.CONTACT).distinct()


def can_manage(user, municipality):
    return user.is_authenticated and managed_municipalities(user).filter(pk=municipality.pk).exists()


def get_municipality_for_user(user, pk, *, manage=False):
    """Municipality `pk`: 404 for those who are not its members, 403 for members who may not decide (both logged)."""
    municipality = audit.get_visible_or_404(municipalities_visible_to(user), pk=pk)
    if manage and not can_manage(user, municipality):
        raise audit.refuse(municipality, "may not manage the members")
    return municipality


def get_membership_for_user(user, pk, membership_pk):
    """A membership of municipality `pk` for `user` to decide: 404 for outsiders and other municipalities'
    memberships, 403 for members who may not decide (all logged). Whether they may decide this one person's
    membership is the granting policy's (partnerships.memberships.check_may_grant)."""
    municipality = get_municipality_for_user(user, pk, manage=True)
    return audit.get_visible_or_404(municipality.memberships.select_related("user", "municipality"), pk=membership_pk)


# --- partnerships ---------------------------------------------------------------------------------------
def partnerships_visible_to(user):
    """Staff see every partnership; everybody else those of the municipalities they are a member of."""
    if is_programme_staff(user):
        return Partnership.objects.all()
    return Partnership.objects.filter(participants__municipality__memberships__user=user).distinct()


def editable_municipalities(user):
    """The German municipalities `user` acts for as a contact or editor: those they may register partnerships for."""
    acting = Municipality.objects.german().filter(memberships__user=user, memberships__role__in=EDITING_ROLES)
    return acting.distinct().order_by("name")


def check_may_register_partnerships(user):
    """The registration page is for the contacts and editors of a German municipality: a logged 403 for others."""
    if not editable_municipalities(user).exists():
        raise audit.refuse(detail="may not register partnerships")


def check_may_register_for(user, municipality):
    """Raise the logged 403 unless `user` may register a partnership for German municipality `municipality`."""
    if not editable_municipalities(user).filter(pk=municipality.pk).exists():
        raise audit.refuse(municipality, "may not register partnerships")


def get_editable_municipality(user, pk):
    """German municipality `pk` to register a partnership for: 404 for non-members, 403 for viewers (both logged)."""
    municipality = audit.get_visible_or_404(municipalities_visible_to(user).german(), pk=pk)
    check_may_register_for(user, municipality)
    return municipality


# --- join requests --------------------------------------------------------------------------------------
def join_requests_visible_to(user):
    """In the portal, the requests to join a municipality `user` belongs to (staff decide them in the admin)."""
    return JoinRequest.objects.seen_by_members_of(user)


def get_join_request_for_user(user, pk, *, step):
    """Join request `pk` to take `step` on: 404 for outsiders; 403 for members whom the step's declared
    permission refuses (both logged)."""
    join_request = audit.get_visible_or_404(
        join_requests_visible_to(user).select_related("user", "municipality"), pk=pk
    )
    if not may_take(join_request, step, user):
        raise audit.refuse(join_request, f"step {step}")
    return join_request
