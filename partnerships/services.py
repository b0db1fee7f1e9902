"""Getting in: sign-up with a verified e-mail address, join requests, partnerships registered by their members.

Functions here take domain objects and the acting user (`by=`), never a request; links in e-mails come from
fachkraefte.links (the portal's public address).
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fachkraefte import news, outbox
from fachkraefte.links import absolute
from fachkraefte.workflow import run_step
from partnerships import permissions
from partnerships.models import (
    JoinRequest,
    JoinRequestStatus,
    MembershipRole,
    Municipality,
    MunicipalityKind,
    MunicipalityMembership,
    Partnership,
    PartnershipKind,
    PartnershipParticipant,
    Side,
)
from partnerships.work import admin_row

VERIFY_EMAIL_SALT = "partnerships.verify-email"
VERIFY_EMAIL_MAX_AGE = 60 * 60 * 24 * 3


class VerificationFailed(Exception):
    """The verification link cannot be used; `reason` is "expired", "invalid" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def queue_mail(template, user, context):
    """Write `template` for `user` in their language to the outbox, in the surrounding transaction.

    Lazy labels and objects in `context` become text in the recipient's language.
    """
    with translation.override(user.preferred_language):
        context = {
            "name": user.name,
            **{
                key: value if isinstance(value, str | bool | int | None) else str(value)
                for key, value in context.items()
            },
        }
    outbox.queue_mail(template, [user.email], context, user.preferred_language)


# Sign-up and e-mail verification


