"""The EOI printed to PDF: one Document per language and state of the content, rendered once."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from applications.models import PART_FIELDS, Document, Event, ExpressionOfInterest, Part, Participant
from applications.tasks import render_eoi_pdf
from fachkraefte.pdf import render_pdf
from fachkraefte.records import record
from fachkraefte.tasks import enqueue, enqueue_on_commit
from partnerships.models import Side

PRINCIPLES = ["principle_transparency", "principle_cooperation", "principle_inclusion"]


def check_language(language):
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Not a portal language: {language!r}")


def request_document(eoi, language, *, by):
    """A PDF of the content as it stands: the row at once (state preparing), the rendering after commit."""

    check_language(language)
    with transaction.atomic():
        [document] = queue_documents(eoi, [language])
        record(eoi, Event.Kind.PDF_REQUESTED, by=by, language=document.language)
    return document


def queue_documents(eoi, languages):
    """A row per language for the content as it stands (state preparing), rendered after commit.

    The rows are the record of what is still to print: render_missing_eoi_pdfs queues again any that the
    broker never got.
    """
    fingerprint = eoi.fingerprint()
    languages = list(languages)
    # One insert for all languages; a row that exists already (or that a concurrent request has just
    # inserted) is left alone by the unique constraint, then one select reads them all back.
    Document.objects.bulk_create(
        [Document(eoi=eoi, language=language, fingerprint=fingerprint) for language in dict.fromkeys(languages)],
        ignore_conflicts=True,
    )
    by_language = {
        document.language: document
        for document in Document.objects.filter(eoi=eoi, fingerprint=fingerprint, language__in=languages)
    }
    documents = []
    for language in languages:
        document = by_language[language]
        document.eoi = eoi
        if document.state != Document.State.READY:
            enqueue_on_commit(render_eoi_pdf, eoi.pk, language)
        documents.append(document)
    return documents


def queue_missing_documents(older_than_seconds):
    """Queue again each PDF still preparing after `older_than_seconds`; returns how many were queued."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    waiting = (
        Document.objects.filter(state=Document.State.PREPARING, requested_at__lte=cutoff)
        .values_list("eoi_id", "language")
        .distinct()
        .order_by()
    )
    return sum(enqueue(render_eoi_pdf, eoi_id, language) for eoi_id, language in waiting)


def render_document(eoi_id, language):
    """Print the EOI as it stands now; safe to run twice, or twice at once: one row, one file."""
    check_language(language)
    eoi = ExpressionOfInterest.objects.with_participants().get(pk=eoi_id)
    fingerprint = eoi.fingerprint()
    with transaction.atomic():
        # The row lock makes a second run wait here, then find the document ready.
        document, _created = Document.objects.select_for_update().get_or_create(
            eoi=eoi, language=language, fingerprint=fingerprint
        )
        if document.state == Document.State.READY:
            return document
        pdf = render_pdf("pdf/eoi.html", pdf_context(eoi, fingerprint), language=language)
        save_file(document, f"eoi-{eoi.pk}-{language}-{fingerprint[:12]}.pdf", pdf)
        document.state = Document.State.READY
        document.ready_at = timezone.now()
        document.save(update_fields=["file", "state", "ready_at"])
        # Requests for content that has changed since will never be printed: this one replaces them.
        eoi.documents.filter(language=language, state=Document.State.PREPARING).exclude(
            fingerprint=fingerprint
        ).delete()
    return document


def save_file(document, name, content):
    """Save under exactly `name`: a leftover of an interrupted run is replaced, not kept beside it."""
    storage = document.file.storage
    path = document.file.field.generate_filename(document, name)
    if storage.exists(path):
        storage.delete(path)
    document.file.save(name, ContentFile(content), save=False)


def field_labels():
    labels = {field.name: field.verbose_name for field in ExpressionOfInterest._meta.fields}
    labels["participants"] = Participant._meta.verbose_name_plural
    return labels


def pdf_context(eoi, fingerprint):
    def fields(names):
        return [(ExpressionOfInterest._meta.get_field(name), name) for name in names]

    parts = [
        {
            "part": part,
            "principles": fields([n for n in PART_FIELDS[part] if n in PRINCIPLES]),
            "fields": fields([n for n in PART_FIELDS[part] if n not in PRINCIPLES]),
        }
        for part in Part
    ]
    return {
        "eoi": eoi,
        "labels": field_labels(),
        "fingerprint": fingerprint,
        "sides": [(side.label, eoi.municipalities_of_side(side)) for side in Side],
        "parts": parts,
        "confirmations": eoi.confirmations.standing().select_related("municipality", "confirmed_by"),
        "attachments": eoi.attachments.all(),
        "printed_at": timezone.now(),
    }
