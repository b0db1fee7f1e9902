"""Template context every page needs about the user's programme-wide roles."""

from django.utils.functional import SimpleLazyObject

from applications.permissions import can_recruit
from placements.permissions import is_specialist


def roles(request):
    """`is_recruiter`: CIM and GIZ recruiters and programme staff see the recruitment pages;
    `is_specialist`: specialists see their placement and the network events.

    Lazy, so pages that never ask (anonymous visitors, e-mails rendered with a request) cost no query.
    """
    return {
        "is_recruiter": SimpleLazyObject(lambda: can_recruit(request.user)),
        "is_specialist": SimpleLazyObject(lambda: is_specialist(request.user)),
    }
