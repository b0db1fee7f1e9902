from celery.schedules import crontab
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "placements"
    verbose_name = _("Placements")
    periodic_tasks = {
        "anonymise-expired-candidates": {
            "task": "placements.tasks.anonymise_expired_candidates",
            "schedule": crontab(hour=2, minute=30),
        },
        "event-reminders": {"task": "placements.tasks.remind_event_participants", "schedule": crontab(minute=15)},
        "report-reminders": {"task": "placements.tasks.remind_reports", "schedule": crontab(hour=6, minute=45)},
        "render-missing-report-pdfs": {
            "task": "placements.tasks.render_missing_report_pdfs",
            "schedule": crontab(minute="*/10"),
        },
        # placements.publication.FIGURES_REFRESH_MINUTES: the transparency list says how fresh its figures are.
        "refresh-public-figures": {
            "task": "placements.tasks.refresh_public_figures",
            "schedule": crontab(minute="*/5"),
        },
    }

    def ready(self):
        from django_fsm.signals import post_transition

        from applications.models import ExpressionOfInterest
        from placements import publication, workflow  # noqa: F401 - workflow registers the app's models' steps
        from placements.models import Placement

        for model in (ExpressionOfInterest, Placement):
            post_transition.connect(publication.forget_on_step, sender=model, dispatch_uid=f"publication.{model}")

    def staff_work(self):
        """What waits for programme staff here: the work queue's kinds (fachkraefte.work)."""
        from placements.work import staff_work

        return staff_work()

    def seed_demo(self):
        from placements.demo import seed_journeys

        seed_journeys()
        return []

    def seed_bulk(self, run):
        """`manage.py seed`: this app's rows at run.scale, in bulk; returns lines to print."""
        from placements.bulk import seed

        return seed(run)
