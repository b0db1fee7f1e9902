"""The beat schedule, assembled from the apps: each AppConfig lists its own jobs in `periodic_tasks`.

The DatabaseScheduler copies the schedule into its table, where staff may change the times.
"""

from celery.schedules import crontab
from django.apps import apps

CORE_TASKS = {
    "send-pending-mail": {"task": "fachkraefte.tasks.send_pending_mail", "schedule": crontab()},
    "purge-expired-records": {
        "task": "fachkraefte.tasks.purge_expired_records",
        "schedule": crontab(hour=3, minute=10),
    },
    "daily-digests": {"task": "fachkraefte.tasks.send_news_digests", "schedule": crontab(hour=7, minute=5)},
}


def beat_schedule():
    schedule = dict(CORE_TASKS)
    for config in apps.get_app_configs():
        schedule.update(getattr(config, "periodic_tasks", {}))
    return schedule
