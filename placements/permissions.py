"""Who sees and who acts on what in the placements app: one policy for each object type.

Candidates, shortlists, placements with their activity log and reports, a placement's own events and
the programme's network events. Each `…_visible_to(user)` is a queryset; each `get_…_for_user` returns
the object or raises 404 for whoever may not see it and 403 for whoever sees it but may not act; both
are logged (fachkraefte.audit). The role pages (candidates, my placements, network events) refuse
whoever lacks the role with a logged 403. Programme staff are handled here, never at the call site;
who may take a workflow step is the step's declared permission (fachkraefte.workflow.may_take).
"""

from django.db.models import Q

from applications.models import ExpressionOfInterest, Status
from applications.permissions import Access, channel_for, eoi_ids_of_members, eois_visible_to, recruited_models
from fachkraefte import audit
from fachkraefte.workflow import may_take
from partnerships.models import Role
from partnerships.roles import has_role, is_programme_staff
from placements.models import Candidate, NetworkEvent, Placement, Report, ShortlistEntry


# --- candidates ----------------------------------------------------------------------------------------
def candidates_visible_to(user):
    """Staff see every candidate; a recruiter those they recorded, and those of their channel who applied for an EOI
    their channel recruits for (not another channel's, should that EOI's specialist model change)."""
    if is_programme_staff(user):
        return Candidate.objects.all()
    channels = channel_for(user)
    if not channels:
        return Candidate.objects.none()
    recruited = ExpressionOfInterest.objects.filter(specialist_model__in=recruited_models(user)).values("pk")
    return Candidate.objects.filter(Q(created_by=user) | Q(channel__in=channels, applied_for__in=recruited))


def may_change_email(user, candidate):
    """The invitation to a placement goes to the candidate's address. Once the candidate stands on a shortlist
    (the municipalities decide on that person), only programme staff change it: a recruiter could otherwise have
    the specialist's link sent to an address of their own."""
    return is_programme_staff(user) or candidate.pk is None or not candidate.shortlistings.exists()


def get_candidate_for_user(user, pk, write=False):
    """The candidate, or 404 for everybody who may not see them; 403 for writing to an anonymised one (both logged)."""
    candidate = audit.get_visible_or_404(candidates_visible_to(user).select_related("applied_for"), pk=pk)
    if write and candidate.anonymised_at:
        raise audit.refuse(candidate, "anonymised")
    return candidate


# --- shortlists ----------------------------------------------------------------------------------------
# Where a shortlist exists, for staff and the EOI's recruiter; the municipalities see it from the selection on.
SHORTLIST_STATES = (Status.RECRUITMENT, Status.CANDIDATE_SELECTION, Status.CONTRACTING, Status.PLACED)
MEMBER_STATES = (Status.CANDIDATE_SELECTION, Status.CONTRACTING, Status.PLACED)


def shortlists_visible_to(user):
    """The EOIs whose shortlist `user` may see: staff every one, a recruiter their channel's, members their own."""
    eois = ExpressionOfInterest.objects.filter(status__in=SHORTLIST_STATES)
    if is_programme_staff(user):
        return eois
    member_eois = eois_visible_to(user).filter(status__in=MEMBER_STATES).values("pk")
    return eois.filter(Q(specialist_model__in=recruited_models(user)) | Q(pk__in=member_eois))


class ShortlistAccess:
    """What one user may do with one EOI's shortlist; each right is a `can_…` property."""

    def __init__(self, user, eoi):
        self.applicant = Access(user, eoi)
        self.user, self.eoi, self.is_staff = user, eoi, self.applicant.is_staff
        self.is_recruiter = eoi.channel in channel_for(user)

    @property
    def can_decide(self):
        """Accept or decline a shortlisted candidate: the participating municipalities' contacts."""
        return bool(self.decides_for)

    @property
    def decides_for(self):
        """The participating municipalities this user is a contact of: each decides for itself."""
        return self.applicant.contact_of

    @property
    def can_pick(self):
        """The pick moves the EOI to contracting: the declared permission of that step decides."""
        return may_take(self.eoi, "start_contracting", self.user)

    @property
    def can_reopen_recruitment(self):
        return may_take(self.eoi, "reopen_recruitment", self.user)

    def check(self, right):
        """Raise the logged 403 unless the user has `right` ("decide", "pick", "reopen_recruitment")."""
        if not getattr(self, f"can_{right}"):
            raise audit.refuse(self.eoi, f"shortlist: may not {right}")
        return self


