from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applications.demo import seed_applications
from partnerships.demo import DEMO_PASSWORD, PERSONAS, seed_demo


class Command(BaseCommand):
    help = "Create demo partnerships, the model grid, one user per persona and two EOIs (idempotent)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data with known passwords is refused in production.")
        with transaction.atomic():
            seed_demo()
            seed_applications()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Log in at http://127.0.0.1:8000/accounts/login/"))
        self.stdout.write(f"Every demo user's password: {DEMO_PASSWORD}")
        for persona in PERSONAS:
            self.stdout.write(f"  {persona.email:<30} {persona.description}")
