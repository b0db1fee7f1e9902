"""The work queue's EOIs by status, read from the index alone (PostgreSQL only).

Each kind of the work queue (to review, to hand over, overdue, ...) starts from the EOIs in one status, and
needs their id, since when they are in it and when they were submitted. With these in the index PostgreSQL
answers from the index (an index-only scan) instead of visiting a table page for each EOI. Not in Meta.indexes:
SQLite, the run default, has no INCLUDE (eoi_status_since_idx serves it).
"""

from django.db import migrations

INDEX = "eoi_status_since_covering_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "applications_expressionofinterest" '
        '("status", "status_changed_at") INCLUDE ("id", "submitted_at")'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_transparency_newest_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
