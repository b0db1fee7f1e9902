import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import translation

from applications import services
from applications.models import Event, ExpressionOfInterest, Status
from applications.workflow import EOI_WORKFLOW
from fachkraefte.workflow import StepRefused, may_take
from partnerships.models import ModelAvailability, SpecialistModel
from placements import selection
from placements.models import Candidate, ShortlistEntry
from tests.workflow import agree_terms, in_status, pick_the_candidate, place, shortlist_someone, submitted

STAFF_TRANSITIONS = {
    "start_review": (Status.SUBMITTED, Status.IN_REVIEW),
    "return_for_changes": (Status.IN_REVIEW, Status.RETURNED),
    "reject": (Status.IN_REVIEW, Status.REJECTED),
    "open_needs_dialogue": (Status.IN_REVIEW, Status.NEEDS_DIALOGUE),
    "start_recruitment": (Status.NEEDS_DIALOGUE, Status.RECRUITMENT),
    "reopen_needs_dialogue": (Status.RECRUITMENT, Status.NEEDS_DIALOGUE),
    "start_candidate_selection": (Status.RECRUITMENT, Status.CANDIDATE_SELECTION),
    "reopen_recruitment": (Status.CANDIDATE_SELECTION, Status.RECRUITMENT),
    "place": (Status.CONTRACTING, Status.PLACED),
}
REASON_REQUIRED = {name for name, step in EOI_WORKFLOW.steps.items() if step.reason_required}
NOT_STAFF = ["german_contact", "partner_contact", "viewer", "outsider", "cim_recruiter", "giz_recruiter", "specialist"]


@pytest.fixture
def walk(eoi, staff, german_contact, partner_contact, media):
    def to(status):
        return in_status(eoi, status, staff=staff, german_contact=german_contact, partner_contact=partner_contact)

    return to


def comment_for(name):
    return "Because." if name in REASON_REQUIRED else ""


def meet_the_conditions(eoi, name, staff):
    """What a step's declared conditions ask for, the way the work before it provides it."""
    if name == "start_recruitment":
        agree_terms(eoi, staff)
    if name == "start_candidate_selection":
        shortlist_someone(eoi, staff=staff)


@pytest.mark.parametrize("name", sorted(STAFF_TRANSITIONS))
def test_staff_runs_each_transition_and_it_is_recorded(walk, staff, name):
    source, target = STAFF_TRANSITIONS[name]
    eoi = walk(source)
    meet_the_conditions(eoi, name, staff)
    if name == "place":  # the step runs inside create_placement, once the placement is saved
        eoi = place(eoi, staff=staff).eoi
    else:
        eoi = services.transition(eoi, name, by=staff, comment=comment_for(name))
    assert eoi.status == target
    event = eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.from_status, event.to_status, event.actor) == (source, target, staff)
    assert event.note == comment_for(name)


@pytest.mark.parametrize("name", sorted(STAFF_TRANSITIONS))
@pytest.mark.parametrize("persona", NOT_STAFF)
def test_every_other_persona_is_refused_each_staff_transition(walk, staff, personas, name, persona):
    source, _target = STAFF_TRANSITIONS[name]
    eoi = walk(source)
    meet_the_conditions(eoi, name, staff)
    with pytest.raises(StepRefused) as refused:
        services.transition(eoi, name, by=personas[persona], comment="x")
    assert refused.value.forbidden
    eoi.refresh_from_db()
    assert eoi.status == source


@pytest.mark.parametrize("name", sorted(REASON_REQUIRED - {"withdraw"}))
def test_returning_rejecting_and_going_back_need_a_reason(walk, staff, name):
    eoi = walk(STAFF_TRANSITIONS[name][0])
    with pytest.raises(StepRefused):
        services.transition(eoi, name, by=staff, comment="  ")
    eoi.refresh_from_db()
    assert eoi.status == STAFF_TRANSITIONS[name][0]


def test_a_step_that_skips_a_state_is_refused(walk, staff):
    eoi = walk(Status.SUBMITTED)
    with pytest.raises(StepRefused):
        services.transition(eoi, "start_recruitment", by=staff)
    with pytest.raises(StepRefused):
        services.transition(eoi, "place", by=staff)
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.SUBMITTED


def test_recruitment_needs_agreed_terms(walk, staff, settings):
    settings.LANGUAGE_CODE = "en"
    eoi = walk(Status.NEEDS_DIALOGUE)
    with pytest.raises(StepRefused, match="terms of reference"):
        services.transition(eoi, "start_recruitment", by=staff)
    agree_terms(eoi, staff)
    assert services.transition(eoi, "start_recruitment", by=staff).status == Status.RECRUITMENT


