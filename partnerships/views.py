from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from fachkraefte.workflow import StepRefused, refusal_message
from partnerships import account_views, permissions, services
from partnerships.forms import (
    JoinRequestForm,
    MunicipalitySearchForm,
    PartnershipRegistrationForm,
    ProfileForm,
    ResendVerificationForm,
    SignUpForm,
)
from partnerships.models import JoinRequest, Partnership
from partnerships.signup import sign_up_or_warn_owner

SEARCH_LIMIT = 20


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("partnerships:profile")
    memberships = request.user.memberships.select_related("municipality")
    context = {"form": form, "memberships": memberships, **account_views.security_context(request)}
    return render(request, "partnerships/profile.html", context)


@require_POST
def set_language(request):
    """Switch the language; a logged-in user keeps the choice in their profile."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


# Sign-up and e-mail verification


def signup(request):
    if request.user.is_authenticated:
        return redirect("partnerships:my_municipalities")
    form = SignUpForm(request.POST or None, initial={"preferred_language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The same answer whether the address has an account or not; its owner hears of it by e-mail.
        sign_up_or_warn_owner(
            email=data["email"],
            name=data["name"],
            preferred_language=data["preferred_language"],
            password=data["password1"],
        )
        return redirect("partnerships:verification_sent")
    return render(request, "partnerships/signup.html", {"form": form})


def verification_sent(request):
    return render(request, "partnerships/verification_sent.html")


def verify_email(request, token):
    try:
        user = services.verify_email(token)
    except services.VerificationFailed as failure:
        # 200 like Django's own password reset link: the page explains and offers a new link.
        context = {"reason": failure.reason, "form": ResendVerificationForm()}
        return render(request, "partnerships/verification_failed.html", context)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Thank you: your e-mail address is confirmed. Now find your municipality."))
    return redirect("partnerships:join")


def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resend_verification(form.cleaned_data["email"])
        return redirect("partnerships:verification_sent")
    return render(request, "partnerships/resend_verification.html", {"form": form})


# Join requests


@login_required
def join(request):
    """Find a German municipality by name or AGS, to ask to join it."""
    form = MunicipalitySearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = []
    if query:
        matches = services.joinable_municipalities().filter(Q(name__icontains=query) | Q(ags__startswith=query))
        results = list(matches.order_by("name", "pk")[: SEARCH_LIMIT + 1])
    context = {
        "form": form,
        "query": query,
        "results": results[:SEARCH_LIMIT],
        "more": len(results) > SEARCH_LIMIT,
        "member_of": set(request.user.memberships.values_list("municipality_id", flat=True)),
        "asked": set(request.user.join_requests.pending().values_list("municipality_id", flat=True)),
    }
    return render(request, "partnerships/join.html", context)


@login_required
def join_municipality(request, pk):
    municipality = get_object_or_404(services.joinable_municipalities(), pk=pk)
    reason = services.why_cannot_join(request.user, municipality)
    if reason:
        messages.info(request, reason)
        return redirect("partnerships:my_municipalities")
    form = JoinRequestForm(request.POST or None)
    # Who decides: the municipality's contact persons, or programme staff while it has none (issue 13.3).
    staff_decide = not services.has_contact_person(municipality)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(municipality, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, join_request_sent_message(municipality, staff_decide))
            return redirect("partnerships:my_municipalities")
    context = {"form": form, "municipality": municipality, "staff_decide": staff_decide}
    return render(request, "partnerships/join_municipality.html", context)


def join_request_sent_message(municipality, staff_decide):
    if staff_decide:
        return _(
            "Your request has been sent to programme staff: %(municipality)s has no contact person in the portal "
            "yet, so programme staff decide."
        ) % {"municipality": municipality}
    return _("Your request has been sent to the contacts of %(municipality)s.") % {"municipality": municipality}


@login_required
def join_requests(request):
    """The pending requests to join the municipalities whose contact the user is."""
    pending = JoinRequest.objects.pending().to_decide_by(request.user).select_related("user", "municipality")
    return render(request, "partnerships/join_requests.html", {"join_requests": pending})


@login_required
@require_POST
def approve_join_request(request, pk):
    join_request = permissions.get_join_request_for_user(request.user, pk, step="approve")
    try:
        services.approve_join_request(join_request, by=request.user)
    except StepRefused as refused:
        refusal_message(refused)  # 403 for whoever may never decide it
        messages.info(request, _("This request has been decided already."))
    else:
        messages.success(
            request,
            _("%(person)s is now a member of %(municipality)s.")
            % {"person": join_request.user.name or join_request.user.email, "municipality": join_request.municipality},
        )
    return redirect("partnerships:join_requests")


@login_required
@require_POST
def decline_join_request(request, pk):
    join_request = permissions.get_join_request_for_user(request.user, pk, step="decline")
    try:
        services.decline_join_request(join_request, by=request.user)
    except StepRefused as refused:
        refusal_message(refused)  # 403 for whoever may never decide it
        messages.info(request, _("This request has been decided already."))
    else:
        messages.success(
            request,
            _("The request has been declined; %(person)s has been told.")
            % {"person": join_request.user.name or join_request.user.email},
        )
    return redirect("partnerships:join_requests")


# Partnerships registered by their members and the user's overview


@login_required
def register_partnership(request):
    chosen = request.POST.get("german_municipality") or request.GET.get("municipality")
    if chosen and chosen.isdigit():
        permissions.get_editable_municipality(request.user, chosen)  # 404 for outsiders, 403 for viewers
    permissions.check_may_register_partnerships(request.user)
    municipalities = permissions.editable_municipalities(request.user)
    form = PartnershipRegistrationForm(
        request.POST or None, municipalities=municipalities, initial={"german_municipality": chosen}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_partnership(
                data["german_municipality"],
                by=request.user,
                partner_name=data["partner_name"],
                country=data["country"],
                kind=data["kind"],
                since=data["since"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you. The partnership is registered and awaits confirmation by programme staff.")
            )
            return redirect("partnerships:my_municipalities")
    return render(request, "partnerships/register_partnership.html", {"form": form})


@login_required
def my_municipalities(request):
    user = request.user
    memberships = list(user.memberships.select_related("municipality").order_by("municipality__name"))
    municipality_ids = [membership.municipality_id for membership in memberships]
    of_mine = Partnership.objects.filter(participants__municipality__in=municipality_ids)
    waiting = Partnership.objects.filter(Q(pk__in=of_mine.values("pk")) | Q(registered_by=user)).filter(confirmed=False)
    context = {
        "memberships": memberships,
        "can_register": permissions.editable_municipalities(user).exists(),
        "partnerships": of_mine.confirmed().distinct().with_municipalities().order_by("name", "pk"),
        "awaiting_confirmation": waiting.with_municipalities().order_by("name", "pk"),
        "my_join_requests": user.join_requests.pending().select_related("municipality"),
        "join_requests_to_decide": JoinRequest.objects.pending()
        .to_decide_by(user)
        .select_related("user", "municipality"),
    }
    return render(request, "partnerships/my_municipalities.html", context)
