"""When a member registered a partnership: programme staff's work queue lists them oldest first (issue 13.5).

Partnerships registered before and still waiting for confirmation count as registered now.
"""

from django.db import migrations, models
from django.utils import timezone


def waiting_since_now(apps, schema_editor):
    Partnership = apps.get_model("partnerships", "Partnership")
    Partnership.objects.filter(confirmed=False, registered_at__isnull=True).update(registered_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0008_membership_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="registered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="registered"),
        ),
        migrations.RunPython(waiting_since_now, migrations.RunPython.noop),
    ]
