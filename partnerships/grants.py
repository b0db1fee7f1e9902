"""Handing on rights: who may change an account's privileges, and the one record of every change of rights.

Privileges are staff and superuser status, groups and individual permissions. Only superusers change
them, never their own; only superusers touch another account that holds privileges (one that sees everyone's
data) at all. Municipality memberships have their own policy in partnerships.memberships; both write their
changes through `record()` here.
"""

from partnerships.models import GrantRecord
from partnerships.two_factor import requires_two_factor

Kind = GrantRecord.Kind
Via = GrantRecord.Via

# The account fields that carry rights, and the kind of record a change of each makes.
PRIVILEGED_FIELDS = {
    "is_staff": Kind.STAFF,
    "is_superuser": Kind.SUPERUSER,
    "groups": Kind.GROUPS,
    "user_permissions": Kind.PERMISSIONS,
}


def record(user, kind, *, before, after, by, via, municipality=None, reference=""):
    """Write one change of `user`'s rights, decided by `by`; values are data (see GrantRecord.readable)."""
    return GrantRecord.objects.create(
        user=user,
        user_email=user.email,
        kind=kind,
        municipality=municipality,
        before=before,
        after=after,
        by=by,
        by_email=by.email if by is not None else "",
        via=via,
        reference=str(reference or ""),
    )


def may_edit_account(actor, account):
    """Only superusers edit or delete another account that sees everyone's data (programme staff, the admin's
    users, recruiters, superusers: its password, address, anything): a staff member who set a colleague's password
    could act in their name. Everybody else's account, and their own, staff edit as before."""
    return actor.is_superuser or actor.pk == account.pk or not requires_two_factor(account)


def may_change_privileges(actor, account):
    """Only a superuser changes staff or superuser status, groups and permissions; and never their own."""
    return actor.is_superuser and actor.pk != account.pk


def privileges_of(user):
    """The account's privileges as stored now, each as the text a record keeps."""
    if user.pk is None:
        return {"is_staff": "false", "is_superuser": "false", "groups": "", "user_permissions": ""}
    permissions = user.user_permissions.values_list("content_type__app_label", "codename")
    return {
        "is_staff": "true" if user.is_staff else "false",
        "is_superuser": "true" if user.is_superuser else "false",
        "groups": ",".join(sorted(user.groups.values_list("name", flat=True))),
        "user_permissions": ",".join(sorted(f"{app}.{codename}" for app, codename in permissions)),
    }


def changed_privileges(before, after):
    return [field for field in PRIVILEGED_FIELDS if before[field] != after[field]]


def record_privilege_changes(user, before, after, *, by, via):
    for field in changed_privileges(before, after):
        record(user, PRIVILEGED_FIELDS[field], before=before[field], after=after[field], by=by, via=via)
