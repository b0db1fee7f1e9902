"""Template context every page needs about the user's programme-wide roles."""

from django.utils.functional import SimpleLazyObject

from applications.recruitment import can_recruit


def roles(request):
    """`is_recruiter`: CIM and GIZ recruiters and programme staff see the recruitment pages.

    Lazy, so pages that never ask (anonymous visitors, e-mails rendered with a request) cost no query.
    """
    return {"is_recruiter": SimpleLazyObject(lambda: can_recruit(request.user))}
