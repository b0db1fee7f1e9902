"""The recruitment hand-off: what a recruiter reads about an expression of interest, and the vacancy they publish.

Who sees which EOI is applications.permissions' (`recruitable_eois`): a recruiter serves the channel
of their group (CIM recruits integrated experts, GIZ development workers) and sees only the EOIs in
recruitment whose specialist model that channel recruits; programme staff see every EOI in
recruitment, local ones included; everybody else sees none.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Event, ExpressionOfInterest, Status, Vacancy
from fachkraefte.records import record
from partnerships.models import Side


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
