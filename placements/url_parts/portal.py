"""The specialist's portal, mounted at /placements/ in the `placements` namespace."""

from django.urls import path

from placements.views import portal, welcome

urlpatterns = [
    path("mine/", portal.my_placements, name="my_placements"),
    path("welcome/<str:token>/", welcome.specialist_welcome, name="specialist_welcome"),
    path("<int:pk>/", portal.placement_detail, name="placement_detail"),
    path("<int:pk>/history/", portal.placement_history, name="history"),
    path("<int:pk>/activities/", portal.activity_list, name="activity_list"),
    path("<int:pk>/activities/new/", portal.activity_create, name="activity_create"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", portal.activity_edit, name="activity_edit"),
    path("<int:pk>/reports/", portal.report_list, name="report_list"),
    path("<int:pk>/reports/<int:report_pk>/", portal.report_edit, name="report_edit"),
    path("<int:pk>/reports/<int:report_pk>/pdf/", portal.report_pdf, name="report_pdf"),
    path("<int:pk>/reports/<int:report_pk>/read/", portal.report_mark_read, name="report_mark_read"),
]
