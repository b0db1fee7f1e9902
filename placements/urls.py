from django.urls import include, path

app_name = "placements"

# One URL module per area; they share this app's namespace.
urlpatterns = [
    path("candidates/", include("placements.url_parts.candidates")),
    path("selection/", include("placements.url_parts.selection")),
    path("", include("placements.url_parts.portal")),
    path("events/", include("placements.url_parts.events")),
    path("", include("placements.url_parts.publication")),
]
