"""Accessibility feedback: recorded from the public form, answered by programme staff in the admin.

An unanswered message waits in the staff work queue (FachkraefteConfig.staff_work); the answer is kept on the
row and, when the sender gave an address, e-mailed through the outbox in the sender's language.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fachkraefte import work
from fachkraefte.links import absolute
from fachkraefte.models import AccessibilityFeedback
from fachkraefte.outbox import queue_mail

ANSWER_TEMPLATE = "accessibility-feedback-answer"
WORK_KIND = "accessibility_feedback"
WORK_LABEL = _("Accessibility feedback")
# A person writes a handful of messages at most; more from one address in an hour is a machine.
PER_HOUR = 5


class AlreadyAnswered(ValueError):
    pass


def rate_key(ip_address):
    return f"accessibility-feedback:{ip_address or 'unknown'}"


def over_the_limit(ip_address):
    return cache.get(rate_key(ip_address), 0) >= PER_HOUR


def record(*, message, page_url, contact_email, language, ip_address):
    """Keep one message; counts it against the sender's hourly limit (the address itself is not stored)."""
    feedback = AccessibilityFeedback.objects.create(
        message=message, page_url=page_url, contact_email=contact_email, language=language
    )
    key = rate_key(ip_address)
    cache.add(key, 0, timeout=60 * 60)
    cache.incr(key)
    return feedback


def answer(feedback, text, *, by):
    """Record staff's answer and, if the sender left an address, queue it to them; once per message."""
    with transaction.atomic():
        feedback = AccessibilityFeedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.answered_at:
            raise AlreadyAnswered(f"Accessibility feedback {feedback.pk} is answered already.")
        feedback.answer, feedback.answered_at, feedback.answered_by = text, timezone.now(), by
        feedback.save(update_fields=["answer", "answered_at", "answered_by"])
        if feedback.contact_email:
            context = {
                "message": feedback.message,
                "answer": feedback.answer,
                "page_url": feedback.page_url,
                "received": feedback.created_at,
                "statement_link": absolute(reverse("public:accessibility")),
            }
            queue_mail(ANSWER_TEMPLATE, [feedback.contact_email], context, feedback.language)
    return feedback


# --- the work queue ---------------------------------------------------------------------------------------
def work_items(feedback_rows):
    for feedback in feedback_rows:
        excerpt = " ".join(feedback.message.split())
        yield work.WorkItem(
            pk=feedback.pk,
            kind=WORK_KIND,
            label=str(WORK_LABEL),
            title=excerpt if len(excerpt) <= 80 else f"{excerpt[:79]}…",
            since=feedback.created_at,
            url=reverse("admin:fachkraefte_accessibilityfeedback_change", args=[feedback.pk]),
        )


def staff_work():
    unanswered = AccessibilityFeedback.objects.unanswered
    return [work.WorkKind(WORK_KIND, WORK_LABEL, unanswered, work_items, F("created_at"), order=95)]
