"""Celery tasks of the placements app; each takes ids and is safe to run twice."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task
def anonymise_expired_candidates():
    """Nightly: set deadlines that have become due, then anonymise never-placed candidates past theirs."""
    from placements.candidates import anonymise, set_due_deadlines
    from placements.models import Candidate

    set_due_deadlines()
    done = 0
    for pk in Candidate.objects.past_retention().values_list("pk", flat=True):
        try:
            anonymise(Candidate(pk=pk), by=None)
        except ValueError:
            continue  # placed meanwhile: kept with the placement
        done += 1
    logger.info("%s candidate(s) anonymised after their retention deadline", done)
    return done


@shared_task
def render_report_pdf(report_id):
    """Print a submitted report (see placements/reports.py); a second run finds the PDF and stops."""
    from placements.reports import render_report

    render_report(report_id)


@shared_task
def remind_reports():
    """Daily: remind specialists of reports due in 14 days, and of overdue ones every 7 days."""
    from placements.reports import send_report_reminders

    return send_report_reminders()


@shared_task
def remind_event_participants():
    """Three days before a network event, remind everyone registered; each event is reminded once."""
    from placements.events import send_due_reminders

    return send_due_reminders()


@shared_task(ignore_result=True)
def render_missing_report_pdfs(older_than_seconds=300):
    """Every ten minutes: queue again the report PDFs whose rendering was never queued or never finished."""
    from placements.reports import queue_missing_report_pdfs

    return queue_missing_report_pdfs(older_than_seconds)


@shared_task(ignore_result=True)
def refresh_public_figures():
    """Every few minutes: the transparency list's figures, computed and kept in the cache.

    See placements.publication (the figures); safe to run twice (the second run overwrites the first).
    """
    from placements import publication

    publication.refresh_figures()
