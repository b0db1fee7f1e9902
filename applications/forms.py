from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applications.language_rows import LanguageRowsMixin
from applications.models import PART_FIELDS, ExpressionOfInterest, Part
from applications.permissions import check_may_start_with, municipalities_to_start_for
from applications.services import check_model_open
from applications.vocabulary import Sdg, Theme
from partnerships.languages import usual_language
from partnerships.models import Municipality, SpecialistModel


class StartForm(forms.Form):
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Participating municipalities"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "At least one German and one partner municipality. Several partner municipalities may share one specialist."
        ),
    )
    specialist_model = forms.ChoiceField(
        label=_("Specialist model"), choices=SpecialistModel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, partnership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.user = user
        self.fields["municipalities"].queryset = partnership.municipalities.order_by("-country", "name")
        self.fields["municipalities"].initial = list(partnership.municipalities.all())

    def clean_municipalities(self):
        """The rule is the policy's (applications.permissions.may_start_with); the refusal is logged there."""
        municipalities = self.cleaned_data["municipalities"]
        try:
            check_may_start_with(self.user, self.partnership, municipalities)
        except PermissionDenied:
            theirs = self.fields["municipalities"].queryset.filter(pk__in=municipalities_to_start_for(self.user))
            names = [municipality.name for municipality in theirs]
            raise ValidationError(
                ngettext(
                    "You can only start an expression of interest for a municipality you act for. "
                    "Please choose %(municipalities)s as well.",
                    "You can only start an expression of interest for a municipality you act for. "
                    "Please choose at least one of %(municipalities)s as well.",
                    len(names),
                ),
                params={"municipalities": ", ".join(names)},
                code="not_theirs",
            ) from None
        return municipalities

    def clean(self):
        cleaned = super().clean()
        municipalities = cleaned.get("municipalities")
        if not municipalities:
            return cleaned
        german = [m for m in municipalities if m.is_german]
        partners = [m for m in municipalities if not m.is_german]
        if not german or not partners:
            raise ValidationError(_("Choose at least one German and one partner municipality."))
        if cleaned.get("specialist_model"):
            check_model_open(partners, cleaned["specialist_model"])
        return cleaned


class PartForm(forms.ModelForm):
    """One step of the EOI: the fields of one part, and the version the user started from."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @property
    def helper(self):
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        return helper

    class Meta:
        model = ExpressionOfInterest
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version_of(self.part)

    def part_values(self):
        return {name: self.cleaned_data[name] for name in PART_FIELDS[self.part]}


class GermanPartForm(PartForm):
    part = Part.GERMAN

    class Meta(PartForm.Meta):
        fields = PART_FIELDS[Part.GERMAN]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 4}),
            "german_contribution": forms.Textarea(attrs={"rows": 4}),
            "german_departments": forms.Textarea(attrs={"rows": 3}),
        }


class PartnerPartForm(LanguageRowsMixin, PartForm):
    part = Part.PARTNER

    class Meta(PartForm.Meta):
        fields = [f for f in PART_FIELDS[Part.PARTNER] if f != "working_languages"]
        widgets = {
            "need": forms.Textarea(attrs={"rows": 4}),
            "tasks_and_goals": forms.Textarea(attrs={"rows": 4}),
            "expertise_sought": forms.Textarea(attrs={"rows": 3}),
            "places_of_assignment": forms.Textarea(attrs={"rows": 2}),
            "wished_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_language_rows(self.instance.working_languages)

    @property
    def helper(self):
        helper = super().helper
        helper.layout = Layout(*self.Meta.fields, Fieldset(_("Working languages"), *self.language_layout()), "version")
        return helper

    def clean(self):
        cleaned = super().clean()
        cleaned["working_languages"] = self.clean_language_rows(cleaned)
        return cleaned


class SharedPartForm(PartForm):
    part = Part.SHARED

    themes = forms.MultipleChoiceField(
        label=_("Programme themes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    sdgs = forms.TypedMultipleChoiceField(
        label=_("Sustainable Development Goals"),
        choices=Sdg.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta(PartForm.Meta):
        fields = PART_FIELDS[Part.SHARED]
        widgets = {
            "principle_transparency": forms.Textarea(attrs={"rows": 3}),
            "principle_cooperation": forms.Textarea(attrs={"rows": 3}),
            "principle_inclusion": forms.Textarea(attrs={"rows": 3}),
        }


PART_FORMS = {Part.GERMAN: GermanPartForm, Part.PARTNER: PartnerPartForm, Part.SHARED: SharedPartForm}


class InvitationForm(forms.Form):
    """Invite someone to act, as an editor, for one of the EOI's municipalities.

    `municipalities` are those the user may invite for (applications.invitations decides); only they are
    offered. Any municipality of the EOI is a valid answer here, so that one the user may not invite
    for reaches the service, which refuses it (403, logged), instead of passing for a typing error.
    """

    municipality = forms.ModelChoiceField(
        label=_("For the municipality"),
        queryset=Municipality.objects.none(),
        help_text=_("The person invited joins as an editor. Contact persons are chosen on the members page."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args, eoi, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = Municipality.objects.filter(eoi_participations__eoi=eoi).order_by("country", "name")
        offered = list(municipalities)
        field.widget.choices = [("", field.empty_label), *((m.pk, str(m)) for m in offered)]
        if not offered:
            field.help_text = _("Only the contact persons of a municipality can invite people to act for it.")
        if len(offered) == 1 and not self.is_bound:
            self.initial["municipality"] = offered[0].pk
            self.initial["language"] = usual_language(offered[0].country.code)
        elif offered and not self.is_bound:  # staff: the partner's language is the likelier need
            partner = next((m for m in offered if not m.is_german), offered[0])
            self.initial["language"] = usual_language(partner.country.code)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("All parties and the programme staff will see this."),
    )