def sign_up(*, email, name, preferred_language, password):
    """Create an inactive user and send them the link that confirms their address."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            email, password, name=name, preferred_language=preferred_language, is_active=False
        )
        send_verification(user)
    return user


def verification_token(user):
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_EMAIL_SALT)


def send_verification(user):
    link = absolute(reverse("partnerships:verify_email", args=[verification_token(user)]))
    queue_mail("verify-email", user, {"link": link})


def resend_verification(email):
    """Send a new link if `email` belongs to an account waiting for confirmation; says nothing either way."""
    user = (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=False, last_login__isnull=True)
        .order_by("pk")
        .first()
    )
    if user is not None:
        send_verification(user)


def verify_email(token):
    """Activate the user the link was made for; raises VerificationFailed for expired, tampered or used links."""
    try:
        data = signing.loads(token, salt=VERIFY_EMAIL_SALT, max_age=VERIFY_EMAIL_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VerificationFailed("expired") from error
    except signing.BadSignature as error:
        raise VerificationFailed("invalid") from error
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().filter(pk=data.get("user")).first()
        if user is None or user.email != data.get("email"):
            raise VerificationFailed("invalid")
        # An account that is active or has logged in before was confirmed already (or was closed by staff).
        if user.is_active or user.last_login is not None:
            raise VerificationFailed("used")
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# Join requests


def joinable_municipalities():
    return Municipality.objects.german()


def why_cannot_join(user, municipality):
    """The reason `user` cannot ask to join `municipality` now, or None."""
    if municipality.memberships.filter(user=user).exists():
        return _("You are already a member of %(municipality)s.") % {"municipality": municipality}
    if municipality.join_requests.pending().filter(user=user).exists():
        return _("You have already asked to join %(municipality)s; its contacts will decide.") % {
            "municipality": municipality
        }
    return None


def request_to_join(municipality, *, by, role, message):
    """Ask to join `municipality`; its contacts hear of it by e-mail. Raises ValidationError when not possible."""
    with transaction.atomic():
        reason = why_cannot_join(by, municipality)
        if reason:
            raise ValidationError(reason, code="cannot_join")
        try:
            with transaction.atomic():
                join_request = JoinRequest.objects.create(
                    user=by, municipality=municipality, role=role, message=message
                )
        except IntegrityError as error:  # a second request sent at the same moment
            raise ValidationError(why_cannot_join(by, municipality), code="cannot_join") from error
        notify_contacts(join_request)
    return join_request


def has_contact_person(municipality):
    """Whether someone decides who acts for `municipality`; without a contact person programme staff do."""
    return MunicipalityMembership.objects.contacts_of(municipality).exists()


def notify_contacts(join_request):
    """The municipality's contact persons decide; a municipality without one has programme staff decide
    (by e-mail as each chose, and in their work queue): a request never waits on nobody."""
    contacts = MunicipalityMembership.objects.contacts_of(join_request.municipality).select_related("user")
    context = {
        "requester": join_request.user.name,
        "requester_email": join_request.user.email,
        "municipality": join_request.municipality,
        "role": MembershipRole(join_request.role).label,
        "message": join_request.message,
        "link": absolute(reverse("partnerships:join_requests")),
    }
    contacts = list(contacts)
    if not contacts:
        link = absolute(admin_row("joinrequest", join_request.pk))
        news.tell_staff("staff-join-request", {**context, "link": link}, except_user_id=join_request.user_id)
    for membership in contacts:
        queue_mail("join-request", membership.user, context)


def approve_join_request(join_request, *, by, locked=False):
    """Approve a pending request: the requester becomes a member in the role they asked for (recorded).

    Only those who decide the municipality's memberships approve (the step's declared permission).
    `locked`: the caller read the request with workflow.lock_rows in its open transaction (see run_step).
    """
    return run_step(join_request, "approve", by=by, locked=locked)


def decline_join_request(join_request, *, by, locked=False):
    return run_step(join_request, "decline", by=by, locked=locked)


def notify_requester(join_request):
    context = {
        "municipality": join_request.municipality,
        "role": MembershipRole(join_request.role).label,
        "approved": join_request.status == JoinRequestStatus.APPROVED,
        "link": absolute(reverse("partnerships:my_municipalities")),
    }
    queue_mail("join-request-decided", join_request.user, context)


# Partnerships registered by their members


def register_partnership(german_municipality, *, by, partner_name, country, kind, since=None):
    """Register a partnership that is not yet in the portal; programme staff confirm it later."""
    permissions.check_may_register_for(by, german_municipality)
    with transaction.atomic():
        partner = Municipality.objects.filter(name__iexact=partner_name, country=country).order_by("pk").first()
        if partner is None:
            partner = Municipality.objects.create(name=partner_name, country=country, kind=MunicipalityKind.PARTNER)
        elif (
            Partnership.objects.filter(participants__municipality=german_municipality)
            .filter(participants__municipality=partner)
            .exists()
        ):
            raise ValidationError(
                _("%(german)s and %(partner)s are already linked in the portal.")
                % {"german": german_municipality, "partner": partner},
                code="exists",
            )
        partnership = Partnership.objects.create(
            name=f"{german_municipality.name} – {partner.name}",
            kind=kind,
            since=since,
            confirmed=False,
            registered_by=by,
            registered_at=timezone.now(),
        )
        PartnershipParticipant.objects.bulk_create(
            [
                PartnershipParticipant(partnership=partnership, municipality=german_municipality, side=Side.GERMAN),
                PartnershipParticipant(partnership=partnership, municipality=partner, side=Side.PARTNER),
            ]
        )
        tell_staff_of_registration(partnership, german_municipality, partner, by=by)
    return partnership


def tell_staff_of_registration(partnership, german_municipality, partner, *, by):
    context = {
        "person": by.name or by.email,
        "german": german_municipality.name,
        "partner": partner,
        "kind": PartnershipKind(partnership.kind).label,
        "link": absolute(admin_row("partnership", partnership.pk)),
    }
    news.tell_staff("staff-partnership-registered", context, except_user_id=by.pk)


def confirm_partnerships(partnerships, *, by):
    """Programme staff confirm partnerships registered in the portal, each with who and when; returns how many
    changed. The one way a partnership becomes confirmed: from then on its members may start EOIs with it."""
    with transaction.atomic():
        waiting = list(
            Partnership.objects.select_for_update().filter(pk__in=[p.pk for p in partnerships]).filter(confirmed=False)
        )
        now = timezone.now()
        for partnership in waiting:
            partnership.confirmed, partnership.confirmed_by, partnership.confirmed_at = True, by, now
            partnership.save(update_fields=["confirmed", "confirmed_by", "confirmed_at"])
    return len(waiting)
