"""Who may see and change what in the placements app: one helper per object type."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from applications.models import CHANNEL_OF_MODEL
from applications.recruitment import can_recruit, channel_for
from fachkraefte import audit
from partnerships.roles import is_programme_staff
from placements.models import Candidate


def candidates_visible_to(user):
    """Staff see every candidate; a recruiter those they recorded or who applied for an EOI of their channel."""
    if is_programme_staff(user):
        return Candidate.objects.all()
    channels = channel_for(user)
    if not channels:
        return Candidate.objects.none()
    models = [model for model, channel in CHANNEL_OF_MODEL.items() if channel in channels]
    return Candidate.objects.filter(Q(created_by=user) | Q(applied_for__specialist_model__in=models))


def require_candidate_access(user):
    """The list and the create page refuse people who have no business with candidates (403)."""
    if not can_recruit(user):
        raise PermissionDenied


def get_candidate_for_user(user, pk, write=False):
    """The candidate, or 404 for everybody who may not see them; 403 for writing to an anonymised one (both logged)."""
    candidate = audit.get_visible_or_404(candidates_visible_to(user).select_related("applied_for"), pk=pk)
    if write and candidate.anonymised_at:
        raise audit.refuse(candidate, "anonymised")
    return candidate
