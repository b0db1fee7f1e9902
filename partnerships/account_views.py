"""How a user gets in and keeps the account theirs: the two-step login, the second factor, the password and
e-mail changes that ask for the password again, the signed-in sessions, and the lockout page."""

from functools import wraps
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from fachkraefte import audit, outbox
from fachkraefte.links import absolute
from fachkraefte.staff import landing_page
from partnerships import login_sessions, two_factor
from partnerships.account_forms import (
    CodeForm,
    ConfirmPasswordForm,
    EmailChangeForm,
    LoginForm,
    SecondFactorChangeForm,
    SetUpAppForm,
)
from partnerships.models import User

SETUP_KEY_SESSION_KEY = "two_factor_setup_key"
NEW_CODES_SESSION_KEY = "two_factor_new_codes"
EMAIL_CHANGE_SALT = "partnerships.change-email"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24 * 3


def next_url(request):
    """Where to go after this step: the `next` the login was given, if it points into the portal."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return landing_page(request.user)


def with_next(url, target):
    return f"{url}?{urlencode({'next': target})}"


def recent_password_required(view):
    """Changes to how the account logs in ask for the password again, unless given in the last few minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if login_sessions.password_recently_confirmed(request.session):
            return view(request, *args, **kwargs)
        return password_again(request)

    return wrapper


def password_again(request):
    back = request.get_full_path() if request.method == "GET" else reverse("partnerships:profile")
    return redirect(with_next(reverse("partnerships:confirm_password"), back))


# Logging in: the password, then the code


