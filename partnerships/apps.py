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

    def seed_demo(self):
        from partnerships.demo import demo_logins, seed_demo

        seed_demo()
        return demo_logins()
