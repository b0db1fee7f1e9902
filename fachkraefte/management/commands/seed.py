import datetime
import random
import secrets
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone


@dataclass(frozen=True)
class Scale:
    """How many of each the apps make; `large` is the size issue 15 asks the portal to hold."""

    name: str
    municipalities: int
    partnerships: int
    eois: int
    candidates: int
    placements: int
    activities: int
    network_events: int


SCALES = {
    scale.name: scale
    for scale in (
        Scale("large", 2_000, 600, 20_000, 5_000, 2_000, 200_000, 300),
        Scale("small", 20, 6, 200, 50, 20, 2_000, 3),
        Scale("tiny", 12, 4, 44, 16, 4, 120, 2),  # for the tests: every status at least once
    )
}


@contextmanager
def timestamps_as_given(model):
    """auto_now and auto_now_add would stamp every row with the moment of the insert: seeded rows carry their own
    history (an EOI started two years ago), so the fields keep the values given while `model` is inserted."""
    stamped = [
        f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    flags = [(f, f.auto_now, f.auto_now_add) for f in stamped]
    for f in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield stamped
    finally:
        for f, auto_now, auto_now_add in flags:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class BulkRun:
    """What an app's `seed_bulk(run)` gets: the scale, one random generator, the moment, and the shared notes.

    `made` is how the apps hand each other what they made (the partnerships' seeder leaves the partnerships it
    made there for the applications' seeder, and so on); `tag` is unique to this run, for e-mail addresses that
    must not collide with an earlier run's.
    """

    scale: Scale
    rng: random.Random
    replace: bool
    tag: str
    now: datetime.datetime
    made: dict = field(default_factory=dict)
    inserted: Counter = field(default_factory=Counter)

    def insert(self, model, objects, batch_size=2_000):
        """bulk_create with the timestamps as given (now where none is): no save(), no signals, no history rows."""
        objects = list(objects)
        with timestamps_as_given(model) as stamped:
            for obj in objects:
                for f in stamped:
                    if getattr(obj, f.attname) is None:
                        setattr(obj, f.attname, self.now)
            created = model._default_manager.bulk_create(objects, batch_size=batch_size)
        self.inserted[model._meta.label] += len(created)
        return created

    def empty(self, app_label, *, keep=()):
        """Empty the tables of an app's models except those named in `keep`, and every table that refers to them
        (TRUNCATE … CASCADE on PostgreSQL): what --replace does, each app for its own models."""
        tables = [
            model._meta.db_table
            for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
            if model.__name__ not in keep and model._meta.managed and not model._meta.proxy
        ]
        connection.check_constraints()  # fires the checks still deferred in this transaction: TRUNCATE waits for none
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))


def row_counts(configs):
    return {model._meta.label: model._default_manager.count() for config in configs for model in config.get_models()}


class Command(BaseCommand):
    help = (
        "Fill the database with data at the size of a busy programme, through bulk inserts: "
        "--scale large (2,000 municipalities, 600 partnerships, 20,000 EOIs over every status with their history, "
        "5,000 candidates, 2,000 placements with their reports, 200,000 activities, 300 network events), "
        "small (about 1/100 of that) or tiny (for tests). Adds to what is there; --replace empties the portal's "
        "data first (every user too; the countries and their ODA listings stay). Creates the named users the "
        "benchmark logs in as and prints their password. Refused with production settings. An app takes part by "
        "giving its AppConfig a seed_bulk(run) that returns lines to print; the apps run in the order of "
        "INSTALLED_APPS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), required=True)
        parser.add_argument(
            "--replace", action="store_true", help="Empty the portal's data (users included) before seeding."
        )
        parser.add_argument("--random-seed", type=int, default=15, help="The same seed makes the same data.")

    def handle(self, *args, scale, replace, random_seed, **options):
        if settings.PRODUCTION:
            raise CommandError("Seeding data with known passwords is refused in production.")
        configs = [config for config in apps.get_app_configs() if hasattr(config, "seed_bulk")]
        run = BulkRun(
            scale=SCALES[scale],
            rng=random.Random(random_seed),  # noqa: S311 - test data, not secrets
            replace=replace,
            tag=secrets.token_hex(3),
            now=timezone.now(),
        )
        started = time.monotonic()
        lines = []
        with transaction.atomic():
            for config in configs:
                began = time.monotonic()
                lines += config.seed_bulk(run)
                self.stdout.write(f"  {config.label}: {time.monotonic() - began:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The planner's statistics and the visibility map (index-only scans), as autovacuum keeps them in a
                # database that grew slowly; bulk inserts leave both empty until autovacuum gets round to them.
                # VACUUM cannot run in a transaction (a test's): there, the statistics alone.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        self.report(scale, elapsed, row_counts(configs), run.inserted, lines)

    def report(self, scale, elapsed, rows, inserted, lines):
        self.stdout.write(self.style.SUCCESS(f"Seeded at scale {scale} in {elapsed:.1f} s."))
        width = max(len(label) for label in rows)
        self.stdout.write(f"  {'model':<{width}} {'rows':>9} {'inserted':>9}")
        for label, count in rows.items():
            if count or inserted[label]:
                self.stdout.write(f"  {label:<{width}} {count:>9,} {inserted[label]:>9,}")
        for line in lines:
            self.stdout.write(line)