class PortalLoginView(LoginView):
    """The password step; whoever has (or must have) a second factor goes on to give (or set up) one."""

    authentication_form = LoginForm

    def get_default_redirect_url(self):
        """Without a `next`: programme staff to their work queue, everybody else to LOGIN_REDIRECT_URL."""
        return landing_page(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        login_sessions.confirm_password(self.request.session)
        if not two_factor.code_required(self.request):
            return response
        return redirect(with_next(reverse(two_factor.second_step(form.get_user())), self.get_success_url()))


def admin_login(request):
    """The admin's own login page would take the password alone: everybody logs in through the portal."""
    return redirect(with_next(reverse("login"), request.GET.get("next") or reverse("admin:index")))


@login_required
def two_factor_verify(request):
    user = request.user
    if user.is_verified() or not two_factor.code_required(request):
        return redirect(next_url(request))
    if not two_factor.uses_two_factor(user):
        return redirect(with_next(reverse("partnerships:two_factor_setup"), next_url(request)))
    form = CodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        request.session.pop(two_factor.CODE_REQUIRED_KEY, None)
        if isinstance(form.device, StaticDevice):
            messages.warning(
                request,
                _("You logged in with a recovery code. %(count)d are left: make new ones in your profile.")
                % {"count": two_factor.recovery_codes_left(user)},
            )
        return redirect(next_url(request))
    return render(request, "partnerships/two_factor_verify.html", {"form": form})


# Setting up the second factor


@login_required
def two_factor_setup(request):
    """Add an authenticator app (or replace the one there is): show the key, check one code from the app."""
    user = request.user
    if two_factor.uses_two_factor(user) and not user.is_verified():
        return redirect(with_next(reverse("partnerships:two_factor_verify"), next_url(request)))
    if not login_sessions.password_recently_confirmed(request.session):
        return password_again(request)
    key = request.session.get(SETUP_KEY_SESSION_KEY) or two_factor.new_secret()
    request.session[SETUP_KEY_SESSION_KEY] = key
    form = SetUpAppForm(request.POST or None, key=key)
    if request.method == "POST" and form.is_valid():
        device, codes = two_factor.enable(user, key, form.step)
        otp_login(request, device)
        for session_key in (SETUP_KEY_SESSION_KEY, two_factor.CODE_REQUIRED_KEY):
            request.session.pop(session_key, None)
        request.session[NEW_CODES_SESSION_KEY] = codes
        end_other_sessions_if_asked(request, form)
        messages.success(request, _("Two-factor login is on. From now on the login asks for a code from your app."))
        return redirect(with_next(reverse("partnerships:two_factor_recovery_codes"), next_url(request)))
    uri = two_factor.otpauth_uri(user, key)
    context = {
        "form": form,
        "secret": two_factor.secret_for_humans(key),
        "otpauth_uri": uri,
        "qr_code": two_factor.qr_code_svg(uri, _("QR code of the key for your authenticator app")),
        "must": two_factor.requires_two_factor(user),
    }
    return render(request, "partnerships/two_factor_setup.html", context)


@login_required
def two_factor_recovery_codes(request):
    """GET: the new recovery codes, once; POST: replace them with new ones (after the password again)."""
    user = request.user
    if request.method == "POST":
        if not two_factor.uses_two_factor(user):
            raise audit.refuse(detail="no second factor to renew recovery codes for")
        if not login_sessions.password_recently_confirmed(request.session):
            return password_again(request)
        form = SecondFactorChangeForm(request.POST, prefix="codes")
        if form.is_valid():
            request.session[NEW_CODES_SESSION_KEY] = two_factor.new_recovery_codes(user)
            end_other_sessions_if_asked(request, form)
        return redirect("partnerships:two_factor_recovery_codes")
    context = {
        "codes": request.session.pop(NEW_CODES_SESSION_KEY, None),
        "left": two_factor.recovery_codes_left(user),
        "next": next_url(request),
    }
    return render(request, "partnerships/two_factor_recovery_codes.html", context)


@login_required
@require_POST
def two_factor_disable(request):
    if two_factor.requires_two_factor(request.user):
        # Staff and recruiters cannot work without it; they may replace the app.
        raise audit.refuse(detail="may not turn off the second factor")
    if not login_sessions.password_recently_confirmed(request.session):
        return password_again(request)
    form = SecondFactorChangeForm(request.POST, prefix="off")
    if form.is_valid():
        two_factor.disable(request.user)
        end_other_sessions_if_asked(request, form)
        messages.success(request, _("Two-factor login is off. The login asks for your password only."))
    return redirect("partnerships:profile")


# The password again, the password itself, the sessions


@login_required
def confirm_password(request):
    form = ConfirmPasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login_sessions.confirm_password(request.session)
        return redirect(next_url(request))
    return render(request, "partnerships/account_confirm_password.html", {"form": form})


@login_required
@recent_password_required
def password_change(request):
    """A new password; every other session of the user ends (Django would refuse them anyway from now on)."""
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # this session stays, under a new key
        login_sessions.end_sessions(user)
        login_sessions.remember(request, user)
        messages.success(request, _("Your password has been changed. You have been signed out everywhere else."))
        return redirect("partnerships:profile")
    return render(request, "registration/password_change_form.html", {"form": form})


@login_required
@require_POST
def end_other_sessions(request):
    count = login_sessions.end_sessions(request.user, keep=request.session.session_key)
    messages.success(request, _("Signed out of %(count)d other sessions.") % {"count": count})
    return redirect("partnerships:profile")


def end_other_sessions_if_asked(request, form):
    if form.cleaned_data.get("end_other_sessions"):
        login_sessions.end_sessions(request.user, keep=request.session.session_key)


def security_context(request):
    """What the profile shows about logging in: the second factor and the signed-in sessions."""
    user = request.user
    return {
        "uses_two_factor": two_factor.uses_two_factor(user),
        "must_use_two_factor": two_factor.requires_two_factor(user),
        "recovery_codes_left": two_factor.recovery_codes_left(user),
        "codes_form": SecondFactorChangeForm(prefix="codes"),
        "off_form": SecondFactorChangeForm(prefix="off"),
        "login_sessions": login_sessions.live_sessions(user),
        "current_session_key": request.session.session_key,
    }


# Changing the e-mail address: a link to the new address, which changes it when opened


@login_required
@recent_password_required
def email_change(request):
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        send_email_change_link(request.user, new_email)
        end_other_sessions_if_asked(request, form)
        messages.success(
            request,
            _("We have sent a link to %(email)s. Your address changes when you open it.") % {"email": new_email},
        )
        return redirect("partnerships:profile")
    return render(request, "partnerships/account_email_change.html", {"form": form})


def send_email_change_link(user, new_email):
    token = signing.dumps({"user": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT)
    link = absolute(reverse("partnerships:email_change_confirm", args=[token]))
    with transaction.atomic():
        outbox.queue_mail("email-change", [new_email], {"name": user.name, "link": link}, user.preferred_language)


def email_change_confirm(request, token):
    """GET shows what changes; POST changes it. The link works once and for three days."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "partnerships/account_email_change_failed.html", {"reason": "expired"})
    except signing.BadSignature:
        return render(request, "partnerships/account_email_change_failed.html", {"reason": "invalid"})
    if request.method != "POST":
        return render(request, "partnerships/account_email_change_confirm.html", {"new_email": data["new"]})
    reason = change_email(data)
    if reason:
        return render(request, "partnerships/account_email_change_failed.html", {"reason": reason})
    messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": data["new"]})
    return redirect("partnerships:profile" if request.user.is_authenticated else "login")


def change_email(data):
    """Apply a confirmed change; returns why it cannot be applied ("used", "taken"), or None."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user"), is_active=True).first()
        if user is None or user.email != User.objects.normalize_email(data.get("old")):
            return "used"
        if User.objects.with_email(data["new"]).exclude(pk=user.pk).exists():
            return "taken"
        user.email = data["new"]
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:  # taken a moment ago, in another request: the database holds each address once
            return "taken"
        context = {"name": user.name, "new_email": user.email}
        outbox.queue_mail("email-changed", [data["old"]], context, user.preferred_language)
    return None


# Too many failed logins


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: a page that says when the login works again and how to reset the password."""
    until = timezone.now() + get_cool_off(request)
    context = {"until": until, "minutes": int(get_cool_off(request).total_seconds() // 60)}
    return render(request, "registration/locked_out.html", context, status=429)
