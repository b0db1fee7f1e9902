from django.urls import path

from partnerships import account_views, member_views, views

app_name = "partnerships"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/recovery-codes/", account_views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/turn-off/", account_views.two_factor_disable, name="two_factor_disable"),
    path("confirm-password/", account_views.confirm_password, name="confirm_password"),
    path("email/", account_views.email_change, name="email_change"),
    path("email/confirm/<str:token>/", account_views.email_change_confirm, name="email_change_confirm"),
    path("sessions/end-others/", account_views.end_other_sessions, name="end_other_sessions"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-your-inbox/", views.verification_sent, name="verification_sent"),
    path("signup/confirm/<str:token>/", views.verify_email, name="verify_email"),
    path("signup/new-link/", views.resend_verification, name="resend_verification"),
    path("municipalities/", views.my_municipalities, name="my_municipalities"),
    path("municipalities/join/", views.join, name="join"),
    path("municipalities/<int:pk>/join/", views.join_municipality, name="join_municipality"),
    path("municipalities/<int:pk>/members/", member_views.members, name="members"),
    path("municipalities/<int:pk>/members/<int:membership_pk>/role/", member_views.change_role, name="member_role"),
    path("join-requests/", views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/approve/", views.approve_join_request, name="approve_join_request"),
    path("join-requests/<int:pk>/decline/", views.decline_join_request, name="decline_join_request"),
    path("partnerships/register/", views.register_partnership, name="register_partnership"),
]
