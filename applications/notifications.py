"""Who is told what about an EOI. Each function takes ids and queues one e-mail per person."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from applications.models import ExpressionOfInterest, Invitation
from fachkraefte.tasks import send_templated_mail
from partnerships.models import MembershipRole, MunicipalityMembership

INVITATION_SALT = "applications.invitation"


def absolute(path):
    return settings.PORTAL_URL.rstrip("/") + path


def invitation_token(invitation):
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def contacts(eoi):
    """Every contact person of every participating municipality: each party is addressed by name."""
    return (
        MunicipalityMembership.objects.filter(municipality__eoi_participations__eoi=eoi, role=MembershipRole.CONTACT)
        .select_related("user", "municipality")
        .order_by("user_id")
        .distinct()
    )


def tell_contacts(eoi, template, *, except_user_id=None, **extra):
    link = absolute(reverse("applications:detail", args=[eoi.pk]))
    seen = set()
    for membership in contacts(eoi):
        user = membership.user
        if user.pk == except_user_id or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        context = {"name": user.name, "partnership": str(eoi.partnership), "number": eoi.pk, "link": link, **extra}
        send_templated_mail.delay(template, [user.email], context, user.preferred_language)


def invitation(invitation_id):
    invitation = Invitation.objects.select_related("eoi__partnership", "municipality", "invited_by").get(
        pk=invitation_id
    )
    link = absolute(reverse("applications:invitation", args=[invitation_token(invitation)]))
    context = {
        "name": invitation.name,
        "inviter": invitation.invited_by.name,
        "municipality": invitation.municipality.name,
        "partnership": str(invitation.eoi.partnership),
        "link": link,
        "days": settings.INVITATION_DAYS,
    }
    send_templated_mail.delay("eoi-invitation", [invitation.email], context, invitation.language)


def confirmations_voided(eoi_id, by_id):
    tell_contacts(ExpressionOfInterest.objects.get(pk=eoi_id), "eoi-confirmations-voided", except_user_id=by_id)


def submitted(eoi_id):
    tell_contacts(ExpressionOfInterest.objects.get(pk=eoi_id), "eoi-submitted")


def withdrawn(eoi_id):
    tell_contacts(ExpressionOfInterest.objects.get(pk=eoi_id), "eoi-withdrawn")


def status_changed(eoi_id, previous, comment):
    """A decision: always sent, whatever the user's preference for news."""
    eoi = ExpressionOfInterest.objects.get(pk=eoi_id)
    tell_contacts(eoi, "eoi-status-changed", status=eoi.status, previous=previous, comment=comment)
