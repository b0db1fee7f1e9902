"""The needs dialogue: meetings, versioned terms of reference, agreements, and the step to recruitment."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from applications import dialogue, services
from applications.models import Event, Status, TermsOfReference
from fachkraefte.workflow import StepRefused
from partnerships.models import ModelAvailability, SpecialistModel
from tests.workflow import submitted

EXPERTISE = "Hydraulic modelling of the Quokkanet water network"


def english(*users):
    for user in users:
        user.preferred_language = "en"
        user.save()


@pytest.fixture
def in_dialogue(eoi, german_contact, partner_contact, staff, media):
    """Berlin and Windhoek's EOI, submitted, reviewed and in the needs dialogue."""
    eoi = submitted(eoi, german_contact, partner_contact)
    eoi = services.transition(eoi, "start_review", by=staff)
    return services.transition(eoi, "open_needs_dialogue", by=staff)


def values(**changes):
    return {
        "expertise": EXPERTISE,
        "tasks_and_goals": "Cut water losses by a third; train six technicians.",
        "places_of_assignment": "Windhoek, city water department",
        "specialist_model": SpecialistModel.INTEGRATED,
        "duration_months": 24,
        "start": datetime.date(2027, 3, 1),
        "languages": [{"language": "en", "level": "C1"}],
        **changes,
    }


def posted(**changes):
    data = {
        **{k: v for k, v in values().items() if k not in ("languages", "start")},
        "start": "2027-03-01",
        "language_1": "en",
        "level_1": "C1",
    }
    return {**data, **changes}


def agree_all(terms, german_contact, partner_contact, staff, german_municipality, partner_municipality):
    dialogue.agree_terms(terms, [german_municipality], by=german_contact)
    dialogue.agree_terms(terms, [partner_municipality], by=partner_contact)
    dialogue.agree_terms(terms, [], by=staff, as_staff=True)


def url(name, eoi, number=None):
    return reverse(f"applications:{name}", args=[eoi.pk] if number is None else [eoi.pk, number])


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- proposing -------------------------------------------------------------------------------


def test_applicant_proposes_the_first_version_starting_from_the_eoi(client, in_dialogue, partner_contact):
    client.force_login(partner_contact)
    form = client.get(url("terms_propose", in_dialogue)).context["form"]
    assert form.initial["expertise"] == in_dialogue.expertise_sought
    assert form.initial["language_1"] == "en" and form.initial["duration_months"] == 24
    response = client.post(url("terms_propose", in_dialogue), posted())
    assert response.status_code == 302
    terms = in_dialogue.terms.get()
    assert (terms.number, terms.expertise, terms.created_by) == (1, EXPERTISE, partner_contact)
    assert terms.languages == [{"language": "en", "level": "C1"}]
    assert in_dialogue.events.filter(kind=Event.Kind.TERMS_PROPOSED).count() == 1


def test_staff_propose_a_new_version_starting_from_the_newest(client, in_dialogue, staff, german_contact):
    dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(staff)
    form = client.get(url("terms_propose", in_dialogue)).context["form"]
    assert form.initial["expertise"] == EXPERTISE and form.initial["places_of_assignment"].startswith("Windhoek")
    response = client.post(url("terms_propose", in_dialogue), posted(duration_months="36"))
    assert response.status_code == 302
    newest = in_dialogue.terms.first()
    assert (newest.number, newest.duration_months, newest.created_by) == (2, 36, staff)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"duration_months": "0"}, "duration_months"),
        ({"duration_months": "999"}, "duration_months"),
        ({"start": "2027-02-30"}, "start"),
        ({"expertise": ""}, "expertise"),
        ({"language_2": "fr", "level_2": ""}, "level_2"),
    ],
)
def test_bad_input_keeps_the_input_and_says_why(client, in_dialogue, german_contact, changes, field):
    client.force_login(german_contact)
    response = client.post(url("terms_propose", in_dialogue), posted(**changes))
    form = response.context["form"]
    assert response.status_code == 200 and form.errors[field]
    assert form["tasks_and_goals"].value() == values()["tasks_and_goals"]
    for name, value in changes.items():
        assert form[name].value() == value
    assert not in_dialogue.terms.exists()


