"""The specialist's first visit: the invitation link from the placement, their own password, then their placement."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fachkraefte import audit
from partnerships.models import User
from placements import specialist_invitations
from placements.permissions import get_placement_for_user
from placements.specialist_invitations import InvitationUnusable


class WelcomeForm(SetPasswordMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    preferred_language = forms.ChoiceField(
        label=User._meta.get_field("preferred_language").verbose_name,
        choices=User._meta.get_field("preferred_language").choices,
    )
    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        return super().clean()


def specialist_welcome(request, token):
    try:
        placement = specialist_invitations.open_invitation(token)
    except InvitationUnusable as unusable:
        return render(request, "placements/specialist_welcome.html", {"problem": str(unusable)}, status=410)
    if placement.specialist_id is not None:  # used: whoever may see the placement goes there, others log in
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("placements:placement_detail", args=[placement.pk]))
        get_placement_for_user(request.user, placement.pk)  # 404, logged, for everybody else
        return render(request, "placements/specialist_welcome.html", {"placement": placement, "taken": True})
    candidate = placement.candidate
    if not request.user.is_authenticated:
        translation.activate(specialist_invitations.language_of(candidate))
    if request.user.is_authenticated:
        return _as_logged_in(request, placement)
    if User.objects.with_email(candidate.email).exists():
        return render(request, "placements/specialist_welcome.html", {"placement": placement, "has_account": True})
    form = WelcomeForm(
        request.POST if request.method == "POST" else None,
        initial={"name": candidate.name, "preferred_language": specialist_invitations.language_of(candidate)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = specialist_invitations.join(
                placement,
                name=form.cleaned_data["name"],
                preferred_language=form.cleaned_data["preferred_language"],
                password=form.cleaned_data["password1"],
            )
        except InvitationUnusable as unusable:
            return render(request, "placements/specialist_welcome.html", {"problem": str(unusable)}, status=410)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! This is your placement."))
        return redirect("placements:placement_detail", placement.pk)
    return render(request, "placements/specialist_welcome.html", {"placement": placement, "form": form})


def _as_logged_in(request, placement):
    """Logged in as the invited address: the placement becomes theirs on request; as anyone else: nothing."""
    if User.objects.normalize_email(request.user.email) != User.objects.normalize_email(placement.candidate.email):
        if request.method == "POST":
            raise audit.refuse(placement, "specialist invitation for another address")
        return render(request, "placements/specialist_welcome.html", {"placement": placement, "wrong_account": True})
    try:
        if request.method == "POST":
            specialist_invitations.join_existing(placement, request.user)
            messages.success(request, _("Welcome! This is your placement."))
            return redirect("placements:placement_detail", placement.pk)
        specialist_invitations.check_may_join(request.user)
    except InvitationUnusable as unusable:
        return render(request, "placements/specialist_welcome.html", {"problem": str(unusable)}, status=410)
    return render(request, "placements/specialist_welcome.html", {"placement": placement, "accept": True})