def test_a_newer_terms_version_voids_the_agreement(walk, staff):
    eoi = walk(Status.NEEDS_DIALOGUE)
    first = agree_terms(eoi, staff)
    first.pk = None
    first.number = 2
    first.save()  # a new version nobody agreed to yet
    with pytest.raises(StepRefused):
        services.transition(eoi, "start_recruitment", by=staff)


def test_recruitment_needs_the_model_still_open(walk, staff):
    eoi = walk(Status.NEEDS_DIALOGUE)
    agree_terms(eoi, staff)
    ModelAvailability.objects.filter(country__code="NA", model=eoi.specialist_model).update(is_open=False)
    with pytest.raises(StepRefused):
        services.transition(eoi, "start_recruitment", by=staff)


def test_the_full_graph(eoi, staff, german_contact, partner_contact, media):
    """Every edge once: return and resubmit, both ways back, and on to placed."""
    eoi = submitted(eoi, german_contact, partner_contact)
    steps = [
        ("start_review", Status.IN_REVIEW),
        ("return_for_changes", Status.RETURNED),
        ("submit", Status.SUBMITTED),
        ("start_review", Status.IN_REVIEW),
        ("open_needs_dialogue", Status.NEEDS_DIALOGUE),
        ("start_recruitment", Status.RECRUITMENT),
        ("reopen_needs_dialogue", Status.NEEDS_DIALOGUE),
        ("start_recruitment", Status.RECRUITMENT),
        ("start_candidate_selection", Status.CANDIDATE_SELECTION),
        ("reopen_recruitment", Status.RECRUITMENT),
        ("start_candidate_selection", Status.CANDIDATE_SELECTION),
        ("start_contracting", Status.CONTRACTING),
        ("place", Status.PLACED),
    ]
    ShortlistEntry.objects.create(eoi=eoi, candidate=Candidate.objects.create(name="Kim"), added_by=staff)
    for name, expected in steps:
        if name == "start_contracting":
            eoi = pick_the_candidate(eoi, german_contact, partner_contact)
        elif name == "place":
            eoi = place(eoi, staff=staff).eoi
        elif name == "submit":
            german, partner = (p.municipality for p in eoi.participants.all())
            services.confirm(eoi, [german], by=german_contact)
            services.confirm(eoi, [partner], by=partner_contact)
            eoi = services.submit(eoi, by=german_contact)
        else:
            if name == "start_recruitment":
                agree_terms(eoi, staff)
            eoi = services.transition(eoi, name, by=staff, comment=comment_for(name))
        assert eoi.status == expected, name
    walked = list(eoi.events.exclude(to_status="").order_by("created_at", "pk").values_list("to_status", flat=True))
    assert walked == [Status.SUBMITTED] + [expected for _name, expected in steps]
    with pytest.raises(StepRefused):
        services.withdraw(eoi, "too late", by=german_contact)


@pytest.mark.parametrize(
    "status",
    [
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.NEEDS_DIALOGUE,
        Status.RECRUITMENT,
        Status.CANDIDATE_SELECTION,
        Status.CONTRACTING,
    ],
)
def test_applicants_may_withdraw_before_placement(walk, eoi, german_contact, status):
    eoi = eoi if status == Status.DRAFT else walk(status)
    eoi = services.withdraw(eoi, "Council decided otherwise", by=german_contact)
    assert eoi.status == Status.WITHDRAWN
    assert eoi.events.get(kind=Event.Kind.WITHDRAWN).from_status == status


def test_viewer_cannot_withdraw(walk, viewer):
    eoi = walk(Status.SUBMITTED)
    with pytest.raises(StepRefused) as refused:
        services.withdraw(eoi, "no", by=viewer)
    assert refused.value.forbidden


def test_rejected_is_final(walk, staff, german_contact):
    eoi = services.transition(walk(Status.IN_REVIEW), "reject", by=staff, comment="Not eligible")
    with pytest.raises(StepRefused):
        services.withdraw(eoi, "x", by=german_contact)
    with pytest.raises(StepRefused):
        services.transition(eoi, "start_review", by=staff)


def test_applicants_are_told_by_name_in_their_language(
    walk, staff, german_contact, partner_contact, django_capture_on_commit_callbacks
):
    eoi = walk(Status.IN_REVIEW)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(eoi, "return_for_changes", by=staff, comment="Please describe the need in more detail.")
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {german_contact.email, partner_contact.email}
    french = by_recipient[partner_contact.email]
    assert french.body.startswith(f"Bonjour {partner_contact.name}")
    assert "Please describe the need in more detail." in french.body
    with translation.override("fr"):
        assert str(Status.RETURNED.label) in french.body
    assert by_recipient[german_contact.email].body.startswith(f"Guten Tag {german_contact.name}")


