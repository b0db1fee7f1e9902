"""Forms of the account pages: the second factor, the password confirmation, the e-mail address."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from partnerships import two_factor
from partnerships.models import User


class EndOtherSessionsMixin(forms.Form):
    end_other_sessions = forms.BooleanField(
        label=_("Also sign me out everywhere else (other browsers and devices)"), required=False, initial=True
    )


class LoginForm(AuthenticationForm):
    """The password step of the login. The address goes to authenticate() normalised, so that the lockout
    (django-axes keys on the username it is given) counts KARIN@... and karin@... as one account."""

    def clean_username(self):
        return User.objects.normalize_email(self.cleaned_data["username"])


class CodeForm(forms.Form):
    """The second step of the login: a code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self):
        self.device = two_factor.verify(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                _("This code is not right, or it has been used already. Wait for the next code and try again."),
                code="wrong_code",
            )
        return self.cleaned_data["code"]


class SetUpAppForm(EndOtherSessionsMixin):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=10,
        help_text=_("Six digits: your app shows them once you have added the key."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
    field_order = ["code", "end_other_sessions"]

    def __init__(self, *args, key, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key

    def clean_code(self):
        self.step = two_factor.time_step_of_code(self.key, self.cleaned_data["code"])
        if self.step is None:
            raise forms.ValidationError(
                _("This code does not match. Check that your phone's clock is right and enter the code shown now."),
                code="wrong_code",
            )
        return self.cleaned_data["code"]


class ConfirmPasswordForm(forms.Form):
    """The password once more, before a change to how the account logs in. It goes through authenticate(),
    so wrong guesses count towards the lockout like those on the login page."""

    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.email, password=password) != user:
            raise forms.ValidationError(_("This password is not right."), code="wrong_password")
        return password


class SecondFactorChangeForm(EndOtherSessionsMixin):
    """A button that changes the second factor (new recovery codes, turning it off), with the sessions choice."""


class EmailChangeForm(EndOtherSessionsMixin):
    email = forms.EmailField(
        label=_("New e-mail address"),
        help_text=_("We send a link to this address; the change takes effect when you open it."),
    )
    field_order = ["email", "end_other_sessions"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email == User.objects.normalize_email(self.user.email):
            raise forms.ValidationError(_("This is your address already."), code="same")
        if User.objects.with_email(email).exists():
            raise forms.ValidationError(_("Another account uses this address."), code="exists")
        return email
