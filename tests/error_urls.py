"""The portal's URLs plus two that fail on purpose, to look at the branded error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path


def broken(request):
    raise RuntimeError("a deliberate failure")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-broken/", broken),
    path("test-forbidden/", forbidden),
    path("", include("fachkraefte.urls")),
]
