"""The selected specialist gets in by invitation: a signed, expiring link sent when staff create the placement.

The link names the placement and the candidate's address. Following it, the specialist sets their own
password; the account is tied to that placement (the specialist role, nothing else) and the link works
once: after that the placement has its specialist. Nobody types a password for anyone in the admin.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from fachkraefte.records import record
from partnerships import grants
from partnerships.models import Role, User
from partnerships.two_factor import requires_two_factor
from placements.models import Placement, PlacementEvent

SALT = "placements.specialist-invitation"
PORTAL_LANGUAGES = [code for code, _name in settings.LANGUAGES]


class InvitationUnusable(Exception):  # noqa: N818 - a refusal the user reads
    pass


def language_of(candidate):
    """The portal language the candidate knows best, English when they list none of ours."""
    levels = {entry.get("language"): entry.get("level", "") for entry in candidate.languages or []}
    known = [code for code in PORTAL_LANGUAGES if code in levels]
    return max(known, key=lambda code: levels[code]) if known else "en"


def token_for(placement):
    return signing.dumps({"placement": placement.pk, "email": placement.candidate.email}, salt=SALT)


def may_invite(placement):
    return placement.specialist_id is None and bool(placement.candidate.email)


def invite(placement, *, by):
    """Write the invitation e-mail to the outbox and record it; nothing when there is no address or an account."""
    if not may_invite(placement):
        return False
    candidate = placement.candidate
    language = language_of(candidate)
    context = {
        "name": candidate.name,
        "partnership": str(placement.eoi.partnership),
        "start": placement.start,
        "link": absolute(reverse("placements:specialist_welcome", args=[token_for(placement)])),
        "days": settings.INVITATION_DAYS,
    }
    with transaction.atomic():
        queue_mail("specialist-invitation", [candidate.email], context, language)
        record(placement, PlacementEvent.Kind.SPECIALIST_INVITED, by=by, email=candidate.email)
    return True


def open_invitation(token):
    """The placement the link is for (maybe taken already), or InvitationUnusable with the sentence to read."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise InvitationUnusable(_("This link has expired. Please ask programme staff to send it again.")) from error
    except signing.BadSignature as error:
        raise InvitationUnusable(
            _("This link is not valid. Please use it exactly as it came in the e-mail.")
        ) from error
    placement = Placement.objects.select_related("candidate", "eoi__partnership").filter(pk=data["placement"]).first()
    if placement is None or placement.candidate.email != data["email"]:
        raise InvitationUnusable(_("This link is not valid any more. Please ask programme staff."))
    return placement


def join(placement, *, name, preferred_language, password):
    """Create the specialist's account for the placement: their own password, the specialist role only."""
    user = User(email=placement.candidate.email, name=name, preferred_language=preferred_language)
    user.set_password(password)
    return _tie(placement, user)


def check_may_join(user):
    """InvitationUnusable for an account that oversees placements (programme staff, the admin's users,
    recruiters): nobody is the specialist of a placement they decide on or recruit for."""
    if requires_two_factor(user):  # the accounts that see everyone's data
        raise InvitationUnusable(
            _(
                "An account of programme staff or of a recruiting organisation cannot become a specialist's "
                "account. Please ask programme staff."
            )
        )


def join_existing(placement, user):
    """The invited address has an account already and its owner is logged in: the placement becomes theirs."""
    if User.objects.normalize_email(user.email) != User.objects.normalize_email(placement.candidate.email):
        raise InvitationUnusable(_("This link is for another e-mail address."))
    check_may_join(user)
    return _tie(placement, user)


def _tie(placement, user):
    with transaction.atomic():
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        if placement.specialist_id is not None:
            raise InvitationUnusable(_("This link has been used already. Please log in."))
        user.save()
        if not user.groups.filter(name=Role.SPECIALIST).exists():
            user.groups.add(Group.objects.get(name=Role.SPECIALIST))
            grants.record(
                user,
                grants.Kind.GROUPS,
                before="",
                after=Role.SPECIALIST.value,
                by=None,
                via=grants.Via.INVITATION,
                reference=f"placement {placement.pk}",
            )
        placement.specialist = user
        placement.save(update_fields=["specialist"])
        record(placement, PlacementEvent.Kind.SPECIALIST_JOINED, by=user)
    return user