def get_shortlist_eoi_for_user(user, pk, *, write=False):
    """(EOI, ShortlistAccess): 404 for whoever may not see its shortlist; 403 without the right `write` names."""
    eoi = audit.get_visible_or_404(shortlists_visible_to(user).with_participants(), pk=pk)
    access = ShortlistAccess(user, eoi)
    if write:
        access.check(write)
    return eoi, access


def _of_candidates_seen(entries, user):
    """A recruiter sees the entries of candidates they see only: a shortlist another channel built before the EOI
    changed its specialist model stays that channel's. Staff and the municipalities see every entry."""
    if is_programme_staff(user) or not channel_for(user):
        return entries
    return entries.filter(candidate__in=candidates_visible_to(user))


def shortlist_entries_visible_to(user):
    """The entries `user` sees, of every shortlist they see."""
    return _of_candidates_seen(ShortlistEntry.objects.filter(eoi__in=shortlists_visible_to(user)), user)


def shortlist_of(eoi, user):
    """The entries `user` sees of the shortlist of `eoi`, which they see (get_shortlist_eoi_for_user)."""
    return _of_candidates_seen(eoi.shortlist.all(), user)


def get_shortlist_entry_for_user(user, pk, *, write=False):
    """(entry, ShortlistAccess): 404 for whoever may not see it; 403 without the right `write` names."""
    visible = shortlist_entries_visible_to(user).select_related("candidate")
    entry = audit.get_visible_or_404(visible, pk=pk)
    entry.eoi, access = get_shortlist_eoi_for_user(user, entry.eoi_id, write=write)
    return entry, access


def deciding_for(user, eoi, municipality=None):
    """The municipality `user` decides for: one they are a contact of; anyone else's is refused (403, logged).

    `municipality` may be left out by a contact of a single participating municipality.
    """
    mine = ShortlistAccess(user, eoi).decides_for
    if municipality is None and len(mine) > 1:
        raise ValueError("A contact of several municipalities says for which one they decide.")
    if municipality is None and mine:
        return mine[0]
    if municipality not in mine:
        raise audit.refuse(eoi, f"shortlist decision for municipality {getattr(municipality, 'pk', None)}")
    return municipality


def check_shortlist(user, eoi, right):
    """For services: raise the logged 403 unless `user` has `right` on `eoi`'s shortlist. Call it before any
    transaction opens, so that the security log keeps the refusal."""
    ShortlistAccess(user, eoi).check(right)


# --- placements, their activity log and reports --------------------------------------------------------
def placements_visible_to(user):
    """Staff see every placement; the specialist their own; members of the EOI's municipalities theirs."""
    placements = Placement.objects.select_related("eoi__partnership", "specialist")
    if is_programme_staff(user):
        return placements
    return placements.filter(Q(specialist=user) | Q(eoi__in=eoi_ids_of_members(user)))


def is_own_specialist(user, placement):
    return placement.specialist_id == user.pk


def get_placement_for_user(user, pk, *, write=False, own_events=False):
    """The placement (for its own events, with `own_events`): 404 for outsiders (another placement's specialist
    too), 403 for readers who write: its log, reports and own events are its specialist's alone. Both logged."""
    visible = own_events_visible_to(user) if own_events else placements_visible_to(user)
    placement = audit.get_visible_or_404(visible, pk=pk)
    if write and not is_own_specialist(user, placement):
        raise audit.refuse(placement, "read only")
    return placement


def get_activity_for_user(user, pk, activity_pk):
    """(placement, activity) for its specialist to edit: another placement's activity is a 404 (logged)."""
    placement = get_placement_for_user(user, pk, write=True)
    return placement, audit.get_visible_or_404(placement.activities.all(), pk=activity_pk)


