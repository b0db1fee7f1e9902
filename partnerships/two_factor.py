"""Who must log in with a second factor, and marking a session as verified by one."""

from django_otp import DEVICE_ID_SESSION_KEY

from partnerships.models import Role
from partnerships.roles import has_role

ROLES_THAT_NEED_TWO_FACTORS = (Role.PROGRAMME_STAFF, Role.CIM_RECRUITER, Role.GIZ_RECRUITER)


def requires_two_factor(user):
    """Staff, superusers and recruiters see everyone's data: they cannot work without a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or any(has_role(user, role) for role in ROLES_THAT_NEED_TWO_FACTORS)


def mark_session_verified(session, device):
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
