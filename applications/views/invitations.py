from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import BaseUserCreationForm
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import invitations, permissions
from applications.forms import InvitationForm
from applications.models import Invitation
from applications.notifications import INVITATION_SALT
from applications.permissions import get_eoi_for_user, get_invitation_for_user
from applications.views import eoi as eoi_views
from partnerships.models import User


class InviteeSignupForm(BaseUserCreationForm):
    """Registration from an invitation: the address is the invited one, so it is verified."""

    class Meta:
        model = User
        fields = ["name", "preferred_language"]


def invitation_form(user, eoi, data=None):
    return InvitationForm(
        data, eoi=eoi, municipalities=permissions.municipalities_to_invite_for(user, eoi), prefix="invite"
    )


@login_required
@require_POST
def invite(request, pk):
    eoi, access = get_eoi_for_user(request.user, pk, write="invite")
    form = invitation_form(request.user, eoi, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        invitations.invite(eoi, data["municipality"], data["email"], data["name"], data["language"], by=request.user)
        messages.success(request, _("The invitation is on its way to %(email)s.") % {"email": data["email"]})
        return redirect("applications:detail", pk)
    # The detail page again, with the form as it was sent and why it was refused.
    request.invitation_form = form
    return eoi_views.render_detail(request, eoi, access)


@login_required
@require_POST
def resend(request, pk, invitation_pk):
    invitation = get_invitation_for_user(request.user, pk, invitation_pk)
    if not invitation.is_open:
        messages.error(request, _("This invitation has been used or revoked."))
    else:
        invitations.resend_invitation(invitation, by=request.user)
        messages.success(request, _("The invitation has been sent again."))
    return redirect("applications:detail", pk)


@login_required
@require_POST
def revoke(request, pk, invitation_pk):
    invitation = get_invitation_for_user(request.user, pk, invitation_pk)
    if invitation.is_open:
        invitations.revoke_invitation(invitation, by=request.user)
        messages.success(request, _("The invitation has been revoked; its link no longer works."))
    return redirect("applications:detail", pk)


def _open_invitation(token):
    """(invitation, None) or (None, reason) for a link that cannot be used."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired:
        return None, _("This invitation link has expired. Please ask the person who invited you to send it again.")
    except signing.BadSignature:
        return None, _("This invitation link is not valid. Please use the link exactly as it came in the e-mail.")
    invitation = Invitation.objects.select_related("eoi__partnership", "municipality").filter(pk=pk).first()
    if invitation is None or invitation.revoked_at:
        return None, _("This invitation has been revoked. Please ask the person who invited you.")
    if invitation.accepted_at:
        return None, _("This invitation has already been used. Please log in to continue.")
    return invitation, None


def accept(request, token):
    invitation, problem = _open_invitation(token)
    if problem:
        return render(request, "applications/invitation_unusable.html", {"problem": problem}, status=410)
    if not request.user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The page opens in the invitation's language; the switcher (a cookie) still wins.
        translation.activate(invitation.language)
        request.LANGUAGE_CODE = invitation.language
    form = None
    if request.user.is_authenticated:
        if not permissions.is_addressed_to(invitation, request.user):
            return _wrong_account(request, invitation)
        if request.method == "POST":
            return _accept_and_go(request, invitation, request.user)
    else:
        existing = User.objects.filter(email__iexact=invitation.email.strip()).exists()
        if not existing:
            form = InviteeSignupForm(
                request.POST or None, initial={"name": invitation.name, "preferred_language": invitation.language}
            )
            if request.method == "POST" and form.is_valid():
                user = form.save(commit=False)
                user.email = invitation.email
                user.save()
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _accept_and_go(request, invitation, user)
    return render(request, "applications/invitation.html", {"invitation": invitation, "form": form})


def _wrong_account(request, invitation):
    """Signed in with another address: nothing happens; the page offers to log out and come back.

    Opening the link is no refusal (200); trying to accept it as someone else is one (403, logged).
    """
    status = 200
    if request.method == "POST":
        try:
            permissions.check_addressed_to(invitation, request.user)
        except PermissionDenied:  # logged by the policy; the page says what to do
            status = 403
    return render(request, "applications/invitation_wrong_account.html", {"invitation": invitation}, status=status)


def _accept_and_go(request, invitation, user):
    try:
        invitations.accept_invitation(invitation, user=user)
    except ValidationError as error:
        return render(
            request, "applications/invitation_unusable.html", {"problem": " ".join(error.messages)}, status=410
        )
    messages.success(
        request, _("Welcome! You now act for %(municipality)s.") % {"municipality": invitation.municipality.name}
    )
    return redirect("applications:detail", invitation.eoi_id)
