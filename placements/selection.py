"""The shortlist and the municipalities' choice: who sees it, who decides, who picks.

Recruiters (their channel) and programme staff pick from the candidate pool ranked against the terms
of reference (`rank_pool`, kept in the cache) and shortlist eligible candidates while the EOI is in
recruitment; staff then open the candidate selection. Each participating municipality accepts or
declines each shortlisted candidate for itself (a ShortlistDecision, by one of its contacts); the
pick is among the candidates every participating municipality accepted and, for integrated experts,
by a contact of the partner municipality (the employer picks). The pick and a shortlist on which no
candidate can still be accepted by all move the EOI on through the one workflow runner: the declared
permissions of `start_contracting` and `reopen_recruitment` name the municipalities who may.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.models import Event, ExpressionOfInterest, Status, has_open_candidate
from fachkraefte.records import record
from fachkraefte.workflow import StepRefused, run_step
from partnerships.models import Side
from placements import eligibility, matching
from placements.models import Candidate, ShortlistDecision, ShortlistEntry
from placements.permissions import check_shortlist, deciding_for

# --- eligibility -------------------------------------------------------------------------------


def partner_countries(eoi):
    return sorted({p.municipality.country.code for p in eoi.participants.all() if p.side == Side.PARTNER})


def reference_day(terms, today=None):
    """Eligibility is judged on the wished start of the placement, or today when none is agreed."""
    return (terms.start if terms is not None else None) or today or timezone.localdate()


def ineligibility(candidate, eoi, day):
    """The reasons the candidate may not be placed for this EOI; empty when eligible."""
    return eligibility.check(candidate, eoi.specialist_model, partner_countries(eoi), on=day)


def by_eligibility(ranked, eoi, day):
    """The ranked matches split in two, each still best first: the eligible, and the others with their reasons."""
    eligible, ineligible = [], []
    countries = partner_countries(eoi)  # once, not once per candidate
    for match in ranked:
        reasons = eligibility.check(match.candidate, eoi.specialist_model, countries, on=day)
        if reasons:
            ineligible.append((match, reasons))
        else:
            eligible.append(match)
    return eligible, ineligible


# --- the ranked pool, kept in the cache ----------------------------------------------------------
# What ranking, eligibility and the candidate's name read: the rest of each row stays in the database.
RANKED_FIELDS = (
    "name",
    "nationalities",
    "date_of_birth",
    "languages",
    "expertise",
    "years_of_experience",
    "available_from",
    "anonymised_at",
)
RANKING_KEY_PREFIX = "placements:ranking:v1:"  # a new version when the ranking or the entry changes shape
# Every change that matters changes the key; the timeout only frees the memory of keys nobody asks for again.
RANKING_TIMEOUT_SECONDS = 15 * 60


@dataclass(frozen=True)
class Ranking:
    """The best `shown` eligible matches, the best `shown` others with their reasons, and how many of each."""

    eligible: list
    ineligible: list  # [(match, reasons)]
    eligible_total: int
    ineligible_total: int


def rank_pool(eoi, pool, terms, *, on, shown):
    """The candidates of `pool` ranked against the agreed `terms` (or None) and split by eligibility.

    Ranking thousands of candidates takes longer than a page may, so the answer is kept in the cache. Its
    key holds everything the answer depends on: each candidate of the pool by id and row version, the EOI's
    terms, themes, model and partner countries, the day and the language. A candidate changed in any way
    (a form, the admin, a queryset update), joining or leaving the pool asks for a new ranking at once.
    """
    if connection.vendor != "postgresql":  # no row versions (SQLite on a laptop): ranked on every request
        return _ranking(eoi, list(pool.only(*RANKED_FIELDS)), terms, on, shown)
    inputs = _ranking_inputs(eoi, terms, on, shown)
    versioned = pool.annotate(row_version=_row_version())
    rows = versioned.order_by("pk").values_list("pk", "row_version")
    ranking = cache.get(_ranking_key(inputs, rows))
    if ranking is None:
        candidates = list(versioned.only(*RANKED_FIELDS))
        ranking = _ranking(eoi, candidates, terms, on, shown)
        # Keyed on the rows ranked, which may be newer than those the key above was made of.
        ranked_rows = sorted((candidate.pk, candidate.row_version) for candidate in candidates)
        cache.set(_ranking_key(inputs, ranked_rows), ranking, RANKING_TIMEOUT_SECONDS)
    return ranking


def _ranking(eoi, candidates, terms, on, shown):
    ranked = matching.rank(candidates, terms or {}, on=on, themes=eoi.themes)
    eligible, ineligible = by_eligibility(ranked, eoi, reference_day(terms, on))
    return Ranking(eligible[:shown], ineligible[:shown], len(eligible), len(ineligible))


def _row_version():
    """PostgreSQL's version of each candidate row: the transaction that wrote it (xmin) and the command within
    that transaction (cmin). Every INSERT and UPDATE writes a new version with a pair no earlier one had."""
    table = connection.ops.quote_name(Candidate._meta.db_table)
    return RawSQL(f"{table}.xmin::text || '.' || {table}.cmin::text", ())  # noqa: S611  # nosec B611 - no input reaches it


def _ranking_inputs(eoi, terms, on, shown):
    """What the ranking reads besides the candidates (matching.rank reads the terms' start and languages)."""
    start, languages = (terms.start, terms.languages) if terms is not None else (None, None)
    return (
        translation.get_language(),
        on,
        shown,
        eoi.specialist_model,
        partner_countries(eoi),
        list(eoi.themes or []),
        start,
        languages,
    )


def _ranking_key(inputs, rows):
    """The cache key for the inputs and the pool's [(id, row version)], in the order of the ids."""
    digest = hashlib.sha256(repr((inputs, list(rows))).encode())
    return RANKING_KEY_PREFIX + digest.hexdigest()


# --- the pick ----------------------------------------------------------------------------------


def selected_candidate(eoi):
    """The candidate the EOI's employer picked from its shortlist (`select_candidate`), or None before the pick."""
    entry = eoi.shortlist.filter(selected=True).select_related("candidate").first()
    return entry.candidate if entry is not None else None


def check_selected_candidate(eoi, candidate):
    """A placement is for the candidate selected on its own EOI's shortlist, never for one picked for another EOI:
    the municipalities accepted this person for this EOI only. ValidationError (code `not_selected`) otherwise."""
    if candidate is None or candidate != selected_candidate(eoi):
        raise ValidationError(
            _("Only the candidate selected on this expression of interest's shortlist can be placed for it."),
            code="not_selected",
        )


# --- the steps ---------------------------------------------------------------------------------


def _locked(eoi):
    return ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)


