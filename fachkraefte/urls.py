from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from fachkraefte import views
from partnerships import account_views
from partnerships.forms import QueuedPasswordResetForm
from partnerships.views import set_language

admin.site.site_header = _("Specialist Fund – administration")
admin.site.site_title = _("Specialist Fund")
admin.site.index_title = _("Programme administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("work/", views.work_queue, name="work_queue"),
    path("", include("fachkraefte.public.urls")),
    path("transparency/", include("placements.url_parts.transparency")),
    path("health/", views.PortalHealthCheckView.as_view(), name="health"),
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/login/", account_views.PortalLoginView.as_view(), name="login"),
    path("accounts/password_change/", account_views.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("partnerships.urls")),
    path("applications/", include("applications.urls")),
    path("placements/", include("placements.urls")),
    path("admin/login/", account_views.admin_login),  # no way around the second factor
    path("admin/", admin.site.urls),
]
