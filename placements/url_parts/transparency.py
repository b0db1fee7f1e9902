"""The public transparency list and its open data, mounted at /transparency/: no login."""

from django.urls import path

from placements.views import transparency

app_name = "transparency"

urlpatterns = [
    path("", transparency.transparency_list, name="list"),
    path("placements.csv", transparency.transparency_csv, name="csv"),
    path("iati-activities.xml", transparency.transparency_iati, name="iati"),
]
