"""Pages anyone may read without an account: the programme, its legal pages and the accessibility feedback."""

from django.urls import path

from fachkraefte.public import views

app_name = "public"

urlpatterns = [
    path("programme/", views.programme, name="programme"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("contact/", views.contact, name="contact"),
    path("easy-language/", views.easy_language, name="easy_language"),
]
