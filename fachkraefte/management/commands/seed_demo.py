from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.demo import seed_applications
from partnerships.demo import DEMO_PASSWORD, DEMO_TOTP_KEY, PERSONAS, seed_demo
from partnerships.models import User
from partnerships.two_factor import otpauth_uri, secret_for_humans
from placements.demo import seed_journeys

# Prints the code an authenticator app would show now, for developers without one at hand.
CODE_ONE_LINER = (
    '.venv/bin/python -c "from django_otp.oath import totp; print(f\'{{totp(bytes.fromhex(\\"{key}\\")):06d}}\')"'
)


class Command(BaseCommand):
    help = (
        "Create demo partnerships, the model grid, one user per persona, and EOIs at each stage: a draft, a submitted "
        "one, a needs dialogue, a recruitment with candidates and a running placement (idempotent)."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data with known passwords is refused in production.")
        with transaction.atomic():
            seed_demo()
            seed_applications()
            seed_journeys()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Log in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        for persona in PERSONAS:
            second = "  (+ code from the demo authenticator key)" if persona.needs_second_factor else ""
            self.stdout.write(f"  {persona.email:<30} {persona.description}{second}")
        self.write_two_factor_help()

    def write_two_factor_help(self):
        self.stdout.write("Staff and recruiters log in with a code too. Demo authenticator key (type it into an app):")
        self.stdout.write(f"  secret: {secret_for_humans(DEMO_TOTP_KEY).replace(' ', '')}")
        for persona in PERSONAS:
            if persona.needs_second_factor:
                user = User.objects.get(email=persona.email)
                self.stdout.write(f"  {persona.email:<30} {otpauth_uri(user, DEMO_TOTP_KEY)}")
        self.stdout.write("The code an app would show now (each code logs in once):")
        self.stdout.write(f"  {CODE_ONE_LINER.format(key=DEMO_TOTP_KEY)}")
