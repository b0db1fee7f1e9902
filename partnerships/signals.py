"""Signed-in sessions are recorded at login and forgotten at logout; deactivating a user ends all of theirs."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save

from partnerships import login_sessions, two_factor


def on_login(sender, request, user, **kwargs):
    login_sessions.record(request, user)
    if two_factor.requires_two_factor(user) or two_factor.uses_two_factor(user):
        request.session[two_factor.CODE_REQUIRED_KEY] = True


def on_logout(sender, request, user, **kwargs):
    if request.session.session_key:
        login_sessions.forget(request.session.session_key)


def on_user_saved(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        login_sessions.end_sessions(instance)


def connect():
    user_logged_in.connect(on_login, dispatch_uid="partnerships.record_login_session")
    user_logged_out.connect(on_logout, dispatch_uid="partnerships.forget_login_session")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="partnerships.end_sessions_of_inactive")
