from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create each app's demo data, in the order of INSTALLED_APPS: partnerships and personas, then EOIs at each "
        "stage (a draft, a submitted one, a needs dialogue, a recruitment with candidates, a running placement). "
        "Idempotent. An app takes part by giving its AppConfig a seed_demo() that returns lines to print."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data with known passwords is refused in production.")
        lines = []
        with transaction.atomic():
            for config in apps.get_app_configs():
                if hasattr(config, "seed_demo"):
                    lines += config.seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is in place. Log in at http://127.0.0.1:8000/accounts/login/"))
        for line in lines:
            self.stdout.write(line)
