"""The work queue's terms waiting for staff, read from an index alone (PostgreSQL only).

The kind starts from every version of the terms that the municipalities have all agreed to, with its EOI, its
number, its id and since when it waits (applications.work.terms_waiting_for_staff). With these in a partial index
PostgreSQL answers from the index (an index-only scan) instead of reading the whole table, whose rows carry the
terms' long texts (bench/EXPLAIN.md, section 29). Not in Meta.indexes: SQLite, the run default, has no INCLUDE.
"""

from django.db import migrations

INDEX = "terms_agreed_covering_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "applications_termsofreference" ("eoi_id", "number") '
        'INCLUDE ("id", "municipalities_agreed_at") WHERE "municipalities_agreed_at" IS NOT NULL'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_terms_municipalities_agreed_at"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
