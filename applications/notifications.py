"""Who is told what about an EOI. Each function takes ids and writes one e-mail per person to the outbox.

Call them inside the transaction of the change: the e-mails commit, or roll back, with it.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from applications.models import Event, ExpressionOfInterest, Invitation, Message
from fachkraefte import news
from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from fachkraefte.staff import programme_staff
from partnerships.models import MembershipRole, MunicipalityMembership
from partnerships.roles import is_programme_staff

INVITATION_SALT = "applications.invitation"


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


def contact_users(eoi, *, except_user_id=None):
    """Each active contact person of the participating municipalities, once."""
    seen = set()
    for membership in contacts(eoi):
        user = membership.user
        if user.pk == except_user_id or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        yield user


def tell_contacts(eoi, template, *, except_user_id=None, **extra):
    link = absolute(reverse("applications:detail", args=[eoi.pk]))
    for user in contact_users(eoi, except_user_id=except_user_id):
        context = {"name": user.name, "partnership": str(eoi.partnership), "number": eoi.pk, "link": link, **extra}
        queue_mail(template, [user.email], context, user.preferred_language)


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
    queue_mail("eoi-invitation", [invitation.email], context, invitation.language)


def confirmations_voided(eoi_id, by_id):
    """News, not a decision: each contact gets it as they chose (at once, in the daily digest, or not)."""
    eoi = ExpressionOfInterest.objects.select_related("partnership").get(pk=eoi_id)
    link = absolute(reverse("applications:detail", args=[eoi.pk]))
    for user in contact_users(eoi, except_user_id=by_id):
        context = {"name": user.name, "partnership": str(eoi.partnership), "number": eoi.pk, "link": link}
        news.tell(user, "eoi-confirmations-voided", context)


def submitted(eoi_id):
    tell_contacts(ExpressionOfInterest.objects.get(pk=eoi_id), "eoi-submitted")


def withdrawn(eoi_id):
    tell_contacts(ExpressionOfInterest.objects.get(pk=eoi_id), "eoi-withdrawn")


def status_changed(event_id):
    """A decision, read from its record: always sent, whatever the user's preference for news.

    The record's particulars are rendered in each recipient's language as the e-mail is written.
    """
    event = Event.objects.select_related("eoi__partnership").get(pk=event_id)
    tell_contacts(event.eoi, "eoi-status-changed", event=event, status=event.to_status, previous=event.from_status)


# --- news: e-mail that carries no decision, told as each user chose (fachkraefte.news) ---------------


def message_posted(message_id):
    """A message staff wrote goes to every contact; one an applicant wrote goes to programme staff."""
    message = Message.objects.select_related("eoi__partnership", "author").get(pk=message_id)
    if message.internal:
        return  # an internal note reaches no one outside programme staff's admin
    eoi = message.eoi
    if is_programme_staff(message.author):
        recipients = contact_users(eoi, except_user_id=message.author_id)
        link = absolute(reverse("applications:detail", args=[eoi.pk]) + "#messages")
    else:
        recipients = programme_staff().exclude(pk=message.author_id)
        link = absolute(reverse("admin:applications_expressionofinterest_change", args=[eoi.pk]))
    for user in recipients:
        context = {
            "name": user.name,
            "author": message.author.name,
            "partnership": str(eoi.partnership),
            "number": eoi.pk,
            "link": link,
            "body": message.body,
            "excerpt": message.body[:300],
            "attachment_name": message.attachment_name,
        }
        news.tell(user, "eoi-message", context)


# --- new work for programme staff: told as each chose (fachkraefte.news), listed in their work queue ---------


def staff_context(eoi, link):
    return {"number": eoi.pk, "partnership": str(eoi.partnership), "link": absolute(link)}


def staff_submitted(eoi_id, *, resubmitted):
    """A submission, or a resubmission after a return: it waits for the eligibility review."""
    eoi = ExpressionOfInterest.objects.select_related("partnership").get(pk=eoi_id)
    link = reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])
    news.tell_staff("staff-eoi-submitted", {**staff_context(eoi, link), "resubmitted": resubmitted})


def staff_terms_waiting(eoi, terms):
    """Every municipality agreed to the newest terms: programme staff's agreement is the one missing."""
    context = {**staff_context(eoi, reverse("applications:terms", args=[eoi.pk])), "version": terms.number}
    news.tell_staff("staff-terms-waiting", context)


def staff_selection_made(eoi, candidate):
    """The employer picked a candidate: staff create the placement."""
    link = f"{reverse('admin:placements_placement_add')}?eoi={eoi.pk}"
    news.tell_staff("staff-selection-made", {**staff_context(eoi, link), "candidate": candidate})
