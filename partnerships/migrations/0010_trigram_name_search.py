"""Trigram indexes for the admin's name search (PostgreSQL only; nothing happens on SQLite, the run default).

The admin's `name__icontains` is `UPPER("name"::text) LIKE UPPER('%term%')` on PostgreSQL: a GIN index with
pg_trgm's operator class on that very expression answers it without reading the table. Not in Meta.indexes:
a GinIndex there would be created on SQLite too, where it cannot exist.
"""

from django.db import migrations

TRIGRAM_INDEXES = {
    "municipality_name_trgm_idx": "partnerships_municipality",
    "partnership_name_trgm_idx": "partnerships_partnership",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for index, table in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" USING gin ((UPPER("name"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index}"')


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0009_partnership_registered_at"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
