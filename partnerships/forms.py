from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, PasswordResetForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from fachkraefte import outbox
from fachkraefte.links import absolute
from partnerships import countries
from partnerships.models import GERMANY, JoinRequest, Municipality, PartnershipKind, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "preferred_language", "email_updates"]


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose e-mail goes through the outbox, in the user's own language."""

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        # The portal's own address, never the request's Host header (a forged one would catch the token).
        link = absolute(reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}))
        outbox.queue_mail("password-reset", [to_email], {"name": user.name, "link": link}, user.preferred_language)


class SignUpForm(BaseUserCreationForm):
    """E-mail, name, language and a password checked by the portal's password validators."""

    class Meta:
        model = User
        fields = ["email", "name", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("As your colleagues in the partnership know you.")
        self.fields["preferred_language"].help_text = _("The portal and its e-mails speak to you in this language.")

    def clean_email(self):
        # Whether the address has an account is not checked here: the sign-up answers the same either way
        # and tells the owner by e-mail (partnerships.signup).
        return User.objects.normalize_email(self.cleaned_data["email"])

    def _get_validation_exclusions(self):
        # Nor may the model's uniqueness rules for the address turn into a form error that says who has an account.
        return super()._get_validation_exclusions() | {"email"}


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class MunicipalitySearchForm(forms.Form):
    q = forms.CharField(label=_("Name or official municipality key (AGS)"), max_length=100, required=False, strip=True)


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["role", "message"]
        labels = {"role": _("I would like to act as")}
        help_texts = {
            "role": _("Contacts speak for the municipality, editors fill in forms, viewers only read."),
            "message": _("Optional: who you are and what you do, so the contacts know you."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class PartnershipRegistrationForm(forms.Form):
    german_municipality = forms.ModelChoiceField(label=_("Your municipality"), queryset=Municipality.objects.none())
    partner_name = forms.CharField(label=_("Name of the partner municipality"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country of the partner municipality"), choices=countries.choices)
    kind = forms.ChoiceField(label=_("Kind of link"), choices=PartnershipKind.choices)
    since = forms.DateField(
        label=_("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: when the link was made."),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["german_municipality"].queryset = municipalities
        self.fields["country"].choices = [("", "---------"), *countries.choices()]

    def clean_partner_name(self):
        return " ".join(self.cleaned_data["partner_name"].split())

    def clean_country(self):
        country = self.cleaned_data["country"]
        if country == GERMANY:
            raise forms.ValidationError(
                _("The partner municipality lies outside Germany: choose its country."),
                code="germany",
            )
        return country

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("This date lies in the future."), code="future")
        return since
