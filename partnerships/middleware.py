from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from partnerships import login_sessions, two_factor
from partnerships.two_factor import requires_two_factor


class PreferredLanguageMiddleware:
    """A logged-in user sees the portal in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


# What a signed-in user may reach before giving the second factor: the pages to give or set it up, to leave,
# to reset a forgotten password, to switch the language, and the link that confirms a new e-mail address.
REACHABLE_WITHOUT_SECOND_FACTOR = {
    "login",
    "logout",
    "set_language",
    "health",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "partnerships:two_factor_verify",
    "partnerships:two_factor_setup",
    "partnerships:confirm_password",
    "partnerships:email_change_confirm",
}


class SecondFactorMiddleware:
    """Sessions that need a second factor reach only the login pages until it is given, and end after
    30 minutes idle or 12 hours in all (when the user must use one: staff, superusers, recruiters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        must = requires_two_factor(user)
        if must:
            if login_sessions.expired(request.session):
                logout(request)
                return redirect_to(reverse("login"), request, session_ended="1")
            login_sessions.touch(request.session)
        if user.is_verified() or request.resolver_match.view_name in REACHABLE_WITHOUT_SECOND_FACTOR:
            return None
        if must or request.session.get(two_factor.CODE_REQUIRED_KEY):
            return redirect_to(reverse(two_factor.second_step(user)), request)
        return None


def redirect_to(url, request, **params):
    """A redirect to `url` that brings the user back to the page they asked for (a GET) afterwards."""
    if request.method == "GET":
        params["next"] = request.get_full_path()
    return HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url)
