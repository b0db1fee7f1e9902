"""Candidate profiles: saving with a retention deadline, pool consent, anonymisation, data export.

Retention (data protection): a candidate's data are kept six months after the recruitment they
applied for ended: the date their EOI left recruitment and candidate selection for good. While
that EOI is still recruiting the deadline is open (None, "not yet due"); the nightly task sets it
once the EOI has moved on. A candidate who applied for no EOI is kept six months from being
recorded. With consent to stay in the candidate pool: 24 months from that consent, renewable.
Placed candidates are never anonymised here: they have a placement contract.
"""

import io
import json
import logging
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from applications.models import Event, Status
from fachkraefte.history import forget_history
from placements.models import Candidate, Placement, ShortlistDecision, add_months

logger = logging.getLogger(__name__)

RECRUITING_STATES = (Status.RECRUITMENT, Status.CANDIDATE_SELECTION)
RETENTION_MONTHS = 6
POOL_RETENTION_MONTHS = 24


def recruitment_ended_on(eoi):
    """The day `eoi` last left recruitment/candidate selection, or None while it is still recruiting."""
    if eoi.status in RECRUITING_STATES:
        return None
    left = (
        Event.objects.filter(eoi=eoi, from_status__in=RECRUITING_STATES)
        .exclude(to_status__in=RECRUITING_STATES)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    # Never recruited (withdrawn before, say): the last status change is when it stopped.
    return timezone.localdate(left or eoi.status_changed_at)


def retention_deadline(candidate, today=None):
    """The day after which the candidate's data go, or None while the recruitment is still running."""
    if candidate.pool_consent and candidate.consent_given_at:
        return add_months(timezone.localdate(candidate.consent_given_at), POOL_RETENTION_MONTHS)
    if candidate.applied_for_id:
        ended = recruitment_ended_on(candidate.applied_for)
        return add_months(ended, RETENTION_MONTHS) if ended else None
    recorded = timezone.localdate(candidate.created_at) if candidate.created_at else today or timezone.localdate()
    return add_months(recorded, RETENTION_MONTHS)


def record_consent(candidate, when=None):
    """The candidate agreed (again) to the consent text in its current version."""
    candidate.consent_given_at = when or timezone.now()
    candidate.consent_text_version = settings.CANDIDATE_CONSENT_VERSION


def save_candidate(candidate, *, by, cv=None):
    """Create or update a profile, with a new CV if given; the retention deadline always follows the rule.

    `cv` is a `fachkraefte.uploads.CheckedUpload`: its type was told from its content.
    """
    if candidate.anonymised_at:
        raise ValueError("An anonymised candidate cannot be edited.")
    if candidate.pk is None and candidate.created_by_id is None:
        candidate.created_by = by
    candidate.retention_until = retention_deadline(candidate)
    candidate._history_user = by  # the history's author also when no request is being answered
    old_cv = candidate.cv.name if cv else ""
    try:
        with transaction.atomic():
            if cv:
                # A random stored name with the detected type's suffix; the user's name only in cv_name.
                candidate.cv.save(f"upload{cv.file_type.suffix}", cv.file, save=False)
                candidate.cv_name = cv.original_name
            candidate.save()
            if old_cv:
                storage = candidate.cv.storage
                transaction.on_commit(lambda: storage.delete(old_cv))
    except Exception:
        if cv and candidate.cv.name and candidate.cv.name != old_cv:
            candidate.cv.storage.delete(candidate.cv.name)  # no file without its row
        raise
    return candidate


def renew_pool_consent(candidate, *, by):
    """The candidate renewed their consent to stay in the pool: 24 more months from today."""
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        candidate.pool_consent = True
        record_consent(candidate)
        save_candidate(candidate, by=by)
    logger.info("Pool consent of candidate %s renewed by user %s", candidate.pk, getattr(by, "pk", None))
    return candidate


def set_due_deadlines():
    """Give a deadline to candidates whose recruitment has ended since they were saved; returns how many."""
    open_deadline = (
        Candidate.objects.not_anonymised()
        .filter(retention_until__isnull=True, placements__isnull=True)
        .exclude(applied_for__status__in=RECRUITING_STATES)
        .select_related("applied_for")
    )
    changed = 0
    for pk in open_deadline.values_list("pk", flat=True):
        # Saved, not update()d, so the history keeps the change; under the row lock, so a deadline
        # set meanwhile (the profile saved, an anonymisation) is left as it is.
        with transaction.atomic():
            candidate = (
                Candidate.objects.select_for_update()
                .filter(pk=pk, retention_until__isnull=True, anonymised_at__isnull=True)
                .first()
            )
            deadline = retention_deadline(candidate) if candidate else None
            if deadline:
                candidate.retention_until = deadline
                candidate.save(update_fields=["retention_until"])
                changed += 1
    return changed


# Everything that identifies the person goes; years of experience and expertise stay for statistics.
CLEARED_FIELDS = {
    "name": "",
    "email": "",
    "phone": "",
    "nationalities": [],
    "date_of_birth": None,
    "languages": [],
    "qualification": "",
    "vocational_training": False,
    "available_from": None,
    "cv_name": "",
    "consent_text_version": "",
    "consent_given_at": None,
    "pool_consent": False,
    "retention_until": None,
}


def anonymise(candidate, *, by):
    """Remove the candidate's personal data and CV; refused (ValueError) for placed candidates.

    Safe to run twice. The CV goes inside the transaction: if the storage fails, the row stays
    as it was and the next night tries again; a row never claims anonymity while its CV remains.
    """
    done, placed = anonymise_all([candidate], by=by)
    if placed:
        raise ValueError(f"Candidate {candidate.pk} has a placement and is kept with it.")
    if not done:
        raise Candidate.DoesNotExist(f"Candidate {candidate.pk} does not exist.")
    return done[0]


def anonymise_all(candidates, *, by):
    """anonymise() for several candidates at once (the admin action): the rows are locked in one query and
    checked for placements in one more, then each is anonymised in its own savepoint, its CV deleted inside it.

    Returns (anonymised, placed): the candidates as now stored, and those kept because they have a placement.
    Candidates that were anonymised already count as anonymised and are left as they are.
    """
    done, placed = [], []
    with transaction.atomic():
        pks = [candidate.pk for candidate in candidates]
        locked = list(Candidate.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        # Read after the locks: a placement made meanwhile has committed by now (or waits for us).
        with_placement = set(
            Placement.objects.filter(candidate__in=[c.pk for c in locked]).values_list("candidate_id", flat=True)
        )
        for candidate in locked:
            if candidate.pk in with_placement:
                placed.append(candidate)
                continue
            if not candidate.anonymised_at:
                with transaction.atomic():
                    _anonymise_locked(candidate, by=by)
                logger.info(
                    "Candidate %s anonymised by %s", candidate.pk, getattr(by, "pk", None) or "the nightly task"
                )
            done.append(candidate)
    return done, placed


def _anonymise_locked(candidate, *, by):
    """Clear one candidate whose row the caller holds locked, inside the caller's transaction."""
    cv_name = candidate.cv.name
    for field, value in CLEARED_FIELDS.items():
        setattr(candidate, field, value)
    candidate.cv = ""
    candidate.anonymised_at = timezone.now()
    # Every earlier version holds the personal data; the one row left says who anonymised when.
    forget_history(candidate)
    candidate._history_user = by
    candidate.save()
    # Municipalities' reasons for accepting or declining speak about the person.
    ShortlistDecision.objects.filter(entry__candidate=candidate).exclude(reason="").update(
        reason="", reason_erased_at=candidate.anonymised_at
    )
    _rename_in_eoi_timelines(candidate)
    if cv_name:
        candidate.cv.storage.delete(cv_name)


def _rename_in_eoi_timelines(candidate):
    """The record of an EOI names the candidates the municipalities decided on and selected: the name goes,
    the number and the marker stay, and the record words the label in its reader's language (never stored)."""
    for event in Event.objects.filter(params__candidate_id=candidate.pk):
        event.params = {**event.params, **candidate.as_recorded()}
        event.save(update_fields=["params"])


def export_data(candidate):
    """Everything held about the candidate (GDPR Art. 15/20): a ZIP with candidate.json and the CV."""
    data = {}
    for field in candidate._meta.concrete_fields:
        value = field.value_from_object(candidate)
        if isinstance(field, models.FileField):
            value = value.name or None
        data[field.attname] = value
    data["applied_for_title"] = str(candidate.applied_for) if candidate.applied_for_id else None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("candidate.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        if candidate.cv:
            with candidate.cv.open("rb") as cv:
                archive.writestr(cv_member_name(candidate), cv.read())
    return buffer.getvalue()


def cv_member_name(candidate):
    """The CV's name inside the export: the user's file name, without any path."""
    name = PurePath(candidate.cv_name or "").name or f"cv{PurePath(candidate.cv.name).suffix}"
    return f"cv/{name}"