def _require_status(eoi, status):
    if eoi.status != status:
        raise StepRefused(
            _("This step is not possible from the status “%(status)s”; someone may have moved it meanwhile.")
            % {"status": eoi.get_status_display()}
        )


def add_to_shortlist(eoi, candidate, *, by):
    """Shortlist an eligible candidate; the ineligible are refused with the reasons."""
    reasons = ineligibility(candidate, eoi, reference_day(eoi.agreed_terms()))
    if reasons:
        raise ValidationError(reasons, code="ineligible")
    with transaction.atomic():
        current = _locked(eoi)
        _require_status(current, Status.RECRUITMENT)
        entry, created = ShortlistEntry.objects.get_or_create(
            eoi=current, candidate=candidate, defaults={"added_by": by}
        )
        if created:
            record(current, Event.Kind.SHORTLISTED, by=by, **candidate.as_recorded())
    return entry


def open_selection_allowed(eoi):
    """Whether staff may open the selection: the declared condition of `start_candidate_selection`, asked ahead."""
    return has_open_candidate(eoi)


def decide(entry, decision, reason, *, by, municipality=None):
    """A contact accepts or declines a shortlisted candidate for their municipality; a decline needs a reason.

    Each participating municipality decides for itself and nobody changes another's decision. When
    no candidate can still be accepted by all (each is declined by at least one municipality), the
    selection has failed: the EOI goes back to recruitment.
    """
    decision = ShortlistDecision.Decision(decision)
    reason = reason.strip()
    if decision == ShortlistDecision.Decision.DECLINED and not reason:
        raise ValidationError(_("Please say why you decline this candidate."), code="reason")
    # Outside the transaction: the refusal's entry in the security log must not roll back with it.
    municipality = deciding_for(by, entry.eoi, municipality)
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        entry = ShortlistEntry.objects.select_for_update().select_related("candidate").get(pk=entry.pk, eoi=eoi)
        if _same_decision(entry, municipality, decision, reason):
            return entry
        ShortlistDecision.objects.update_or_create(
            entry=entry,
            municipality=municipality,
            defaults={"decision": decision, "reason": reason, "decided_by": by, "decided_at": timezone.now()},
        )
        record(
            eoi,
            Event.Kind.SHORTLIST_DECIDED,
            by=by,
            **entry.candidate.as_recorded(),
            municipality=municipality.name,
            decision=decision.value,
        )
        if not has_open_candidate(eoi):
            run_step(eoi, "reopen_recruitment", by=by, params={"all_declined": True})
    return entry


def _same_decision(entry, municipality, decision, reason):
    """Saving the municipality's decision unchanged records nothing."""
    return entry.decisions.filter(municipality=municipality, decision=decision, reason=reason).exists()


def select_candidate(entry, *, by):
    """The employer's pick among the candidates every participating municipality accepted: on to contracting."""
    # The declared permission of start_contracting, asked first, and outside the transaction: the refusal's
    # entry in the security log must not roll back with it.
    check_shortlist(by, entry.eoi, "pick")
    with transaction.atomic():
        eoi = _locked(entry.eoi)
        _require_status(eoi, Status.CANDIDATE_SELECTION)
        entry = ShortlistEntry.objects.select_for_update().select_related("candidate").get(pk=entry.pk, eoi=eoi)
        if not eoi.shortlist.accepted_by_all().filter(pk=entry.pk).exists():
            raise StepRefused(_("Only a candidate every participating municipality has accepted can be selected."))
        entry.selected = True
        entry.save(update_fields=["selected"])
        run_step(eoi, "start_contracting", by=by, params=entry.candidate.as_recorded())
    return entry
