from django.core.management.base import BaseCommand

from placements.candidates import anonymise
from placements.models import Candidate


class Command(BaseCommand):
    help = "Anonymise never-placed candidates past their retention deadline (what the nightly task does)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List who would be anonymised; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        due = Candidate.objects.past_retention().order_by("retention_until", "pk")
        count = 0
        for candidate in due:
            if dry_run:
                self.stdout.write(f"would anonymise candidate {candidate.pk} (kept until {candidate.retention_until})")
            else:
                try:
                    anonymise(candidate, by=None)
                except ValueError:
                    continue
            count += 1
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(self.style.SUCCESS(f"{count} candidate(s) {verb}."))
