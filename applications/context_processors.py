"""Template context every page needs about the user's programme-wide roles."""

from django.utils.functional import SimpleLazyObject

from applications.recruitment import can_recruit
from partnerships.models import Role
from partnerships.roles import has_role


def roles(request):
    """`is_recruiter`: CIM and GIZ recruiters and programme staff see the recruitment pages;
    `is_specialist`: specialists see their placement and the network events.

    Lazy, so pages that never ask (anonymous visitors, e-mails rendered with a request) cost no query.
    """
    return {
        "is_recruiter": SimpleLazyObject(lambda: can_recruit(request.user)),
        "is_specialist": SimpleLazyObject(lambda: has_role(request.user, Role.SPECIALIST)),
    }
