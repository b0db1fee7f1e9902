"""Network and exchange events, mounted at /placements/events/ in the placements namespace."""

from django.urls import path

from placements.views import events

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("<int:pk>/", events.event_detail, name="event_detail"),
    path("<int:pk>/register/", events.event_register, name="event_register"),
    path("<int:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("<int:pk>/calendar.ics", events.event_ics, name="event_ics"),
    path("own/<int:placement_pk>/", events.own_event_list, name="own_event_list"),
    path("own/<int:placement_pk>/new/", events.own_event_create, name="own_event_create"),
]
