"""Who programme staff are: the one policy the core and every app ask (partnerships.roles re-exports it).

The core may not import the apps, so the group's name is written here; partnerships.models.Role.PROGRAMME_STAFF
is the same value (tests/test_work_queue.py holds the two together).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.shortcuts import resolve_url
from django.urls import reverse

from fachkraefte import audit

PROGRAMME_STAFF_GROUP = "programme_staff"


def group_names(user):
    """The names of the user's groups, fetched once per user object: a request asks about roles many times
    (login, two-factor, permissions), so the groups are prefetched onto the user and read from there after.
    A list that prefetched `groups` itself is not asked again; groups.add/remove/set drop the cache.
    prefetch_related_objects is asked only when the cache lacks them: even with nothing to fetch, it took
    about a tenth of a millisecond, and a page asks ten times."""
    if "groups" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "groups")
    return {group.name for group in user.groups.all()}


def is_programme_staff(user):
    """Superusers and the members of the programme staff group."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or PROGRAMME_STAFF_GROUP in group_names(user)


def staff_only(subject, user):
    """The `permission=` of a workflow step that only programme staff take, whatever its subject (an EOI, a
    placement): the one predicate the apps' @transition declarations share."""
    return is_programme_staff(user)


def check_programme_staff(user):
    """Refuse whoever is not programme staff with a logged 403: for the pages that are staff's alone."""
    if not is_programme_staff(user):
        raise audit.refuse(detail="programme staff only")


def programme_staff():
    """The active members of the programme staff group: the people told of new work."""
    users = get_user_model().objects.filter(groups__name=PROGRAMME_STAFF_GROUP, is_active=True)
    return users.distinct().order_by("pk")


def landing_page(user):
    """Where a login that was given no `next` leads: staff to their work queue, everybody else LOGIN_REDIRECT_URL."""
    return reverse("work_queue") if is_programme_staff(user) else resolve_url(settings.LOGIN_REDIRECT_URL)
