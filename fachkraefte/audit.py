"""The security log: one function writes an entry; receivers log logins, logouts and failed logins.

Access helpers are given a user, not the request; the entry's IP address and path come from the
request being answered, which simple-history's HistoryRequestMiddleware keeps for the thread.
"""

import ipaddress

from axes.helpers import get_client_ip_address
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from simple_history.models import HistoricalRecords

from fachkraefte.models import AuditEntry

Kind = AuditEntry.Kind


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


def client_ip(request):
    """The client's address as axes sees it (behind a proxy too), so the logs and the lockout agree."""
    address = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def log(kind, request=None, *, obj=None, user=None, username="", detail=""):
    """Write one entry: who (the request's user unless given), from which IP and path, about which object."""
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    entry = AuditEntry(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:254],
        detail=str(detail)[:500],
    )
    if request is not None:
        entry.ip_address = client_ip(request)
        entry.path = request.path[:500]
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = str(obj.pk)
    entry.save()
    return entry


def refuse(obj=None, detail=""):
    """Log that the user was refused `obj` (or a page) and return the 403 to raise: `raise audit.refuse(eoi)`."""
    log(Kind.ACCESS_REFUSED, obj=obj, detail=detail)
    return PermissionDenied()


def get_visible_or_404(visible, **lookup):
    """`get_object_or_404(visible, **lookup)`; when the object exists but is not in `visible`, that is logged.

    A lookup that matches nothing anywhere is not logged: it is a typo, not a refusal.
    """
    try:
        return get_object_or_404(visible, **lookup)
    except Http404:
        model = visible.model
        hidden = model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
        if hidden is not None:
            log(Kind.ACCESS_REFUSED, obj=model(pk=hidden), detail="not visible to the user")
        raise


# --- receivers, connected in FachkraefteConfig.ready() ------------------------------------------------
def on_logged_in(sender, request, user, **kwargs):
    log(Kind.LOGIN, request, user=user)


def on_logged_out(sender, request, user, **kwargs):
    log(Kind.LOGOUT, request, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """Only the login name given is kept; Django has already masked the password in `credentials`."""
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or ""
    log(Kind.LOGIN_FAILED, request, username=str(username))
