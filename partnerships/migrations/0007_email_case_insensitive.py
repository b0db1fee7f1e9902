"""E-mail addresses are stored trimmed and lower-cased, and unique whatever their case.

First the existing addresses are normalised as UserManager.normalize_email does (trim, lower-case the whole
address). If two accounts would end up with the same address, the migration refuses and names them: which of
the two is the person's real account is for programme staff to decide (merge or rename by hand in the admin),
not for a migration. Nothing is changed then (the migration runs in one transaction).

Backwards the constraint goes; the addresses stay lower-cased (their old spelling is not kept).
"""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower, Trim

NORMALISED = Lower(Trim("email"))  # as UserManager.normalize_email() does it


def lower_case_addresses(apps, schema_editor):
    User = apps.get_model("partnerships", "User")
    users = User.objects.annotate(normalised=NORMALISED)
    clashes = users.values("normalised").annotate(accounts=Count("pk")).filter(accounts__gt=1)
    clashing = list(clashes.values_list("normalised", flat=True))
    if clashing:
        accounts = users.filter(normalised__in=clashing).order_by("normalised", "pk")
        listing = "\n".join(f"  #{user.pk} {user.email!r}" for user in accounts)
        raise RuntimeError(
            "These accounts differ only in the case or spacing of their e-mail address; merge them or change "
            f"all but one address in the admin, then migrate again. Nothing has been changed.\n{listing}"
        )
    User.objects.exclude(email=NORMALISED).update(email=NORMALISED)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("partnerships", "0006_login_sessions"),
    ]

    operations = [
        migrations.RunPython(lower_case_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"),
                name="one_account_per_email_in_any_case",
                violation_error_message="Another account uses this e-mail address.",
            ),
        ),
    ]