def test_applicants_see_the_return_comment_and_can_edit_again(client, walk, staff, german_contact):
    eoi = services.transition(walk(Status.IN_REVIEW), "return_for_changes", by=staff, comment="More detail, please")
    client.force_login(german_contact)
    page = client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    assert "More detail, please" in page
    assert client.get(reverse("applications:edit", args=[eoi.pk, "german"])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_staff_pressing_different_buttons_at_once_one_wins(
    eoi, staff, german_contact, partner_contact, settings, tmp_path
):
    """Two connections on PostgreSQL: the second waits for the row lock, then is refused."""
    settings.MEDIA_ROOT = tmp_path
    eoi = in_status(eoi, Status.IN_REVIEW, staff=staff, german_contact=german_contact, partner_contact=partner_contact)
    barrier = threading.Barrier(2)
    outcomes = {}

    def press(name):
        try:
            barrier.wait()
            services.transition(eoi, name, by=staff, comment="Reason")
            outcomes[name] = "done"
        except StepRefused as refused:
            outcomes[name] = str(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(name,)) for name in ("reject", "open_needs_dialogue")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()).count("done") == 1
    eoi.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "done")
    assert eoi.status == STAFF_TRANSITIONS[winner][1]
    assert eoi.events.filter(kind=Event.Kind.STATUS_CHANGED, from_status=Status.IN_REVIEW).count() == 1


# --- the steps the municipalities take (hole 9: their declaration is what is checked) ------------------


@pytest.fixture
def selecting(walk, staff):
    eoi = walk(Status.CANDIDATE_SELECTION)
    return eoi, eoi.shortlist.get()


def test_the_employer_picking_is_declared_not_staff_only(selecting, staff, german_contact, partner_contact):
    """Integrated experts: the partner (the employer) starts contracting; not staff, not the German side."""
    eoi, _entry = selecting
    assert eoi.specialist_model == SpecialistModel.INTEGRATED
    assert may_take(eoi, "start_contracting", partner_contact)
    assert not may_take(eoi, "start_contracting", german_contact)
    assert not may_take(eoi, "start_contracting", staff)


def test_staff_cannot_start_contracting_over_the_municipalities(selecting, staff):
    eoi, _entry = selecting
    with pytest.raises(StepRefused) as refused:
        services.transition(eoi, "start_contracting", by=staff)
    assert refused.value.forbidden
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.CANDIDATE_SELECTION


def test_contracting_needs_a_selected_candidate(selecting, partner_contact, settings):
    settings.LANGUAGE_CODE = "en"
    eoi, _entry = selecting
    with translation.override("en"), pytest.raises(StepRefused, match="No candidate has been selected"):
        services.transition(eoi, "start_contracting", by=partner_contact)


def test_the_pick_runs_the_declared_step_and_records_the_candidate(selecting, german_contact, partner_contact):
    eoi, entry = selecting
    selection.decide(entry, "accepted", "", by=german_contact)
    selection.decide(entry, "accepted", "", by=partner_contact)
    selection.select_candidate(entry, by=partner_contact)
    event = ExpressionOfInterest.objects.get(pk=eoi.pk).events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert (event.to_status, event.actor, event.params["step"]) == (
        Status.CONTRACTING,
        partner_contact,
        "start_contracting",
    )
    assert event.params["candidate_id"] == entry.candidate_id
    for language, word in (("de", "Ausgewählt"), ("en", "Selected"), ("fr", "Sélectionné"), ("es", "Seleccionad")):
        with translation.override(language):
            assert event.detail().startswith(word), language


def test_a_contact_reopens_recruitment_only_by_declining_every_candidate(selecting, german_contact):
    eoi, entry = selecting
    with pytest.raises(StepRefused) as refused:
        services.transition(eoi, "reopen_recruitment", by=german_contact, comment="We want others")
    assert refused.value.forbidden
    selection.decide(entry, "declined", "Too little experience", by=german_contact)
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)
    assert eoi.status == Status.RECRUITMENT
    event = eoi.events.filter(kind=Event.Kind.STATUS_CHANGED).first()
    assert event.params == {"step": "reopen_recruitment", "all_declined": True}
    with translation.override("en"):
        assert "Every shortlisted candidate was declined" in event.detail()


@pytest.mark.parametrize("persona", ["viewer", "outsider", "cim_recruiter", "specialist"])
def test_nobody_outside_the_municipalities_picks(selecting, personas, german_contact, persona):
    eoi, entry = selecting
    selection.decide(entry, "accepted", "", by=german_contact)
    with pytest.raises(PermissionDenied):
        selection.select_candidate(entry, by=personas[persona])
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == Status.CANDIDATE_SELECTION
