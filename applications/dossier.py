"""One EOI's dossier as a ZIP: the German PDF, the attachments, the agreed terms, the history, the content.

Messages are left out on purpose: staff's internal notes must never leave the portal this way.
"""

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from applications.documents import render_document
from applications.models import Event, ExpressionOfInterest
from fachkraefte.records import record
from fachkraefte.spreadsheets import csv_writer

DOSSIER_DIR = "dossiers"
DOSSIER_LANGUAGE = "de"
SPOOL_IN_MEMORY_UP_TO = 16 * 1024 * 1024


def build(eoi_id, user_id=None):
    """Build the dossier unless one of the same content exists; returns its storage name.

    The name carries a fingerprint of everything that goes in, so a second run (or a second click)
    finds the dossier and stops; a change to the EOI makes a new one beside the old.
    """
    with transaction.atomic():
        # Two runs at once queue on the row lock; the second then finds the first one's dossier.
        ExpressionOfInterest.objects.select_for_update().filter(pk=eoi_id).values_list("pk").get()
        eoi = ExpressionOfInterest.objects.with_participants().get(pk=eoi_id)
        parts = DossierParts.of(eoi)
        name = f"{DOSSIER_DIR}/eoi-{eoi.pk}-{parts.fingerprint()[:16]}.zip"
        if default_storage.exists(name) and eoi.events.filter(kind=Event.Kind.EXPORTED, note=name).exists():
            return name
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_UP_TO) as spool:
            write_zip(spool, eoi, parts)
            spool.seek(0)
            if default_storage.exists(name):  # a leftover of an interrupted run
                default_storage.delete(name)
            saved = default_storage.save(name, File(spool))
        record_export(eoi, saved, user_id)
    return saved


def record_export(eoi, name, user_id):

    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    record(eoi, Event.Kind.EXPORTED, by=actor, note=name)


class DossierParts:
    """What goes into the ZIP besides the PDF, loaded once."""

    def __init__(self, eoi, events, attachments, terms):
        self.eoi, self.events, self.attachments, self.terms = eoi, events, attachments, terms

    @classmethod
    def of(cls, eoi):
        events = eoi.events.exclude(kind=Event.Kind.EXPORTED).select_related("actor").order_by("created_at", "pk")
        return cls(eoi, list(events), list(eoi.attachments.all()), eoi.agreed_terms())

    def fingerprint(self):
        inputs = {
            "content": self.eoi.fingerprint(),
            "status": self.eoi.status,
            "events": [event.pk for event in self.events],
            "attachments": [(a.pk, a.original_name, a.size) for a in self.attachments],
            "terms": self.terms.pk if self.terms else None,
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def write_zip(target, eoi, parts):
    document = render_document(eoi.pk, DOSSIER_LANGUAGE)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive, translation.override(DOSSIER_LANGUAGE):
        with document.file.open("rb") as pdf:
            archive.writestr(f"eoi-{eoi.pk}-{DOSSIER_LANGUAGE}.pdf", pdf.read())
        names = unique_names([attachment.original_name for attachment in parts.attachments])
        for name, attachment in zip(names, parts.attachments, strict=True):
            with attachment.file.open("rb") as upload:
                archive.writestr(f"attachments/{name}", upload.read())
        if parts.terms is not None:
            archive.writestr("terms-of-reference.json", as_json(terms_data(parts.terms)))
        archive.writestr("history.csv", history_csv(parts.events))
        archive.writestr("eoi.json", as_json(eoi_data(eoi)))


def unique_names(names):
    """The base names of the files, each once: a second "a.pdf" becomes "a (2).pdf"."""
    seen, result = set(), []
    for original in names:
        base = PurePosixPath(original.replace("\\", "/")).name.strip()
        if base in {"", ".", ".."}:
            base = "attachment"
        path = PurePosixPath(base)
        candidate, number = base, 2
        while candidate.lower() in seen:
            candidate = f"{path.stem} ({number}){path.suffix}"
            number += 1
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def history_csv(events):
    columns = ["created_at", "kind", "from_status", "to_status", "actor", "params", "note"]
    out = io.StringIO()
    writer = csv_writer(out)  # names and notes are user text: never a formula
    writer.writerow([str(Event._meta.get_field(name).verbose_name) for name in columns])
    for event in events:
        # A message event's note could quote an internal note; the dossier keeps only that it happened.
        note = "" if event.kind == Event.Kind.MESSAGE else event.note
        actor = (event.actor.name or event.actor.email) if event.actor else ""
        writer.writerow(
            [
                when(event.created_at),
                event.get_kind_display(),
                event.get_from_status_display(),
                event.get_to_status_display(),
                actor,
                event.detail(),
                note,
            ]
        )
    return "\ufeff" + out.getvalue()  # the byte order mark makes Excel read it as UTF-8


def eoi_data(eoi):
    return {
        "id": eoi.pk,
        "partnership": eoi.partnership.name,
        "status": eoi.status,
        "status_label": str(eoi.get_status_display()),
        "specialist_model": eoi.specialist_model,
        "created_at": when(eoi.created_at),
        "submitted_at": when(eoi.submitted_at),
        "status_changed_at": when(eoi.status_changed_at),
        "participants": [
            {"municipality": p.municipality.name, "country": p.municipality.country.code, "side": p.side}
            for p in eoi.participants.all()
        ],
        "content": eoi.content(),
        "fingerprint": eoi.fingerprint(),
    }


def terms_data(terms):
    return {
        "version": terms.number,
        "expertise": terms.expertise,
        "tasks_and_goals": terms.tasks_and_goals,
        "places_of_assignment": terms.places_of_assignment,
        "specialist_model": terms.specialist_model,
        "duration_months": terms.duration_months,
        "start": terms.start.isoformat() if terms.start else "",
        "languages": terms.languages,
        "agreed": [
            {"municipality": a.municipality.name if a.municipality else "", "agreed_at": when(a.agreed_at)}
            for a in terms.agreements.select_related("municipality")
        ],
    }


def as_json(data):
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
