from django.urls import path  # noqa: F401  (the transparency list and open data are added here)

app_name = "transparency"

urlpatterns = []