def get_report_for_user(user, pk, report_pk, *, write=False, submitted=False):
    """(placement, report): another placement's report is a 404 (logged); only a submitted one when asked."""
    placement = get_placement_for_user(user, pk, write=write)
    state = {"state": Report.State.SUBMITTED} if submitted else {}
    return placement, audit.get_visible_or_404(placement.reports.all(), pk=report_pk, **state)


def get_report_to_mark_read(user, pk, report_pk):
    """(placement, submitted report) for programme staff to mark read: 404 for outsiders, 403 for the placement's
    other readers (both logged)."""
    placement, report = get_report_for_user(user, pk, report_pk, submitted=True)
    if not is_programme_staff(user):
        raise audit.refuse(report, "only programme staff mark reports read")
    return placement, report


def is_specialist(user):
    return has_role(user, Role.SPECIALIST)


def check_specialist_pages(user):
    """ "My placements" is for specialists (whoever has a placement too) and staff: a logged 403 for others."""
    if not (is_specialist(user) or is_programme_staff(user) or user.placements.exists()):
        raise audit.refuse(detail="not a specialist")


# --- a placement's own events: its specialist's; staff read them (get_placement_for_user, own_events=True) --
def own_events_visible_to(user):
    """The placements whose own events `user` may see: their own, every one for staff."""
    placements = Placement.objects.select_related("candidate", "eoi__partnership")
    return placements if is_programme_staff(user) else placements.filter(specialist=user)


# --- the programme's network events: open to specialists (to register) and staff (to read) --------------
def may_see_events(user):
    return is_specialist(user) or is_programme_staff(user)


def check_event_pages(user):
    """The list of network events is for specialists and staff: a logged 403 for others."""
    if not may_see_events(user):
        raise audit.refuse(detail="not a specialist")


def network_events_visible_to(user, events=None):
    """Every event (or every one of `events`, annotated, say) for specialists and staff; none for others."""
    events = NetworkEvent.objects.all() if events is None else events
    return events if may_see_events(user) else events.none()


def check_may_register(user, event):
    """Only specialists register (staff read): a logged 403 for others."""
    if not is_specialist(user):
        raise audit.refuse(event, "only specialists register")


def get_network_event_for_user(user, pk, *, write=False, events=None):
    """The event: 404 (logged) for whoever may not see events; `write` to register, 403 (logged) for non-specialists."""
    event = audit.get_visible_or_404(network_events_visible_to(user, events), pk=pk)
    if write:
        check_may_register(user, event)
    return event


def check_may_cancel(user, registration):
    """The registered specialist cancels, and staff for them: a logged 403 for anybody else."""
    if user.pk != registration.specialist_id and not is_programme_staff(user):
        raise audit.refuse(registration, "another person's registration")


# --- publication on the transparency list: each municipality's contacts decide for it ------------------------
def publishing_municipalities(user, eoi, access=None):
    """The EOI's municipalities `user` opts in or out for (their contact); none for everybody else, staff too.
    `access`: `user`'s Access to `eoi`, when the caller has it already."""
    if not user.is_authenticated:
        return []
    return (access or Access(user, eoi)).contact_of


def publishing_for(user, eoi, municipality=None):
    """The municipality `user` decides publication for: one they are a contact of (a logged 403 otherwise).

    `municipality` may be left out by a contact of a single participating municipality.
    """
    mine = publishing_municipalities(user, eoi)
    if municipality is None and len(mine) == 1:
        return mine[0]
    if municipality is None or municipality.pk not in {m.pk for m in mine}:
        raise audit.refuse(eoi, f"publication consent for municipality {getattr(municipality, 'pk', None)}")
    return municipality


def check_may_publish(user, eoi):
    """The municipalities `user` opts in for: the opt-in is for the contacts of the EOI's municipalities, a
    logged 403 for its other readers."""
    mine = publishing_municipalities(user, eoi)
    if not mine:
        raise audit.refuse(eoi, "may not decide publication")
    return mine
