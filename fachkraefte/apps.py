from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FachkraefteConfig(AppConfig):
    name = "fachkraefte"
    verbose_name = _("Portal operations")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django_fsm.signals import post_transition

        from fachkraefte import audit, history, periodic
        from fachkraefte.celery import app as celery_app

        user_logged_in.connect(audit.on_logged_in, dispatch_uid="fachkraefte.audit.login")
        user_logged_out.connect(audit.on_logged_out, dispatch_uid="fachkraefte.audit.logout")
        user_login_failed.connect(audit.on_login_failed, dispatch_uid="fachkraefte.audit.login_failed")
        post_transition.connect(history.author_of_transition, dispatch_uid="fachkraefte.history.author")
        celery_app.conf.beat_schedule = periodic.beat_schedule()

    def staff_work(self):
        """What waits for programme staff here: accessibility feedback to answer (fachkraefte.work)."""
        from fachkraefte.public.feedback import staff_work

        return staff_work()