def test_a_model_closed_in_the_partner_country_is_refused_beside_the_field(client, in_dialogue, german_contact):
    english(german_contact)
    ModelAvailability.objects.filter(country__code="NA", model=SpecialistModel.LOCAL).update(is_open=False)
    client.force_login(german_contact)
    response = client.post(url("terms_propose", in_dialogue), posted(specialist_model="local"))
    assert response.status_code == 200
    assert "is not open in Namibia" in " ".join(response.context["form"].errors["specialist_model"])
    assert not in_dialogue.terms.exists()


def test_an_unchanged_version_is_not_proposed_again(in_dialogue, german_contact):
    dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    with pytest.raises(ValidationError):
        dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    assert in_dialogue.terms.count() == 1


def test_proposing_outside_the_needs_dialogue_is_refused(client, eoi, german_contact, media):
    english(german_contact)
    with translation.override("en"), pytest.raises(ValidationError, match="needs dialogue is not open"):
        dialogue.propose_terms(eoi, values(), by=german_contact)
    client.force_login(german_contact)
    response = client.post(url("terms_propose", eoi), posted())
    assert response.status_code == 302
    assert any("needs dialogue is not open" in text for text in message_texts(response))
    assert not TermsOfReference.objects.exists()


# --- agreeing --------------------------------------------------------------------------------


def test_each_contact_agrees_for_their_municipality_and_staff_as_staff(
    client, in_dialogue, german_contact, partner_contact, staff, german_municipality, partner_municipality
):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    agree = url("terms_agree", in_dialogue, terms.number)

    client.force_login(partner_contact)
    assert client.post(agree).status_code == 302
    assert [a.municipality for a in terms.agreements.all()] == [partner_municipality]  # not Berlin as well
    client.force_login(german_contact)
    client.post(agree)
    assert in_dialogue.agreed_terms() is None  # programme staff still to agree
    client.force_login(staff)
    client.post(agree)

    assert {a.municipality_id for a in terms.agreements.all()} == {
        german_municipality.pk,
        partner_municipality.pk,
        None,
    }
    assert in_dialogue.agreed_terms() == terms
    assert in_dialogue.events.filter(kind=Event.Kind.TERMS_AGREED).count() == 3


def test_a_contact_cannot_agree_for_the_other_side(in_dialogue, german_contact, partner_contact, german_municipality):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    with pytest.raises(PermissionDenied):
        dialogue.agree_terms(terms, [german_municipality], by=partner_contact)
    with pytest.raises(PermissionDenied):
        dialogue.agree_terms(terms, [], by=partner_contact, as_staff=True)
    assert not terms.agreements.exists()


def test_agreeing_twice_changes_nothing(client, in_dialogue, german_contact):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(german_contact)
    client.post(url("terms_agree", in_dialogue, terms.number))
    client.post(url("terms_agree", in_dialogue, terms.number))
    assert terms.agreements.count() == 1


def test_a_new_version_voids_the_agreements(
    in_dialogue, german_contact, partner_contact, staff, german_municipality, partner_municipality
):
    first = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    agree_all(first, german_contact, partner_contact, staff, german_municipality, partner_municipality)
    assert in_dialogue.agreed_terms() == first

    second = dialogue.propose_terms(in_dialogue, values(duration_months=30), by=staff)
    assert in_dialogue.agreed_terms() is None  # the old agreements no longer count
    dialogue.agree_terms(second, [german_municipality], by=german_contact)
    dialogue.agree_terms(second, [], by=staff, as_staff=True)
    assert in_dialogue.agreed_terms() is None  # until every party agreed again
    dialogue.agree_terms(second, [partner_municipality], by=partner_contact)
    assert in_dialogue.agreed_terms() == second


def test_agreeing_to_an_older_version_is_refused(client, in_dialogue, german_contact, staff):
    english(german_contact)
    first = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    dialogue.propose_terms(in_dialogue, values(duration_months=30), by=staff)
    with translation.override("en"), pytest.raises(ValidationError, match="(?i)a newer version exists"):
        dialogue.agree_terms(first, [], by=staff, as_staff=True)
    client.force_login(german_contact)
    response = client.post(url("terms_agree", in_dialogue, first.number))
    assert response.status_code == 302
    assert any("newer version exists" in text for text in message_texts(response))
    assert not first.agreements.exists()


