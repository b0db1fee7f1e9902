"""Who acts for a municipality: the one place that grants, changes and removes memberships, and records each.

The policy: a municipality's contacts (and programme staff) decide who acts for it and in which role;
nobody grants, changes or removes their own membership. Whoever joins by an invitation or a join request
joins on the decision of the contact (or staff) who invited or approved; an existing membership is
never raised that way.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from fachkraefte import audit
from partnerships import grants
from partnerships.models import MembershipRole, MunicipalityMembership
from partnerships.permissions import can_manage

Via = grants.Via


# The policy: who decides a municipality's memberships is partnerships.permissions.can_manage


def why_not_grant(by, user, municipality):
    """Why `by` may not decide `user`'s membership of `municipality`, or None when they may."""
    if by is None or not can_manage(by, municipality):
        return _("Only a contact person of %(municipality)s or programme staff can decide who acts for it.") % {
            "municipality": municipality.name
        }
    if by.pk == user.pk:
        return _("Nobody can change their own membership; ask another contact person or programme staff.")
    return None


def check_may_grant(by, user, municipality):
    """Raise the logged 403 unless `by` may decide `user`'s membership of `municipality`.

    Called before any transaction opens, so that the security log keeps the refusal.
    """
    if why_not_grant(by, user, municipality):
        raise audit.refuse(municipality, f"membership of user {user.pk}")


# Granting, changing, removing


def add(user, municipality, role, *, by, via, reference=""):
    """`user` joins `municipality` in `role` on the decision of `by`. An existing membership stays as it is.

    Returns (membership, created).
    """
    existing = MunicipalityMembership.objects.filter(user=user, municipality=municipality).first()
    if existing is not None:
        return existing, False
    check_may_grant(by, user, municipality)
    with transaction.atomic():
        membership, created = MunicipalityMembership.objects.get_or_create(
            user=user, municipality=municipality, defaults={"role": role}
        )
        if created:  # else someone added them a moment ago, and that stays as it is
            _record(membership, before="", after=role, by=by, via=via, reference=reference)
    return membership, created


def change_role(membership, role, *, by, via):
    """Give a member another role (promote to contact, demote to editor or viewer)."""
    role = MembershipRole(role)
    check_may_grant(by, membership.user, membership.municipality)
    with transaction.atomic():
        current = MunicipalityMembership.objects.select_for_update().select_related("user", "municipality")
        current = current.get(pk=membership.pk)
        if current.role == role:
            return current
        before = current.role
        current.role = role
        current.save(update_fields=["role"])
        _record(current, before=before, after=role, by=by, via=via)
    return current


def remove(membership, *, by, via):
    check_may_grant(by, membership.user, membership.municipality)
    with transaction.atomic():
        current = MunicipalityMembership.objects.select_for_update().select_related("user", "municipality")
        current = current.filter(pk=membership.pk).first()
        if current is None:  # removed already
            return
        _record(current, before=current.role, after="", by=by, via=via)
        current.delete()


def _record(membership, *, before, after, by, via, reference=""):
    grants.record(
        membership.user,
        grants.Kind.MEMBERSHIP,
        municipality=membership.municipality,
        before=before,
        after=after,
        by=by,
        via=via,
        reference=reference,
    )
