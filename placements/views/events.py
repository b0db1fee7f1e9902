"""Network events for specialists: the list, registering and cancelling, the .ics file; and own events.

Programme events are open to specialists (to register) and programme staff (to read). A placement's
own events belong to its specialist; staff may read them; anyone else gets 404 (placements.permissions).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from placements import events
from placements.models import NetworkEvent, OwnNetworkEvent, Placement
from placements.permissions import (
    check_event_pages,
    get_network_event_for_user,
    get_placement_for_user,
    is_own_specialist,
    is_specialist,
)


class OwnNetworkEventForm(forms.ModelForm):
    role = forms.ChoiceField(
        label=gettext_lazy("Your part"),
        choices=[("organised", gettext_lazy("I organised it")), ("attended", gettext_lazy("I attended it"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = OwnNetworkEvent
        fields = [
            "title",
            "date",
            "place",
            "partners",
            "participants_women",
            "participants_men",
            "participants_diverse",
            "participants_not_stated",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "partners": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"partners": gettext_lazy("Organisations and municipalities that took part.")}

    field_order = ["title", "date", "role", "place", "partners"]

    def save(self, commit=True):
        self.instance.organised = self.cleaned_data["role"] == "organised"
        return super().save(commit)


@login_required
def event_list(request):
    check_event_pages(request.user)
    rows = [
        {
            "event": event,
            "free": max(event.capacity - event.registered_count, 0),
            "mine": event.mine[0] if event.mine else None,
        }
        for event in events.upcoming_for(request.user)
    ]
    placements = Placement.objects.of_specialist(request.user).select_related("eoi__partnership", "candidate")
    return render(request, "placements/events_list.html", {"rows": rows, "placements": placements})


@login_required
def event_detail(request, pk):
    event = get_network_event_for_user(request.user, pk, events=events.with_counts(NetworkEvent.objects.all()))
    mine = events.live_registration(event, request.user)
    context = {
        "event": event,
        "free": max(event.capacity - event.registered_count, 0),
        "mine": mine,
        "position": events.waitlist_position(mine),
        "may_register": is_specialist(request.user),
    }
    return render(request, "placements/events_detail.html", context)


@login_required
@require_POST
def event_register(request, pk):
    event = get_network_event_for_user(request.user, pk, write=True)
    try:
        registration = events.register(event, request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        if registration.state == registration.State.REGISTERED:
            messages.success(request, _("You are registered for this event."))
        else:
            messages.info(request, _("The event is full: you are on the waiting list and will be told by e-mail."))
    return redirect("placements:event_detail", pk)


@login_required
@require_POST
def event_cancel(request, pk):
    event = get_network_event_for_user(request.user, pk)
    registration = events.live_registration(event, request.user)
    if registration is None:  # no refusal: there is no registration of one's own to cancel
        raise Http404
    events.cancel(registration, by=request.user)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect("placements:event_detail", pk)


@login_required
def event_ics(request, pk):
    event = get_network_event_for_user(request.user, pk)
    response = HttpResponse(events.calendar_bytes(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-event-{event.pk}.ics"'
    return response


@login_required
def own_event_list(request, placement_pk):
    placement = get_placement_for_user(request.user, placement_pk, own_events=True)
    context = {
        "placement": placement,
        "own_events": placement.own_events.all(),
        "may_add": is_own_specialist(request.user, placement),
    }
    return render(request, "placements/events_own_list.html", context)


@login_required
def own_event_create(request, placement_pk):
    placement = get_placement_for_user(request.user, placement_pk, write=True, own_events=True)
    form = OwnNetworkEventForm(request.POST or None, instance=OwnNetworkEvent(placement=placement))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The event has been added."))
        return redirect("placements:own_event_list", placement.pk)
    return render(request, "placements/events_own_form.html", {"form": form, "placement": placement})
