from django.http import HttpResponse
from django.urls import path

PAGE = "<!doctype html><html lang='en'><head><title>Bare</title></head><body><p>Hello.</p></body></html>"


def hello(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", hello, name="hello")]
