"""Template context every page needs from the core: whether the user is programme staff, and their work count."""

from django.utils.functional import SimpleLazyObject

from fachkraefte import work
from fachkraefte.staff import is_programme_staff


def work_queue(request):
    """`is_programme_staff` and `work_count` (how many items wait in the work queue, up to a minute old).

    Lazy, so a page that does not show them (anonymous visitors, e-mails) costs no query.
    """
    staff = SimpleLazyObject(lambda: is_programme_staff(request.user))
    return {
        "is_programme_staff": staff,
        "work_count": SimpleLazyObject(lambda: work.waiting() if staff else 0),
    }
