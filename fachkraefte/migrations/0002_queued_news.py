"""News kept for the daily digest of whoever chose daily e-mails, programme staff among them (issue 13.5)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("fachkraefte", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="QueuedNews",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("template", models.CharField(max_length=100, verbose_name="template")),
                ("context", models.JSONField(default=dict, verbose_name="particulars")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="written")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "news for the daily digest",
                "verbose_name_plural": "news for the daily digest",
                "ordering": ["created_at", "pk"],
            },
        ),
    ]
