"""A user's signed-in sessions: recorded at login, listed in the profile, ended from another session or by
deactivation; the time limits of sessions that must use a second factor; and the recent password confirmation
that changing the e-mail address, the password or the second factor asks for."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.utils import timezone

from fachkraefte.audit import client_ip
from partnerships.models import LoginSession

# settings.SESSION_ENGINE keeps sessions in the database (read through the cache): rows that can be found by key, and
# ended through the engine so that no cached copy outlives them.
STARTED_KEY = "signed_in_at"
SEEN_KEY = "last_seen_at"
# The name under which the session keeps the time of the last password confirmation: not a password.
PASSWORD_CONFIRMED_KEY = "password_confirmed_at"  # noqa: S105  # nosec B105
IDLE_LIMIT = 30 * 60
TOTAL_LIMIT = 12 * 60 * 60
TOUCH_EVERY = 60  # seconds: a session is written at most once a minute just to note that it is in use
PASSWORD_CONFIRMATION_LIMIT = 5 * 60


def now():
    return int(time.time())


def record(request, user):
    """At login: note the time and the session, so the user (or a deactivation) can end it later."""
    request.session[STARTED_KEY] = request.session[SEEN_KEY] = now()
    remember(request, user)


def remember(request, user):
    if request.session.session_key is None:  # login() flushed the previous user's session: get the new key now
        request.session.save()
    LoginSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def forget(session_key):
    LoginSession.objects.filter(session_key=session_key).delete()


def end_sessions(user, *, keep=None):
    """End every recorded session of `user` except the one with the key `keep`; returns how many ended."""
    others = LoginSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(others.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    caches[settings.SESSION_CACHE_ALIAS].delete_many([store.cache_key_prefix + key for key in keys])
    LoginSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def live_sessions(user):
    """The user's signed-in sessions that have not expired, newest first; forgets the others."""
    live_keys = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    LoginSession.objects.filter(user=user).exclude(session_key__in=live_keys).delete()
    return LoginSession.objects.filter(user=user).order_by("-created_at")


def expired(session):
    """True when a session that must use a second factor was idle too long or is too old."""
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if started is None or seen is None:
        return False
    moment = now()
    return moment - seen > IDLE_LIMIT or moment - started > TOTAL_LIMIT


def touch(session):
    moment = now()
    session.setdefault(STARTED_KEY, moment)
    if moment - session.get(SEEN_KEY, 0) >= TOUCH_EVERY:
        session[SEEN_KEY] = moment


def confirm_password(session):
    session[PASSWORD_CONFIRMED_KEY] = now()


def password_recently_confirmed(session):
    return now() - session.get(PASSWORD_CONFIRMED_KEY, 0) <= PASSWORD_CONFIRMATION_LIMIT
