"""Networking and exchange events: registration with a waiting list, cancellation, reminders, .ics.

Every change to an event's registrations first locks the event row, so counting the registered
places and promoting from the waiting list happen one at a time, however many people register or
cancel at once.
"""

import datetime
import zoneinfo
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from fachkraefte.links import absolute
from fachkraefte.outbox import queue_mail
from placements.models import NetworkEvent, Registration
from placements.permissions import check_may_cancel, check_may_register

REMINDER_DAYS = 3
State = Registration.State
LIVE = (State.REGISTERED, State.WAITLISTED)


def zone_of(event):
    """The event's time zone; the portal's own when the stored name is unknown."""
    try:
        return zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def is_valid_time_zone(name):
    return name in zoneinfo.available_timezones()


def with_counts(queryset):
    """Events annotated with `registered_count` and `waitlisted_count`, in the one query."""
    return queryset.annotate(
        registered_count=Count("registrations", filter=Q(registrations__state=State.REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__state=State.WAITLISTED)),
    )


def upcoming_for(user, now=None):
    """Events not yet over, with their counts and the user's own live registration as `mine` (a list)."""
    now = now or timezone.now()
    own = Registration.objects.filter(specialist=user, state__in=LIVE)
    return with_counts(NetworkEvent.objects.filter(ends_at__gte=now)).prefetch_related(
        Prefetch("registrations", queryset=own, to_attr="mine")
    )


def live_registration(event, user):
    return Registration.objects.filter(event=event, specialist=user, state__in=LIVE).first()


def waitlist_position(registration):
    """1 for the first person on the waiting list; None when not waitlisted."""
    if registration is None or registration.state != State.WAITLISTED:
        return None
    ahead = Registration.objects.filter(event_id=registration.event_id, state=State.WAITLISTED).filter(
        Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _lock(event_id):
    return NetworkEvent.objects.select_for_update().get(pk=event_id)


def register(event, user):
    """Register a specialist: a place while there is one, else the waiting list. Refusals raise."""
    check_may_register(user, event)
    with transaction.atomic():
        event = _lock(event.pk)
        if timezone.now() > event.registration_deadline:
            raise ValidationError(_("The registration deadline for this event has passed."))
        if event.registrations.filter(specialist=user, state__in=LIVE).exists():
            raise ValidationError(_("You are already registered for this event."))
        registered = event.registrations.filter(state=State.REGISTERED).count()
        state = State.REGISTERED if registered < event.capacity else State.WAITLISTED
        try:
            with transaction.atomic():
                return Registration.objects.create(event=event, specialist=user, state=state)
        except IntegrityError as duplicate:  # the unique constraint backs the check above
            raise ValidationError(_("You are already registered for this event.")) from duplicate


def cancel(registration, *, by):
    """Cancel a registration; a freed place goes to the first person on the waiting list."""
    check_may_cancel(by, registration)
    with transaction.atomic():
        event = _lock(registration.event_id)
        registration = Registration.objects.get(pk=registration.pk)  # as it is now, under the lock
        if registration.state == State.CANCELLED:
            return registration
        registration.state = State.CANCELLED
        registration.save(update_fields=["state"])
        fill_free_places(event)
    return registration


def fill_free_places(event):
    """Promote waitlisted people, first come first served, while places are free. Call under the lock."""
    registered = event.registrations.filter(state=State.REGISTERED).count()
    waiting = event.registrations.filter(state=State.WAITLISTED).order_by("created_at", "pk")
    promoted = []
    for registration in waiting[: max(event.capacity - registered, 0)]:
        registration.state = State.REGISTERED
        registration.save(update_fields=["state"])
        tell_promoted(registration.pk)
        promoted.append(registration)
    return promoted


def mail_context(event, user):
    """What the event e-mails say, with the times in the event's zone, in the user's language."""
    start = timezone.localtime(event.starts_at, zone_of(event))
    with translation.override(user.preferred_language):
        when = formats.date_format(start, "DATETIME_FORMAT")
    return {
        "name": user.name,
        "title": event.title,
        "when": when,
        "time_zone": event.time_zone,
        "place": event.place,
        "online_link": event.online_link,
        "link": absolute(reverse("placements:event_detail", args=[event.pk])),
        "ics_link": absolute(reverse("placements:event_ics", args=[event.pk])),
    }


def tell_promoted(registration_id):
    registration = Registration.objects.select_related("event", "specialist").get(pk=registration_id)
    user = registration.specialist
    if registration.state != State.REGISTERED or not user.is_active:
        return
    context = mail_context(registration.event, user)
    queue_mail("event-promoted", [user.email], context, user.preferred_language)


def events_due_for_reminder(now=None):
    now = now or timezone.now()
    return NetworkEvent.objects.filter(
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(days=REMINDER_DAYS),
    )


def send_due_reminders(now=None):
    """Remind the registered participants of each event starting within three days; once per event."""
    reminded = 0
    for event_id in events_due_for_reminder(now).values_list("pk", flat=True):
        reminded += remind(event_id)
    return reminded


def remind(event_id):
    with transaction.atomic():
        # skip_locked: a second run at the same moment leaves this event to the first one.
        event = NetworkEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id).first()
        if event is None or event.reminder_sent_at is not None:
            return 0
        event.reminder_sent_at = timezone.now()
        event.save(update_fields=["reminder_sent_at"])
        participants = event.registrations.filter(state=State.REGISTERED, specialist__is_active=True)
        users = [registration.specialist for registration in participants.select_related("specialist")]
        for user in users:
            context = mail_context(event, user)
            queue_mail("event-reminder", [user.email], context, user.preferred_language)
    return len(users)


def calendar_bytes(event):
    """The event as an iCalendar file; the UID stays the same for the event, so updates replace it."""
    zone = zone_of(event)
    link = absolute(reverse("placements:event_detail", args=[event.pk]))
    entry = icalendar.Event()
    entry.add("uid", f"network-event-{event.pk}@{urlsplit(settings.PORTAL_URL).hostname or 'portal'}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", timezone.localtime(event.starts_at, zone))
    entry.add("dtend", timezone.localtime(event.ends_at, zone))
    entry.add("summary", event.title)
    description = "\n\n".join(part for part in (event.description, event.online_link, link) if part)
    entry.add("description", description)
    entry.add("location", event.place or event.online_link)
    entry.add("url", event.online_link or link)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Fachkraeftefonds//Portal//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
