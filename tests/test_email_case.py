"""One account per e-mail address whatever its case: normalised on every save (so also an invitee's new
account), held once by the database; and the migration that brings existing addresses into that form, or
refuses and names the accounts that would clash."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from partnerships.models import User
from tests.factories import PASSWORD, UserFactory

migration = importlib.import_module("partnerships.migrations.0007_email_case_insensitive")


def test_the_manager_normalises_new_accounts(db):
    user = User.objects.create_user("  Karin.Mueller@Berlin.DE ", PASSWORD, name="Karin")
    assert user.email == "karin.mueller@berlin.de"
    assert User.objects.get_by_natural_key("KARIN.MUELLER@berlin.de") == user


def test_every_save_normalises_the_address(db):
    user = UserFactory()
    user.email = "Karin.Mueller@Berlin.de "
    user.save()
    assert User.objects.filter(email="karin.mueller@berlin.de").get() == user


def test_createsuperuser_normalises_and_refuses_a_case_variant(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-passphrase-for-2026")
    call_command("createsuperuser", interactive=False, email="Admin@Example.ORG", name="Admin", verbosity=0)
    assert User.objects.get(is_superuser=True).email == "admin@example.org"
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, email="ADMIN@example.org", name="Admin 2", verbosity=0)
    assert User.objects.count() == 1


@pytest.mark.parametrize("other", ["Karin@Berlin.de", "KARIN@BERLIN.DE", "karin@berlin.de"])
def test_the_database_refuses_a_second_row_differing_only_by_case(db, other):
    UserFactory(email="karin@berlin.de")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=other, name="Karin again")])  # no save(), no form: only the database
    assert User.objects.count() == 1


def test_the_admin_form_gets_a_friendly_message_from_the_constraint(db):
    UserFactory(email="karin@berlin.de")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        User(email="Karin@Berlin.de", name="Karin again").validate_constraints()
    assert refused.value.messages == ["Another account uses this e-mail address."]


# The data migration


def test_the_migration_lower_cases_existing_addresses(db):
    User.objects.bulk_create(
        [User(email="Karin.Mueller@Berlin.de", name="Karin"), User(email=" Ben@Example.org", name="Ben")]
    )  # as they were stored before: bulk_create skips save()
    migration.lower_case_addresses(apps, connection.schema_editor())
    assert sorted(User.objects.values_list("email", flat=True)) == ["ben@example.org", "karin.mueller@berlin.de"]


def test_the_migration_refuses_accounts_that_would_clash_and_changes_nothing(db):
    [constraint] = [c for c in User._meta.constraints if c.name == "one_account_per_email_in_any_case"]
    with connection.schema_editor() as editor:  # as before the migration (the test's transaction restores it)
        editor.remove_constraint(User, constraint)
    User.objects.bulk_create(
        [
            User(email="karin@berlin.de", name="Karin"),
            User(email="Karin@Berlin.de", name="Karin twice"),
            User(email="Ben@Example.org", name="Ben"),
        ]
    )
    with pytest.raises(RuntimeError, match="'Karin@Berlin.de'") as refused:
        migration.lower_case_addresses(apps, connection.schema_editor())
    assert "'karin@berlin.de'" in str(refused.value)
    assert "Ben" not in str(refused.value)
    assert "Ben@Example.org" in User.objects.values_list("email", flat=True)
