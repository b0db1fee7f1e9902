"""One daily digest: the news this app kept for it (QueuedNotification, sent at 07:00) move to the portal's
(fachkraefte.QueuedNews, 07:05), and the 07:00 run leaves the schedule.

A kept row was already worded, in its reader's language: its subject and excerpt move as they are, under the
template emails/worded-news, which only repeats them. Rows already sent are dropped.
"""

from django.conf import settings
from django.db import migrations
from django.urls import reverse


def move_kept_news(apps, schema_editor):
    kept = apps.get_model("applications", "QueuedNotification")
    news = apps.get_model("fachkraefte", "QueuedNews")
    moved = []
    for row in kept.objects.filter(sent_at__isnull=True).order_by("created_at", "pk"):
        subject, _newline, excerpt = row.text.partition("\n")
        link = settings.PORTAL_URL.rstrip("/") + reverse("applications:detail", args=[row.eoi_id])
        context = {"subject": subject, "excerpt": excerpt, "link": link}
        moved.append(news(user_id=row.user_id, template="worded-news", context=context))
    news.objects.bulk_create(moved)


def drop_the_second_run(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="news-digests").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0013_terms_agreed_covering_index"),
        ("fachkraefte", "0003_accessibility_feedback"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(move_kept_news, migrations.RunPython.noop),
        migrations.RunPython(drop_the_second_run, migrations.RunPython.noop),
        migrations.DeleteModel(name="QueuedNotification"),
    ]
