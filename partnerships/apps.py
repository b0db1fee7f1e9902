from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnerships"
    verbose_name = _("Municipalities and partnerships")

    def ready(self):
        from partnerships import (  # noqa: F401 - the join requests' workflow registers itself
            signals,
            workflow,
        )
        from partnerships.roles import grant_role_permissions

        signals.connect()

        post_migrate.connect(grant_role_permissions, dispatch_uid="partnerships.grant_role_permissions")

    def staff_work(self):
        """What waits for programme staff here: the work queue's kinds (fachkraefte.work)."""
        from partnerships.work import staff_work

        return staff_work()

    def seed_demo(self):
        from partnerships.demo import demo_logins, seed_demo

        seed_demo()
        return demo_logins()

    def seed_bulk(self, run):
        """`manage.py seed`: this app's rows at run.scale, in bulk; returns lines to print."""
        from partnerships.bulk import seed

        return seed(run)
