from celery import shared_task


@shared_task
def render_eoi_pdf(eoi_id, language):
    """Render the EOI as it stands to PDF in `language` (see applications/documents.py)."""
    from applications.documents import render_document

    render_document(eoi_id, language)