def test_agreed_terms_with_another_model_change_the_eoi_model(
    in_dialogue, german_contact, partner_contact, staff, german_municipality, partner_municipality
):
    terms = dialogue.propose_terms(in_dialogue, values(specialist_model=SpecialistModel.LOCAL), by=staff)
    agree_all(terms, german_contact, partner_contact, staff, german_municipality, partner_municipality)
    in_dialogue.refresh_from_db()
    assert in_dialogue.specialist_model == SpecialistModel.LOCAL
    last = in_dialogue.events.filter(kind=Event.Kind.TERMS_AGREED).order_by("pk").last()
    assert (last.params["previous_model"], last.params["specialist_model"]) == ("integrated", "local")
    with translation.override("en"):
        assert last.detail().endswith("The specialist model is now: Local expert.")
    earlier = in_dialogue.events.filter(kind=Event.Kind.TERMS_AGREED).exclude(pk=last.pk)
    assert all("specialist_model" not in event.params for event in earlier)  # only the agreement that changed it


# --- who may do what -------------------------------------------------------------------------


def test_viewer_may_read_but_not_propose_or_agree(client, in_dialogue, viewer, german_contact):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(viewer)
    assert client.get(url("terms", in_dialogue)).status_code == 200
    assert client.get(url("terms_propose", in_dialogue)).status_code == 403
    assert client.post(url("terms_propose", in_dialogue), posted(expertise="Other")).status_code == 403
    assert client.post(url("terms_agree", in_dialogue, terms.number)).status_code == 403
    assert not terms.agreements.exists() and in_dialogue.terms.count() == 1


@pytest.mark.parametrize("name", ["terms", "terms_propose", "terms_agree", "terms_pdf"])
def test_outsider_gets_404(client, in_dialogue, outsider, german_contact, name):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(outsider)
    number = terms.number if name in ("terms_agree", "terms_pdf") else None
    send = client.post if name == "terms_agree" else client.get
    assert send(url(name, in_dialogue, number)).status_code == 404


def test_agree_is_post_only(client, in_dialogue, german_contact):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(german_contact)
    assert client.get(url("terms_agree", in_dialogue, terms.number)).status_code == 405


# --- the pages -------------------------------------------------------------------------------


def test_terms_page_shows_the_versions_newest_first_with_who_agreed(
    client, in_dialogue, german_contact, staff, german_municipality
):
    english(german_contact)
    first = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    dialogue.agree_terms(first, [german_municipality], by=german_contact)
    second = dialogue.propose_terms(in_dialogue, values(expertise="Leak detection"), by=staff)
    dialogue.agree_terms(second, [], by=staff, as_staff=True)
    client.force_login(german_contact)
    response = client.get(url("terms", in_dialogue))
    html = response.content.decode()
    assert [v.number for v, *_rest in response.context["versions"]] == [2, 1]
    assert html.index('id="terms-2"') < html.index('id="terms-1"')
    assert "Programme staff" in html and "replaced by a newer version" in html
    assert [m.pk for m in response.context["agree_for"]] == [german_municipality.pk]
    changed = [label for label, _old, _new, is_changed in response.context["compare"] if is_changed]
    assert [str(label) for label in changed] == ["expertise"]


def test_detail_page_shows_the_dialogue_only_from_the_needs_dialogue_on(client, eoi, german_contact, in_dialogue):
    client.force_login(german_contact)
    assert 'id="needs-dialogue"' in client.get(reverse("applications:detail", args=[in_dialogue.pk])).content.decode()


def test_detail_page_of_a_draft_has_no_dialogue(client, eoi, german_contact):
    client.force_login(german_contact)
    assert 'id="needs-dialogue"' not in client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()


