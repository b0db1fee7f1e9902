"""The work queue's terms waiting for staff, read from an index alone (PostgreSQL only).

The kind starts from every version of the terms that the municipalities have all agreed to, with its EOI, its
number, its id and since when it waits (applications.work.terms_waiting_for_staff). With these in a partial index
PostgreSQL answers from the index (an index-only scan) instead of reading the whole table, whose rows carry the
terms' long texts (bench/EXPLAIN.md, section 29). Not in Meta.indexes: SQLite, the run default, has no INCLUDE.
"""

from django.db import migrations

from fachkraefte.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_terms_municipalities_agreed_at"),
    ]

    operations = [
        PostgreSQLOnly(
            'CREATE INDEX IF NOT EXISTS "terms_agreed_covering_idx" ON "applications_termsofreference" '
            '("eoi_id", "number") INCLUDE ("id", "municipalities_agreed_at") WHERE "municipalities_agreed_at" IS NOT NULL',
            reverse_sql='DROP INDEX IF EXISTS "terms_agreed_covering_idx"',
            elidable=False,
        ),
    ]
