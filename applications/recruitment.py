"""The recruitment hand-off: which recruiter sees which expression of interest, and the vacancy they publish.

The one place that decides what CIM and GIZ recruiters see. A recruiter serves the channel of
their group (CIM recruits integrated experts, GIZ development workers) and sees only the EOIs
in recruitment whose specialist model that channel recruits. Programme staff see every EOI in
recruitment, local ones included. Everybody else sees none.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import CHANNEL_OF_MODEL, Channel, Event, ExpressionOfInterest, Status, Vacancy
from applications.services import record
from partnerships.models import Role, Side
from partnerships.roles import is_programme_staff

CHANNEL_OF_ROLE = {Role.CIM_RECRUITER: Channel.CIM, Role.GIZ_RECRUITER: Channel.GIZ}


def channel_for(user):
    """The channels this user recruits for, as a set: {CIM}, {GIZ}, both, or empty for everybody else."""
    if not user.is_authenticated:
        return frozenset()
    groups = {group.name for group in user.groups.all()}
    return frozenset(channel for role, channel in CHANNEL_OF_ROLE.items() if role in groups)


def can_recruit(user):
    """A CIM or GIZ recruiter, or programme staff: the people the recruitment pages are for."""
    return is_programme_staff(user) or bool(channel_for(user))


def recruitable_eois(user):
    in_recruitment = ExpressionOfInterest.objects.filter(status=Status.RECRUITMENT)
    if is_programme_staff(user):
        return in_recruitment
    channels = channel_for(user)
    models = [model for model, channel in CHANNEL_OF_MODEL.items() if channel in channels]
    return in_recruitment.filter(specialist_model__in=models)


def require_recruiter(user):
    """The list refuses people who have no business with recruitment at all (403)."""
    if not can_recruit(user):
        raise PermissionDenied


def get_recruitable_eoi(user, pk):
    """The EOI, or 404 for outsiders, the wrong channel and EOIs that are not in recruitment."""
    return get_object_or_404(recruitable_eois(user).with_participants().select_related("vacancy"), pk=pk)


def partner_countries(eoi):
    """The partner countries' names, from prefetched participants."""
    names = {p.municipality.country.name for p in eoi.participants.all() if p.side == Side.PARTNER}
    return sorted(names)


def vacancy_of(eoi):
    """The EOI's vacancy or None (no query when the vacancy was selected with the EOI)."""
    return getattr(eoi, "vacancy", None)


def publish_vacancy(eoi, text, *, by):
    """Create or update the vacancy; the first publication sets its date; every one is recorded."""
    text = text.strip()
    if not text:
        raise ValidationError(_("Please write the vacancy text."), code="empty")
    with transaction.atomic():
        current = ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)
        if current.status != Status.RECRUITMENT:
            raise ValidationError(
                _("This expression of interest is no longer in recruitment; someone may have moved it meanwhile."),
                code="state",
            )
        vacancy = Vacancy.objects.filter(eoi=current).first() or Vacancy(eoi=current)
        vacancy.text = text
        vacancy.updated_by = by
        if vacancy.published_at is None:
            vacancy.published_at = timezone.now()
        vacancy.save()
        record(current, Event.Kind.VACANCY_PUBLISHED, by=by)
    return vacancy
