"""The transparency list's order, newest submission first and those without one last (PostgreSQL only).

`ORDER BY submitted_at DESC NULLS LAST, id DESC`: with this index PostgreSQL reads a page of the public list
from its start, instead of passing every draft (no submission date) first. Not in Meta.indexes: SQLite, the run
default, cannot create an index with NULLS LAST (the list works there without it).
"""

from django.db import migrations

INDEX = "eoi_submitted_newest_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "applications_expressionofinterest" '
        '("submitted_at" DESC NULLS LAST, "id" DESC)'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_work_queue_returned_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
