"""scripts/backup and scripts/restore: a seeded database and its files come back exactly as they were."""

import hashlib
import importlib
import subprocess
import uuid

import psycopg
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from tests.subprocess_env import ROOT


def database_url(name):
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


def run(script, *args, **env):
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def table_checksums(cursor):
    """{table: (row count, md5 of its rows in order)} for every table of the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    checksums = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608 - names from pg_tables
        )
        checksums[table] = cursor.fetchone()
    return checksums


def file_checksums(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def new_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_row_and_every_file(world, media, new_database, tmp_path_factory):
    # A transactional test before this one may have flushed the ODA list the migrations loaded; the demo needs it.
    importlib.import_module("partnerships.migrations.0003_load_oda_recipients").load(django_apps, None)
    call_command("seed_demo")
    # Not under `media`, which is the test's own tmp_path: the archive must hold only the uploads.
    backup_dir, restored_media = tmp_path_factory.mktemp("backup") / "b", tmp_path_factory.mktemp("restored")
    source, target = database_url(connection.settings_dict["NAME"]), database_url(new_database)

    made = run("backup", DATABASE_URL=source, MEDIA_ROOT=str(media), BACKUP_DIR=str(backup_dir))
    assert made.returncode == 0, made.stderr
    restored = run("restore", str(backup_dir), DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
    assert restored.returncode == 0, restored.stderr

    with connection.cursor() as cursor:
        expected = table_checksums(cursor)
    with psycopg.connect(target.replace("postgres://", "postgresql://")) as other, other.cursor() as cursor:
        actual = table_checksums(cursor)
    assert expected["applications_expressionofinterest"][0] > 3  # the demo data and the world are in it
    assert actual == expected
    files = file_checksums(media)
    assert files and file_checksums(restored_media) == files


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_tables(media, tmp_path_factory):
    backup_dir = tmp_path_factory.mktemp("backup") / "b"
    source = database_url(connection.settings_dict["NAME"])
    assert run("backup", DATABASE_URL=source, MEDIA_ROOT=str(media), BACKUP_DIR=str(backup_dir)).returncode == 0

    refused = run("restore", str(backup_dir), DATABASE_URL=source, MEDIA_ROOT=str(tmp_path_factory.mktemp("empty")))
    assert refused.returncode == 3
    assert "--force" in refused.stderr


def test_restore_refuses_a_damaged_backup(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"not what was written")
    (tmp_path / "media.tar.gz").write_bytes(b"")
    (tmp_path / "SHA256SUMS").write_text(f"{'0' * 64}  database.dump\n{'0' * 64}  media.tar.gz\n")
    damaged = run("restore", str(tmp_path), DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert damaged.returncode == 1
    assert "damaged" in damaged.stderr


def test_backup_needs_postgresql(tmp_path):
    refused = run("backup", DATABASE_URL="sqlite:////tmp/x.sqlite3", BACKUP_DIR=str(tmp_path / "b"))
    assert refused.returncode == 2
    assert not (tmp_path / "b").exists()
