from celery import shared_task


@shared_task
def render_eoi_pdf(eoi_id, language):
    """Render the EOI as it stands to PDF in `language` (see applications/documents.py)."""
    from applications.documents import render_document

    render_document(eoi_id, language)


@shared_task
def build_dossier(eoi_id, user_id=None):
    """Build the EOI's dossier ZIP (see applications/dossier.py); a second run finds it and stops."""
    from applications.dossier import build

    build(eoi_id, user_id)


@shared_task(ignore_result=True)
def render_missing_eoi_pdfs(older_than_seconds=300):
    """Every ten minutes: queue again the EOI PDFs whose rendering was never queued or never finished."""
    from applications.documents import queue_missing_documents

    return queue_missing_documents(older_than_seconds)


@shared_task(ignore_result=True)
def refresh_dashboard_figures():
    """Every few minutes: the staff dashboard's figures, computed and kept in the cache.

    See applications.dashboard_figures; safe to run twice (the second run overwrites the first).
    """
    from applications import dashboard_figures

    dashboard_figures.refresh()
