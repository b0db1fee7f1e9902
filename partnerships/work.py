"""What waits for programme staff in the partnerships app (see fachkraefte.work): join requests to a municipality
that has no contact person (issue 13.3), and partnerships members registered that staff have not confirmed.
"""

from django.db.models import F
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fachkraefte import work
from partnerships.models import JoinRequest, Partnership

JOIN_REQUESTS = "join_request"
PARTNERSHIPS = "partnership_to_confirm"

JOIN_REQUESTS_LABEL = _("Join requests without a contact person")
PARTNERSHIPS_LABEL = _("Partnerships to confirm")


def admin_row(model_name, pk):
    """The admin's list narrowed to one row, where the actions (approve, confirm, ...) are at hand."""
    return f"{reverse(f'admin:partnerships_{model_name}_changelist')}?id__exact={pk}"


def join_request_items(join_requests):
    for join_request in join_requests.select_related("user", "municipality"):
        yield work.WorkItem(
            pk=join_request.pk,
            kind=JOIN_REQUESTS,
            label=str(JOIN_REQUESTS_LABEL),
            title=gettext("%(person)s asks to join %(municipality)s")
            % {"person": join_request.user.name or join_request.user.email, "municipality": join_request.municipality},
            since=join_request.created_at,
            url=admin_row("joinrequest", join_request.pk),
        )


def partnerships_to_confirm():
    return Partnership.objects.filter(confirmed=False)


def partnership_items(partnerships):
    now = timezone.now()
    for partnership in partnerships.select_related("registered_by"):
        person = partnership.registered_by
        title = str(partnership)
        if person is not None:
            title = gettext("%(partnership)s, registered by %(person)s") % {
                "partnership": partnership,
                "person": person.name or person.email,
            }
        yield work.WorkItem(
            pk=partnership.pk,
            kind=PARTNERSHIPS,
            label=str(PARTNERSHIPS_LABEL),
            title=title,
            since=partnership.registered_at or now,
            url=admin_row("partnership", partnership.pk),
        )


def staff_work():
    return [
        work.WorkKind(
            JOIN_REQUESTS,
            JOIN_REQUESTS_LABEL,
            lambda: JoinRequest.objects.routed_to_staff(),
            join_request_items,
            F("created_at"),
            order=80,
        ),
        # A partnership registered before issue 13 has no date: it waits from now on, as partnership_items say.
        work.WorkKind(
            PARTNERSHIPS,
            PARTNERSHIPS_LABEL,
            partnerships_to_confirm,
            partnership_items,
            Coalesce("registered_at", Now()),
            order=90,
        ),
    ]
