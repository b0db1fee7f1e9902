from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-your-inbox/", views.verification_sent, name="verification_sent"),
    path("signup/confirm/<str:token>/", views.verify_email, name="verify_email"),
    path("signup/new-link/", views.resend_verification, name="resend_verification"),
    path("municipalities/", views.my_municipalities, name="my_municipalities"),
    path("municipalities/join/", views.join, name="join"),
    path("municipalities/<int:pk>/join/", views.join_municipality, name="join_municipality"),
    path("join-requests/", views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/approve/", views.approve_join_request, name="approve_join_request"),
    path("join-requests/<int:pk>/decline/", views.decline_join_request, name="decline_join_request"),
    path("partnerships/register/", views.register_partnership, name="register_partnership"),
]
