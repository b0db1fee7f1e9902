"""News that needs no decision, told as each person chose in their profile (`email_updates`).

"immediately": an e-mail in the outbox; "daily": a line kept for the daily digest; "none": nothing. Call
`tell` and `tell_staff` inside the transaction of the change: what they write commits, or rolls back, with it.
The context is kept as data for the digest, so it holds plain values only (text, numbers, a link).
"""

import datetime
import html

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from fachkraefte.links import absolute
from fachkraefte.models import QueuedNews
from fachkraefte.outbox import queue_mail
from fachkraefte.staff import programme_staff

DIGEST_TEMPLATE = "daily-digest"


def tell(user, template, context):
    """Tell `user` the news of emails/<template>.*, in their language, as they chose.

    Lazy labels and objects in `context` become text in the recipient's language.
    """
    preference = getattr(user, "email_updates", "immediately")
    if preference == "none" or not user.is_active:
        return None
    with translation.override(user.preferred_language):
        context = {"name": user.name, **{key: as_data(value) for key, value in context.items()}}
    if preference == "daily":
        return QueuedNews.objects.create(user=user, template=template, context=context)
    return queue_mail(template, [user.email], context, user.preferred_language)


def as_data(value):
    """A value as the e-mail (and the digest, later) reads it, in the language active now."""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value if isinstance(value, str | bool | int | float | None) else str(value)


def tell_staff(template, context, *, except_user_id=None):
    """Tell every programme staff member (but the one who caused the news) of new work in their queue."""
    for user in programme_staff().exclude(pk=except_user_id):
        tell(user, template, context)


# --- the daily digest (Celery beat: fachkraefte.tasks.send_news_digests) -------------------------------
def send_digests():
    """One e-mail per user with everything kept for them; returns how many e-mails were written."""
    user_ids = QueuedNews.objects.values_list("user_id", flat=True).distinct().order_by()
    return sum(send_digest(user_id) for user_id in list(user_ids))


def send_digest(user_id):
    """Safe to run twice, or twice at once: the rows are locked, written into one e-mail and deleted."""
    user = get_user_model().objects.get(pk=user_id)
    with transaction.atomic():
        news = list(QueuedNews.objects.select_for_update().filter(user=user).order_by("created_at", "pk"))
        if not news:
            return 0
        QueuedNews.objects.filter(pk__in=[item.pk for item in news]).delete()
        if not user.is_active or user.email_updates == "none":
            return 0  # they no longer want news: what was kept is dropped, not sent later
        language = user.preferred_language
        context = {
            "name": user.name,
            "count": len(news),
            "lines": [digest_line(item, language) for item in news],
            "profile_link": absolute(reverse("partnerships:profile")),
        }
        queue_mail(DIGEST_TEMPLATE, [user.email], context, language)
    return 1


def digest_line(item, language):
    """One piece of news as the digest lists it: the subject its e-mail would have had, its excerpt (a message's
    first lines) and its link."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{item.template}.subject", item.context).split())
    return {
        "text": html.unescape(subject),
        "excerpt": item.context.get("excerpt", ""),
        "link": item.context.get("link", ""),
    }
