from django.urls import path

from placements.views import candidates

# Mounted under /placements/candidates/ in the `placements` namespace.
urlpatterns = [
    path("", candidates.candidate_list, name="candidate_list"),
    path("new/", candidates.candidate_create, name="candidate_create"),
    path("<int:pk>/", candidates.candidate_detail, name="candidate_detail"),
    path("<int:pk>/edit/", candidates.candidate_edit, name="candidate_edit"),
    path("<int:pk>/cv/", candidates.candidate_cv, name="candidate_cv"),
    path("<int:pk>/export/", candidates.candidate_export, name="candidate_export"),
]
