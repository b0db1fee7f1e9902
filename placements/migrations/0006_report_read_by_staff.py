"""A submitted report waits in programme staff's work queue until one of them marks it read (issue 13.5).

Reports submitted before this migration stay unread: nobody was told of them, so they come up in the queue.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("placements", "0005_shortlist_decisions_per_municipality"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="read_by_staff_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="read by programme staff"),
        ),
        migrations.AddField(
            model_name="report",
            name="read_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="read by",
            ),
        ),
    ]