def test_terms_pdf_downloads_with_the_expertise(client, in_dialogue, partner_contact, german_contact):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(partner_contact)
    response = client.get(url("terms_pdf", in_dialogue, terms.number), {"language": "en"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Quokkanet" in text and "Terms of reference" in text


# --- meetings (in the admin) -----------------------------------------------------------------


def form_data(form):
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value
    return data


def admin_post_data(response):
    """Everything the change form would send back unchanged: the main form and every inline formset."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data |= form_data(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= form_data(form)
    return data


def add_meeting(client, eoi, **meeting):
    change_url = reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])
    page = client.get(change_url)
    data = admin_post_data(page)
    prefix = next(
        i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model.__name__ == "Meeting"
    )
    index = int(data[f"{prefix}-INITIAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data |= {f"{prefix}-{index}-{name}": value for name, value in meeting.items()}
    return client.post(change_url, data)


def test_staff_record_a_meeting_that_the_applicants_see(client, in_dialogue, staff, partner_contact):
    client.force_login(staff)
    response = add_meeting(
        client, in_dialogue, date="2026-05-04", format="online", participants="Karin Kontakt, Nangula Shikongo"
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    meeting = in_dialogue.meetings.get()
    assert (meeting.created_by, meeting.date) == (staff, datetime.date(2026, 5, 4))
    assert in_dialogue.events.filter(kind=Event.Kind.MEETING, actor=staff).exists()

    client.force_login(partner_contact)
    html = client.get(reverse("applications:detail", args=[in_dialogue.pk])).content.decode()
    assert "Nangula Shikongo" in html and 'class="mb-2 meeting"' in html


def test_a_recorded_meeting_is_neither_changed_nor_deleted_in_the_admin(client, in_dialogue, staff):
    """The applicants read it in the EOI's record: a correction is a new meeting."""
    client.force_login(staff)
    add_meeting(client, in_dialogue, date="2026-05-04", format="online", participants="Karin Kontakt")
    meeting = in_dialogue.meetings.get()
    change_url = reverse("admin:applications_expressionofinterest_change", args=[in_dialogue.pk])
    page = client.get(change_url)
    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model.__name__ == "Meeting")
    assert not inline.has_change_permission and not inline.has_delete_permission and inline.has_add_permission
    data = admin_post_data(page)
    prefix = inline.formset.prefix
    data |= {f"{prefix}-0-id": meeting.pk, f"{prefix}-0-participants": "Somebody else", f"{prefix}-0-DELETE": "on"}
    client.post(change_url, data)
    meeting.refresh_from_db()
    assert meeting.participants == "Karin Kontakt"


def test_a_meeting_outside_the_needs_dialogue_is_refused(client, eoi, staff, german_contact, partner_contact, media):
    eoi = services.transition(submitted(eoi, german_contact, partner_contact), "start_review", by=staff)
    client.force_login(staff)
    response = add_meeting(client, eoi, date="2026-05-04", format="online", participants="Karin Kontakt")
    assert response.status_code == 200
    assert not eoi.meetings.exists()


def test_the_admin_shows_the_terms_with_their_agreement(client, in_dialogue, staff, german_contact):
    dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    client.force_login(staff)
    html = client.get(reverse("admin:applications_expressionofinterest_change", args=[in_dialogue.pk])).content
    assert url("terms", in_dialogue).encode() in html and url("terms_pdf", in_dialogue, 1).encode() in html


# --- the step to recruitment -----------------------------------------------------------------


def test_recruitment_waits_for_the_agreed_terms(
    in_dialogue, german_contact, partner_contact, staff, german_municipality, partner_municipality
):
    terms = dialogue.propose_terms(in_dialogue, values(), by=german_contact)
    dialogue.agree_terms(terms, [german_municipality], by=german_contact)
    dialogue.agree_terms(terms, [partner_municipality], by=partner_contact)
    with translation.override("en"), pytest.raises(StepRefused, match="not yet agreed by every party"):
        services.transition(in_dialogue, "start_recruitment", by=staff)

    dialogue.agree_terms(terms, [], by=staff, as_staff=True)
    eoi = services.transition(in_dialogue, "start_recruitment", by=staff)
    assert eoi.status == Status.RECRUITMENT
    with pytest.raises(ValidationError):  # the dialogue is closed now
        dialogue.propose_terms(eoi, values(expertise="Something else"), by=staff)
