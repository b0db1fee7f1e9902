"""Invitations to act for a municipality in an expression of interest: sending them, and what accepting does.

Inviting is granting: only those who decide a municipality's memberships (its contacts, programme staff)
invite for it (the rule: applications.permissions). The invitee joins as an editor; making someone a contact
is a separate decision on the members page. An invitation is accepted only by the account of the invited
address, and only while the person who sent it may still invite for the municipality.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import notifications
from applications.models import Event, Invitation
from applications.permissions import check_addressed_to, check_may_invite, check_may_send_invitation, may_invite
from fachkraefte.records import record
from partnerships import memberships
from partnerships.models import MembershipRole

INVITEE_ROLE = MembershipRole.EDITOR


def invite(eoi, municipality, email, name, language, *, by):
    check_may_send_invitation(by, eoi, municipality)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            eoi=eoi, municipality=municipality, email=email, name=name, language=language, invited_by=by
        )
        record(eoi, Event.Kind.INVITED, by=by, email=email, municipality=municipality.name)
        notifications.invitation(invitation.pk)
    return invitation


def resend_invitation(invitation, *, by):
    check_may_send_invitation(by, invitation.eoi, invitation.municipality)
    with transaction.atomic():
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
        record(invitation.eoi, Event.Kind.INVITATION_RESENT, by=by, email=invitation.email)
        notifications.invitation(invitation.pk)


def revoke_invitation(invitation, *, by):
    check_may_invite(by, invitation.eoi, invitation.municipality)
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(invitation.eoi, Event.Kind.INVITATION_REVOKED, by=by, email=invitation.email)


def accept_invitation(invitation, *, user):
    """The invitee joins the municipality as an editor (an existing membership stays as it is); the link works once.

    Raises PermissionDenied (logged) when `user` is not the invited address, ValidationError when the
    invitation cannot be used (used, revoked, or its sender may no longer invite for the municipality).
    """
    check_addressed_to(invitation, user)  # before the transaction: the security log keeps the refusal
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("eoi", "municipality", "invited_by")
            .prefetch_related("invited_by__groups")  # may_invite asks whether the inviter is programme staff
            .get(pk=invitation.pk)
        )
        if not invitation.is_open:
            raise ValidationError(_("This invitation has already been used or was revoked."), code="used")
        inviter, municipality = invitation.invited_by, invitation.municipality
        if not may_invite(inviter, invitation.eoi, municipality):
            raise ValidationError(
                _(
                    "%(inviter)s can no longer invite for %(municipality)s, so this invitation cannot be used. "
                    "Please ask a contact person of %(municipality)s to invite you again."
                )
                % {"inviter": inviter.name or inviter.email, "municipality": municipality.name},
                code="inviter",
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if inviter.pk != user.pk:  # inviting oneself grants nothing
            memberships.add(
                user, municipality, INVITEE_ROLE, by=inviter, via=memberships.Via.INVITATION, reference=invitation.pk
            )
        record(invitation.eoi, Event.Kind.INVITATION_ACCEPTED, by=user, email=invitation.email)
    return invitation
