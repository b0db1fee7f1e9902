"""Who must log in with a second factor, and the devices that give one: an authenticator app (TOTP) and
single-use recovery codes (django-otp's static tokens)."""

import time
from base64 import b32encode

import segno
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from partnerships.models import Role
from partnerships.roles import has_role

ROLES_THAT_NEED_TWO_FACTORS = (Role.PROGRAMME_STAFF, Role.CIM_RECRUITER, Role.GIZ_RECRUITER)
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
# Set in the session at login when the user must give a code before going on (partnerships/middleware.py).
CODE_REQUIRED_KEY = "second_factor_required"
RECOVERY_DEVICE_NAME = "recovery codes"


def requires_two_factor(user):
    """Staff, superusers and recruiters see everyone's data: they cannot work without a second factor."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or any(has_role(user, role) for role in ROLES_THAT_NEED_TWO_FACTORS)


def code_required(request):
    """Whether this session must give a code before going on: the user must use a second factor, or has one
    (noted at login)."""
    return bool(request.session.get(CODE_REQUIRED_KEY)) or requires_two_factor(request.user)


def second_step(user):
    """The page that takes the second factor: the code, or setting up an app for whoever has none yet."""
    return "partnerships:two_factor_verify" if uses_two_factor(user) else "partnerships:two_factor_setup"


def fully_signed_in(request):
    user = request.user
    return user.is_authenticated and (user.is_verified() or not code_required(request))


def mark_session_verified(session, device):
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def app_device(user):
    """The user's confirmed authenticator app, or None: with it, the login asks for a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def uses_two_factor(user):
    return app_device(user) is not None


def new_secret():
    """A fresh TOTP key, hex-encoded as django-otp stores it (20 random bytes)."""
    return random_hex(20)


def secret_for_humans(key):
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(user, key):
    return TOTPDevice(user=user, key=key).config_url


def qr_code_svg(uri, title):
    """The key as a QR code for the phone's camera: inline SVG (no script, no style, no request)."""
    drawing = segno.make(uri, error="m").svg_inline(scale=5, border=4, light="#fff", svgclass="totp-qr", title=title)
    # segno writes the markup itself and escapes the title.
    return mark_safe(drawing)  # noqa: S308  # nosec B308 B703


def normalise(code):
    return "".join((code or "").split()).lower()


def time_step_of_code(key, code):
    """The time step at which `code` is valid for `key` (one step either way), or None."""
    code = normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def enable(user, key, step):
    """Confirm the app whose code for `key` was valid at time step `step`, replacing any earlier one.

    Returns the device and new recovery codes. The code that confirmed the app counts as used (last_t), so it
    cannot log in afterwards.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=step)
        return device, new_recovery_codes(user)


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones and return them (shown once)."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, code):
    """The device that accepts `code` (a six-digit app code or a recovery code), or None. Each code works once:
    the app device remembers the last time step it accepted, a recovery code is deleted when used."""
    code = normalise(code)
    if not code:
        return None
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        return next((device for device in devices if device.verify_token(code)), None)


def disable(user):
    """Remove the app and the recovery codes: only for users who may log in without a second factor."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
