"""The members of a municipality: its members read the list, its contacts (and programme staff) change roles.

Every decision goes through partnerships.memberships, which holds the policy and records the change.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from partnerships import memberships, permissions
from partnerships.models import MembershipRole

ROLE_BUTTONS = [
    (MembershipRole.CONTACT, gettext_lazy("Make contact person")),
    (MembershipRole.EDITOR, gettext_lazy("Make editor")),
    (MembershipRole.VIEWER, gettext_lazy("Make viewer")),
]


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MembershipRole.choices)


@login_required
@require_GET
def members(request, pk):
    municipality = permissions.get_municipality_for_user(request.user, pk)
    rows = municipality.memberships.select_related("user").order_by("user__name", "user__email")
    context = {
        "municipality": municipality,
        "members": rows,
        "may_manage": permissions.can_manage(request.user, municipality),
        "role_buttons": ROLE_BUTTONS,
    }
    return render(request, "partnerships/members.html", context)


@login_required
@require_POST
def change_role(request, pk, membership_pk):
    membership = permissions.get_membership_for_user(request.user, pk, membership_pk)
    municipality = membership.municipality
    # Nobody changes their own role: refused (403, logged) by the policy even if the page offered it.
    memberships.check_may_grant(request.user, membership.user, municipality)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the roles offered."))
        return redirect("partnerships:members", pk)
    role = MembershipRole(form.cleaned_data["role"])
    memberships.change_role(membership, role, by=request.user, via=memberships.Via.MEMBERS_PAGE)
    messages.success(
        request,
        _("%(person)s now acts for %(municipality)s as %(role)s.")
        % {
            "person": membership.user.name or membership.user.email,
            "municipality": municipality.name,
            "role": role.label,
        },
    )
    return redirect("partnerships:members", pk)
