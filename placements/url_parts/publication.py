"""The municipalities' opt-in to the transparency list, mounted at /placements/ in the `placements` namespace."""

from django.urls import path

from placements.views import transparency

urlpatterns = [
    path("eoi/<int:pk>/publication/", transparency.eoi_publication, name="eoi_publication"),
    path("<int:pk>/publication/", transparency.placement_publication, name="placement_publication"),
]
