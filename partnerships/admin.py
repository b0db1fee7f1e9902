from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fachkraefte import audit, workflow
from fachkraefte.admin import ReadOnlyAdmin
from fachkraefte.admin_prefill import CheckedPrefillMixin
from fachkraefte.records import label_of
from fachkraefte.workflow import StepRefused
from partnerships import countries, grants, memberships, services
from partnerships.ags import GERMAN_STATES
from partnerships.models import (
    Country,
    GrantRecord,
    JoinRequest,
    LoginSession,
    ModelAvailability,
    Municipality,
    MunicipalityMembership,
    OdaListing,
    Partnership,
    PartnershipParticipant,
    Role,
    SpecialistModel,
    User,
    check_partnership_sides,
)


class LoginSessionInline(admin.TabularInline):
    """Where the user is signed in. Unticking "active" and saving ends all of these sessions."""

    model = LoginSession
    fields = ["created_at", "ip_address", "user_agent"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def role_label(group):
    """A role's group as people read it ("Programme staff (SKEW)"), not by its name in the code ("programme_staff")."""
    return label_of(Role, group.name)


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return role_label(group)


class RoleFilter(admin.SimpleListFilter):
    """The user list by role, the roles named as people read them (the groups filter showed the code names)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """The groups are the programme-wide roles (partnerships.roles): listed by the role's name."""

    list_display = ["role", "name"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return role_label(group)

    def get_queryset(self, request):
        # Staff see a group read-only: its permissions are printed, each naming its content type.
        permissions = Permission.objects.select_related("content_type")
        return super().get_queryset(request).prefetch_related(Prefetch("permissions", queryset=permissions))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    inlines = [LoginSessionInline]
    list_display = ["email", "name", "preferred_language", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", RoleFilter, "preferred_language"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["name", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "preferred_language", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    # Rights are handed on by superusers only, never to themselves (see partnerships.grants); every change is recorded.

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not grants.may_change_privileges(request.user, obj):
            fields += [field for field in [*grants.PRIVILEGED_FIELDS, "roles"] if field not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        """Read-only, the groups would show by their code names: the roles show as people read them. An account
        the user may not edit shows no password field: its button would lead to a refusal."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or grants.may_change_privileges(request.user, obj):
            return fieldsets
        shown = {"groups": "roles"}
        if not grants.may_edit_account(request.user, obj):
            shown["password"] = None
        return [
            (name, {**options, "fields": [shown.get(f, f) for f in options["fields"] if shown.get(f, f)]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("role"))
    def roles(self, user):
        return ", ".join(sorted(str(role_label(group)) for group in user.groups.all())) or "–"

    def has_change_permission(self, request, obj=None):
        if obj is not None and not grants.may_edit_account(request.user, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not grants.may_edit_account(request.user, obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self.end_memberships(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            self.end_memberships(request, queryset)
            super().delete_queryset(request, queryset)

    @staticmethod
    def end_memberships(request, users):
        """An account's memberships end through the membership policy, each recorded, before the account goes:
        its grant records keep the address and say the rights were removed, by whom."""
        for membership in MunicipalityMembership.objects.filter(user__in=users).select_related("user", "municipality"):
            memberships.remove(membership, by=request.user, via=memberships.Via.ADMIN)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Privileged fields sent by someone who may not change them are ignored (read-only); the attempt is logged.

        Logged here, before the admin's transaction opens, so that the entry stays.
        """
        posted = [field for field in grants.PRIVILEGED_FIELDS if field in request.POST]
        if request.method == "POST" and posted:
            account = self.get_object(request, unquote(object_id)) if object_id else self.model()
            if account is not None and not grants.may_change_privileges(request.user, account):
                detail = f"privileged fields sent: {', '.join(posted)}"
                audit.log(audit.Kind.ACCESS_REFUSED, obj=account if account.pk else None, detail=detail)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.get(pk=obj.pk) if change else type(obj)()
        form.privileges_before = grants.privileges_of(stored)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        before, after = form.privileges_before, grants.privileges_of(user)
        if grants.changed_privileges(before, after) and not grants.may_change_privileges(request.user, user):
            # Unreachable while the fields are read-only for them; should a form ever offer them, the
            # admin's transaction undoes the whole save.
            raise PermissionDenied
        grants.record_privilege_changes(user, before, after, by=request.user, via=grants.Via.ADMIN)


class StateFilter(admin.SimpleListFilter):
    """German Land, read from the first two digits of the AGS."""

    title = _("Land")
    parameter_name = "land"

    def lookups(self, request, model_admin):
        return sorted(GERMAN_STATES.items())

    def queryset(self, request, queryset):
        if self.value() in GERMAN_STATES:
            prefix_field = "ags" if queryset.model is Municipality else "participants__municipality__ags"
            return queryset.filter(**{f"{prefix_field}__startswith": self.value()}).distinct()
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "country", "ags", "state_name", "region"]
    list_filter = ["kind", "country", StateFilter]
    search_fields = ["name", "ags", "region"]
    autocomplete_fields = ["members"]

    @admin.display(description=_("Land"))
    def state_name(self, municipality):
        return municipality.state_name


class ParticipantFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        sides = [
            form.cleaned_data["side"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("side")
        ]
        try:
            check_partnership_sides(sides)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ParticipantInline(admin.TabularInline):
    model = PartnershipParticipant
    formset = ParticipantFormSet
    autocomplete_fields = ["municipality"]
    extra = 0
    min_num = 2

    def get_queryset(self, request):
        # Each row is printed with its str(), which names the municipality.
        return super().get_queryset(request).select_related("municipality")


@admin.register(Partnership)
class PartnershipAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "since", "active", "confirmed", "german_side", "partner_side"]
    list_filter = [
        "confirmed",
        "kind",
        "active",
        ("participants__municipality__country", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["name", "participants__municipality__name", "participants__municipality__ags"]
    inlines = [ParticipantInline]
    actions = ["confirm_selected"]

    # A partnership staff add here is confirmed by adding it; one registered in the portal is confirmed by the
    # action (services.confirm_partnerships), which records who and when, never by ticking a box.
    ORIGIN = ["registered_by", "registered_at", "confirmed", "confirmed_by", "confirmed_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.ORIGIN if obj is not None else []

    def get_exclude(self, request, obj=None):
        return self.ORIGIN if obj is None else None

    def save_model(self, request, obj, form, change):
        if not change:
            obj.confirmed, obj.confirmed_by, obj.confirmed_at = True, request.user, timezone.now()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).with_municipalities()

    @admin.action(description=_("Confirm selected partnerships"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        count = services.confirm_partnerships(queryset, by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d partnership confirmed.", "%(count)d partnerships confirmed.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("German side"))
    def german_side(self, partnership):
        return ", ".join(m.name for m in partnership.municipalities_of_side("german"))

    @admin.display(description=_("Partner side"))
    def partner_side(self, partnership):
        return ", ".join(str(m) for m in partnership.municipalities_of_side("partner"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        partnership = form.instance
        if not partnership.name:
            partnership.name = partnership.default_name()
            partnership.save(update_fields=["name"])


class MembershipAdminForm(forms.ModelForm):
    """Asks partnerships.memberships whether the acting user may decide this membership."""

    acting_user = None  # set per request by MunicipalityMembershipAdmin.get_form

    class Meta:
        model = MunicipalityMembership
        fields = ["user", "municipality", "role"]

    def clean(self):
        cleaned_data = super().clean()
        user = cleaned_data.get("user") or getattr(self.instance, "user", None)
        municipality = cleaned_data.get("municipality") or getattr(self.instance, "municipality", None)
        if user is not None and municipality is not None:
            reason = memberships.why_not_grant(self.acting_user, user, municipality)
            if reason:
                raise ValidationError(reason)
        return cleaned_data


@admin.register(MunicipalityMembership)
class MunicipalityMembershipAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    """Staff grant, change and remove memberships here; partnerships.memberships decides and records."""

    form = MembershipAdminForm
    list_display = ["user", "municipality", "role", "created_at"]
    list_filter = ["role", "municipality__country"]
    search_fields = ["user__email", "user__name", "municipality__name", "municipality__ags"]
    autocomplete_fields = ["user", "municipality"]
    list_select_related = ["user", "municipality"]

    def get_readonly_fields(self, request, obj=None):
        # A membership changes its role only; another person or municipality is another membership.
        return ["user", "municipality", "created_at"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:  # nobody decides their own membership
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request, obj, form, change):
        via = memberships.Via.ADMIN
        if change:
            stored = MunicipalityMembership.objects.select_related("user", "municipality").get(pk=obj.pk)
            saved = memberships.change_role(stored, obj.role, by=request.user, via=via)
        else:
            saved, _created = memberships.add(obj.user, obj.municipality, obj.role, by=request.user, via=via)
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def delete_model(self, request, obj):
        memberships.remove(obj, by=request.user, via=memberships.Via.ADMIN)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "municipality"):
            memberships.remove(membership, by=request.user, via=memberships.Via.ADMIN)


@admin.register(JoinRequest)
class JoinRequestAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    list_display = ["user", "municipality", "role", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "user__name", "municipality__name", "municipality__ags"]
    list_select_related = ["user", "municipality", "decided_by"]
    # What was asked stays as it was asked: the contacts decide on it, and the grant it leads to names it. People
    # ask in the portal (services.request_to_join); only a superuser deletes a request.
    readonly_fields = ["user", "municipality", "role", "message", "status", "decided_by", "decided_at", "created_at"]
    date_hierarchy = "created_at"
    actions = ["approve_selected", "decline_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @admin.action(description=_("Approve selected join requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self.decide(request, queryset, services.approve_join_request)

    @admin.action(description=_("Decline selected join requests"), permissions=["change"])
    def decline_selected(self, request, queryset):
        self.decide(request, queryset, services.decline_join_request)

    def decide(self, request, queryset, decision):
        decided = skipped = refused = 0
        # The selected rows locked in one query; each decision runs in its own savepoint of this transaction.
        with transaction.atomic():
            for join_request in workflow.lock_rows(queryset, "user", "municipality"):
                try:
                    decision(join_request, by=request.user, locked=True)
                    decided += 1
                except StepRefused as refusal:
                    if refusal.forbidden:  # e.g. one's own request: the policy refused it (and logged it)
                        refused += 1
                    else:  # decided already, by a contact or another click
                        skipped += 1
        self.message_user(
            request,
            ngettext("%(count)d join request decided.", "%(count)d join requests decided.", decided)
            % {"count": decided},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request had been decided already and was left as it was.",
                    "%(count)d requests had been decided already and were left as they were.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request was left as it was: you may not decide it (your own, for instance).",
                    "%(count)d requests were left as they were: you may not decide them (your own, for instance).",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )


class OdaListingInline(admin.TabularInline):
    model = OdaListing
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")  # each row is named after its country


class AvailabilityInline(admin.TabularInline):
    model = ModelAvailability
    fields = ["model", "is_open", "note", "changed_by", "changed_at"]
    readonly_fields = ["changed_by", "changed_at"]
    extra = 0
    max_num = len(SpecialistModel.choices)

    def get_queryset(self, request):
        # Each row is named after its country (ModelAvailability.__str__) and shows who changed it: one query.
        return super().get_queryset(request).select_related("country", "changed_by")


def availability_column(model):
    @admin.display(description=model.label, boolean=True)
    def column(self, country):
        return model.value in country.open_models()

    return column


class OdaStatusFilter(admin.SimpleListFilter):
    title = _("ODA recipient today")
    parameter_name = "oda"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        recipients = Country.objects.oda_recipients().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=recipients)
        if self.value() == "no":
            return queryset.exclude(pk__in=recipients)
        return queryset


class OpenModelFilter(admin.SimpleListFilter):
    title = _("open for model")
    parameter_name = "open_model"

    def lookups(self, request, model_admin):
        return SpecialistModel.choices

    def queryset(self, request, queryset):
        if self.value() in SpecialistModel.values:
            return queryset.filter(availabilities__model=self.value(), availabilities__is_open=True)
        return queryset


@admin.register(Country)
class CountryAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    """The country × model availability grid: one row a country, one column a model."""

    list_display = [
        "__str__",
        "iso_code",
        "oda_recipient",
        "least_developed",
        "bmz_partner",
        "integrated",
        "development_worker",
        "local",
    ]
    list_editable = ["bmz_partner"]
    list_filter = [OdaStatusFilter, OpenModelFilter, "bmz_partner"]
    search_fields = ["code"]
    list_per_page = 200
    inlines = [AvailabilityInline, OdaListingInline]

    integrated = availability_column(SpecialistModel.INTEGRATED)
    development_worker = availability_column(SpecialistModel.DEVELOPMENT_WORKER)
    local = availability_column(SpecialistModel.LOCAL)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("availabilities", "oda_listings")

    def get_search_results(self, request, queryset, search_term):
        """Search by country name too: names live in django-countries, not in the table."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            codes = [code for code, name in countries.choices() if search_term.lower() in name.lower()]
            queryset = queryset | self.model.objects.filter(code__in=codes)
        return queryset, may_have_duplicates

    @admin.display(description=_("ISO code"), ordering="code")
    def iso_code(self, country):
        return country.code.code

    @admin.display(description=_("ODA recipient today"), boolean=True)
    def oda_recipient(self, country):
        return country.is_oda_recipient()

    @admin.display(description=_("LDC"), boolean=True)
    def least_developed(self, country):
        listing = country.oda_listing_on()
        return listing.least_developed if listing else None

    def save_formset(self, request, form, formset, change):
        for availability in formset.save(commit=False):
            if isinstance(availability, ModelAvailability):
                availability.changed_by = request.user
            availability.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


@admin.register(ModelAvailability)
class ModelAvailabilityAdmin(CheckedPrefillMixin, admin.ModelAdmin):
    list_display = ["country", "model", "is_open", "note", "changed_by", "changed_at"]
    list_editable = ["is_open", "note"]
    list_filter = ["model", "is_open"]
    search_fields = ["country__code", "note"]
    autocomplete_fields = ["country"]
    list_select_related = ["country", "changed_by"]
    readonly_fields = ["changed_by", "changed_at"]

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GrantRecord)
class GrantRecordAdmin(ReadOnlyAdmin):
    """Every change of someone's rights: memberships, staff and superuser status, groups, permissions."""

    list_display = ["at", "user_email", "kind", "municipality", "change", "by_email", "via", "reference"]
    list_filter = ["kind", "via", "at", ("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user_email", "by_email", "municipality__name", "municipality__ags"]
    date_hierarchy = "at"
    list_select_related = ["municipality"]

    @admin.display(description=_("change"))
    def change(self, grant):
        return f"{grant.readable(grant.before)} → {grant.readable(grant.after)}"
