from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "applications"
    verbose_name = _("Applications")
    periodic_tasks = {
        "overdue-digest": {
            "task": "applications.digests.send_overdue_digest",
            "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
        },
        "render-missing-eoi-pdfs": {
            "task": "applications.tasks.render_missing_eoi_pdfs",
            "schedule": crontab(minute="*/10"),
        },
        # applications.dashboard_figures.REFRESH_MINUTES: the dashboard says how fresh its figures are.
        "refresh-dashboard-figures": {
            "task": "applications.tasks.refresh_dashboard_figures",
            "schedule": crontab(minute="*/5"),
        },
    }

    def ready(self):
        from applications import (  # noqa: F401 - registers the models' workflow and the overdue digest's task
            digests,
            workflow,
        )

    def staff_work(self):
        """What waits for programme staff here: the work queue's kinds (fachkraefte.work)."""
        from applications.work import staff_work

        return staff_work()

    def seed_demo(self):
        from applications.demo import seed_applications

        seed_applications()
        return []

    def seed_bulk(self, run):
        """`manage.py seed`: this app's rows at run.scale, in bulk; returns lines to print."""
        from applications.bulk import seed

        return seed(run)
