"""Matching, shortlist and selection: mounted at /placements/selection/ in the `placements` namespace."""

from django.urls import path

from placements.views import selection

urlpatterns = [
    path("eoi/<int:eoi_pk>/matches/", selection.matches, name="matches"),
    path("eoi/<int:eoi_pk>/shortlist/add/", selection.shortlist_add, name="shortlist_add"),
    path("eoi/<int:eoi_pk>/start/", selection.start_selection, name="start_selection"),
    path("eoi/<int:eoi_pk>/shortlist/", selection.shortlist, name="shortlist"),
    path("eoi/<int:eoi_pk>/back-to-recruitment/", selection.back_to_recruitment, name="back_to_recruitment"),
    path("entry/<int:entry_pk>/decide/", selection.shortlist_decide, name="shortlist_decide"),
    path("entry/<int:entry_pk>/select/", selection.shortlist_select, name="shortlist_select"),
    path("entry/<int:entry_pk>/cv/", selection.shortlist_cv, name="shortlist_cv"),
]
