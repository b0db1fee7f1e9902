"""The public pages: no login, the same for everybody; the accessibility statement also takes feedback."""

import datetime
import logging
from email.utils import parseaddr

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fachkraefte.audit import client_ip
from fachkraefte.public import availability, feedback
from fachkraefte.public.forms import AccessibilityFeedbackForm
from partnerships import login_sessions
from placements import candidates

logger = logging.getLogger(__name__)

# The accessibility statement's facts (BITV 2.0 § 7): the date it was drawn up and last reviewed.
STATEMENT_PREPARED = datetime.date(2026, 12, 1)


@require_safe
def programme(request):
    regions = availability.open_now()
    context = {
        "regions": regions,
        "columns": availability.model_columns(),
        "chart": availability.chart(regions),
        "country_count": sum(len(region.countries) for region in regions),
    }
    return render(request, "public/programme.html", context)


@require_safe
def imprint(request):
    return render(request, "public/imprint.html")


@require_safe
def privacy(request):
    """The retention periods are read from where they are enforced, so the notice says what the portal does."""
    context = {
        "security_log_days": settings.SECURITY_LOG_RETENTION_DAYS,
        "sent_mail_days": settings.SENT_MAIL_RETENTION_DAYS,
        "candidate_months": candidates.RETENTION_MONTHS,
        "pool_months": candidates.POOL_RETENTION_MONTHS,
        "idle_minutes": login_sessions.IDLE_LIMIT // 60,
        "total_hours": login_sessions.TOTAL_LIMIT // 3600,
        "session_days": settings.SESSION_COOKIE_AGE // (24 * 3600),
        "invitation_days": settings.INVITATION_DAYS,
        "feedback_per_hour": feedback.PER_HOUR,
    }
    return render(request, "public/privacy.html", context)


@require_safe
def contact(request):
    return render(request, "public/contact.html", {"programme_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1]})


@require_safe
def easy_language(request):
    return render(request, "public/easy_language.html")


def accessibility(request):
    """The accessibility statement and its feedback form; the form answers on the same page."""
    form = AccessibilityFeedbackForm(request.POST or None, initial={"page_url": request.GET.get("page", "")[:500]})
    if request.method == "POST" and form.is_valid():
        ip_address = client_ip(request)
        if form.is_machine():
            logger.info("Accessibility feedback with the trap field filled in was dropped")
        elif feedback.over_the_limit(ip_address):
            form.add_error(None, _("You have sent several messages within the hour. Please try again later."))
            return render(request, "public/accessibility.html", statement_context(form))
        else:
            language = translation.get_language()
            feedback.record(**form.cleaned_data_for_record(), language=language, ip_address=ip_address)
        messages.success(request, _("Thank you. Your message has reached the programme staff."))
        return redirect("public:accessibility")
    return render(request, "public/accessibility.html", statement_context(form))


def statement_context(form):
    return {"form": form, "prepared": STATEMENT_PREPARED}
