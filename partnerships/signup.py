"""Sign-up that does not tell who has an account: a known address changes nothing and its owner hears of it.

The person signing up gets the same answer either way ("check your inbox"); what differs is only the e-mail
the address receives: the confirmation link for a new account, a warning with the way in for an existing one.
"""

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse

from fachkraefte.links import absolute
from partnerships import services
from partnerships.models import User


def sign_up_or_warn_owner(*, email, name, preferred_language, password):
    """Open an unconfirmed account (services.sign_up) or, if the address has one, warn its owner instead.

    Returns the new user, or None when the address was known; callers must answer the same in both cases.
    """
    owner = User.objects.with_email(email).first()
    if owner is None:
        try:
            with transaction.atomic():
                return services.sign_up(
                    email=email, name=name, preferred_language=preferred_language, password=password
                )
        except IntegrityError:  # the same address signed up a moment ago, in another request
            owner = User.objects.with_email(email).get()
    make_password(password)  # the hashing a new account costs, so that the time taken says nothing either
    warn_owner(owner)
    return None


def warn_owner(user):
    """Tell the owner of an account that someone tried to sign up with its address, and how to get in."""
    context = {"login_link": absolute(reverse("login")), "reset_link": absolute(reverse("password_reset"))}
    if awaiting_confirmation(user):
        # The password reset skips unconfirmed accounts; a fresh confirmation link is their way in.
        token = services.verification_token(user)
        context["confirm_link"] = absolute(reverse("partnerships:verify_email", args=[token]))
    with transaction.atomic():
        services.queue_mail("signup-attempt", user, context)


def awaiting_confirmation(user):
    """Signed up, never confirmed (a closed account has logged in before): as services.resend_verification."""
    return not user.is_active and user.last_login is None
