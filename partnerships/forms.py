from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from fachkraefte.tasks import send_templated_mail
from partnerships.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "preferred_language"]


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail is sent by a Celery task, in the user's own language."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        link = f"{context['protocol']}://{context['domain']}{path}"
        send_templated_mail.delay(
            "password-reset", [to_email], {"name": user.name, "link": link}, user.preferred_language
        )
