import pytest
from django.core import mail
from django.urls import reverse

from applications import services
from applications.models import Confirmation, Event, ExpressionOfInterest, Part, Status
from fachkraefte.workflow import StepRefused
from partnerships.models import Country, ModelAvailability, SpecialistModel
from tests.eoi_content import POSTED, fill, stored
from tests.factories import PartnerMunicipalityFactory, PartnershipFactory
from tests.workflow import submitted


def english(user):
    user.preferred_language = "en"
    user.save()
    return user


def edit_url(eoi, part):
    return reverse("applications:edit", args=[eoi.pk, part])


def post_part(client, eoi, part, **changes):
    data = {**POSTED[part], "version": eoi.version_of(part), **changes}
    return client.post(edit_url(eoi, part), data)


# --- starting --------------------------------------------------------------------------------


def test_german_contact_starts_an_eoi(client, partnership, german_contact, models_open_in_namibia):
    client.force_login(german_contact)
    municipalities = [m.pk for m in partnership.municipalities.all()]
    response = client.post(
        reverse("applications:start", args=[partnership.pk]),
        {"municipalities": municipalities, "specialist_model": "local"},
    )
    eoi = ExpressionOfInterest.objects.get()
    assert response.status_code == 302
    assert eoi.status == Status.DRAFT and eoi.created_by == german_contact
    assert sorted(p.municipality_id for p in eoi.participants.all()) == sorted(municipalities)
    assert eoi.events.get().kind == Event.Kind.CREATED


def test_model_closed_in_the_country_is_refused_naming_country_and_open_models(
    client, partnership, german_contact, models_open_in_namibia
):
    english(german_contact)
    ModelAvailability.objects.filter(country__code="NA", model=SpecialistModel.INTEGRATED).update(is_open=False)
    client.force_login(german_contact)
    response = client.post(
        reverse("applications:start", args=[partnership.pk]),
        {"municipalities": [m.pk for m in partnership.municipalities.all()], "specialist_model": "integrated"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not open in Namibia" in html
    assert "Development worker (GIZ)" in html and "Local expert" in html
    assert not ExpressionOfInterest.objects.exists()


def test_country_off_the_oda_list_is_refused(client, german_contact, german_municipality):
    english(german_contact)
    lyon = PartnerMunicipalityFactory(name="Lyon", country="FR")
    partnership = PartnershipFactory(german=german_municipality, partner=lyon)
    client.force_login(german_contact)
    response = client.post(
        reverse("applications:start", args=[partnership.pk]),
        {"municipalities": [german_municipality.pk, lyon.pk], "specialist_model": "local"},
    )
    assert "France is not on the OECD DAC list" in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()


def test_start_needs_both_sides(client, partnership, german_contact, german_municipality, models_open_in_namibia):
    client.force_login(german_contact)
    response = client.post(
        reverse("applications:start", args=[partnership.pk]),
        {"municipalities": [german_municipality.pk], "specialist_model": "local"},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ExpressionOfInterest.objects.exists()


def test_partner_contact_and_viewer_cannot_start(client, partnership, partner_contact, viewer):
    for user in (partner_contact, viewer):
        client.force_login(user)
        assert client.get(reverse("applications:start", args=[partnership.pk])).status_code == 403


def test_outsider_cannot_start_for_someone_elses_partnership(client, partnership, outsider):
    client.force_login(outsider)
    assert client.get(reverse("applications:start", args=[partnership.pk])).status_code == 404


# --- editing by side -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("german_contact", {Part.GERMAN, Part.SHARED}),
        ("partner_contact", {Part.PARTNER, Part.SHARED}),
        ("viewer", set()),
    ],
)
def test_each_side_edits_its_own_parts_and_the_shared_ones(client, eoi, request, persona, allowed):
    client.force_login(request.getfixturevalue(persona))
    for part in Part:
        response = post_part(client, eoi, part)
        assert response.status_code == (302 if part in allowed else 403), part
    eoi.refresh_from_db()
    assert bool(eoi.motivation) == (Part.GERMAN in allowed)
    assert bool(eoi.need) == (Part.PARTNER in allowed)


def test_step_saves_and_moves_on(client, eoi, german_contact):
    client.force_login(german_contact)
    response = post_part(client, eoi, Part.GERMAN, go="shared")
    assert response["Location"] == edit_url(eoi, "shared")
    eoi.refresh_from_db()
    assert eoi.motivation == POSTED[Part.GERMAN]["motivation"]
    assert eoi.german_version == 1


def test_leaving_a_step_saves_a_draft_even_when_incomplete(client, eoi, german_contact):
    client.force_login(german_contact)
    response = client.post(edit_url(eoi, "german"), {"motivation": "Half a thought", "version": 0, "go": "overview"})
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.motivation == "Half a thought"


def test_bad_input_keeps_everything_typed_and_saves_nothing(client, eoi, partner_contact):
    english(partner_contact)
    client.force_login(partner_contact)
    response = post_part(client, eoi, Part.PARTNER, partner_contact_email="not-an-address", wished_start="someday")
    html = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "partner_contact_email" in errors and "wished_start" in errors
    assert POSTED[Part.PARTNER]["need"] in html and "not-an-address" in html
    eoi.refresh_from_db()
    assert eoi.need == "" and eoi.partner_version == 0


def test_language_without_level_is_refused(client, eoi, partner_contact):
    client.force_login(partner_contact)
    response = post_part(client, eoi, Part.PARTNER, level_1="")
    assert "level_1" in response.context["form"].errors


def test_unknown_part_is_404(client, eoi, german_contact):
    client.force_login(german_contact)
    assert client.get(edit_url(eoi, "everything")).status_code == 404


# --- two people at once ----------------------------------------------------------------------


def test_stale_save_is_refused_and_shows_both_versions(client, eoi, german_contact, partner_contact):
    english(partner_contact)
    services.save_part(
        eoi,
        Part.SHARED,
        {**stored(Part.SHARED), "principle_transparency": "German wording"},
        version=0,
        by=german_contact,
    )
    client.force_login(partner_contact)
    response = post_part(client, eoi, Part.SHARED, version=0, principle_transparency="Partner wording")
    html = response.content.decode()
    assert response.status_code == 409
    assert "German wording" in html and "Partner wording" in html
    assert response.context["form"]["version"].value() == 1  # the next save, after merging, goes through
    eoi.refresh_from_db()
    assert eoi.principle_transparency == "German wording"
    merged = post_part(client, eoi, Part.SHARED, version=1, principle_transparency="Merged wording")
    assert merged.status_code == 302
    eoi.refresh_from_db()
    assert eoi.principle_transparency == "Merged wording" and eoi.shared_version == 2


def test_parts_of_different_sides_do_not_conflict(eoi, german_contact, partner_contact):
    services.save_part(eoi, Part.GERMAN, stored(Part.GERMAN), version=0, by=german_contact)
    services.save_part(eoi, Part.PARTNER, stored(Part.PARTNER), version=0, by=partner_contact)
    eoi.refresh_from_db()
    assert eoi.motivation and eoi.need


# --- confirmation and submission -------------------------------------------------------------


def confirm_both(eoi, german_contact, partner_contact, german_municipality, partner_municipality):
    services.confirm(eoi, [german_municipality], by=german_contact)
    services.confirm(eoi, [partner_municipality], by=partner_contact)


def test_an_edit_voids_all_confirmations_and_tells_the_others(
    client,
    django_capture_on_commit_callbacks,
    eoi,
    german_contact,
    partner_contact,
    german_municipality,
    partner_municipality,
):
    eoi = fill(eoi, german_contact)
    confirm_both(eoi, german_contact, partner_contact, german_municipality, partner_municipality)
    assert Confirmation.objects.standing().count() == 2
    mail.outbox.clear()
    english(german_contact)
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        post_part(client, eoi, Part.GERMAN, motivation="A better motivation")
    assert Confirmation.objects.standing().count() == 0
    assert eoi.events.filter(kind=Event.Kind.CONFIRMATIONS_VOIDED).exists()
    assert [m.to for m in mail.outbox] == [[partner_contact.email]]
    assert partner_contact.name in mail.outbox[0].body
    page = client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    assert 'id="voided-notice"' in page and 'id="confirm-button"' in page


def test_saving_unchanged_content_keeps_confirmations(eoi, german_contact, partner_contact, german_municipality):
    eoi = fill(eoi, german_contact)
    services.confirm(eoi, [german_municipality], by=german_contact)
    services.save_part(eoi, Part.GERMAN, stored(Part.GERMAN), version=eoi.german_version, by=german_contact)
    assert Confirmation.objects.standing().count() == 1


def test_submit_is_refused_naming_what_and_who_is_missing(client, eoi, german_contact, german_municipality):
    english(german_contact)
    services.save_part(eoi, Part.GERMAN, stored(Part.GERMAN), version=0, by=german_contact)
    services.confirm(eoi, [german_municipality], by=german_contact)
    client.force_login(german_contact)
    response = client.post(reverse("applications:submit", args=[eoi.pk]), follow=True)
    html = response.content.decode()
    assert "Partner side is incomplete" in html
    assert "Not yet confirmed by: Windhoek" in html
    assert "Berlin" not in html.split("Not yet confirmed by:")[1].split(".")[0]
    eoi.refresh_from_db()
    assert eoi.status == Status.DRAFT


def test_submit_when_complete_and_confirmed(
    client,
    django_capture_on_commit_callbacks,
    eoi,
    german_contact,
    partner_contact,
    german_municipality,
    partner_municipality,
    media,
):
    eoi = fill(eoi, german_contact)
    confirm_both(eoi, german_contact, partner_contact, german_municipality, partner_municipality)
    mail.outbox.clear()
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:submit", args=[eoi.pk]))
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.status == Status.SUBMITTED and eoi.submitted_at
    event = eoi.events.get(kind=Event.Kind.SUBMITTED)
    assert event.actor == german_contact
    assert sorted(m.to[0] for m in mail.outbox) == sorted([german_contact.email, partner_contact.email])
    assert {m.body.split(",")[0] for m in mail.outbox} >= {f"Bonjour {partner_contact.name}"}
    assert eoi.versions.get(submitted=True).fingerprint == eoi.fingerprint()
    assert set(eoi.documents.values_list("language", flat=True)) == {"de", "fr"}


def test_submit_twice_is_refused(
    eoi, german_contact, partner_contact, german_municipality, partner_municipality, media
):
    eoi = fill(eoi, german_contact)
    confirm_both(eoi, german_contact, partner_contact, german_municipality, partner_municipality)
    services.submit(eoi, by=german_contact)
    with pytest.raises(StepRefused):
        services.submit(eoi, by=german_contact)
    assert eoi.events.filter(kind=Event.Kind.SUBMITTED).count() == 1


def test_a_change_after_confirmation_blocks_submission(
    eoi, german_contact, partner_contact, german_municipality, partner_municipality
):
    eoi = fill(eoi, german_contact)
    confirm_both(eoi, german_contact, partner_contact, german_municipality, partner_municipality)
    eoi = services.save_part(
        eoi, Part.PARTNER, {**stored(Part.PARTNER), "need": "Changed"}, version=eoi.partner_version, by=partner_contact
    )
    with pytest.raises(StepRefused) as refused:
        services.submit(eoi, by=german_contact)
    assert "Berlin" in refused.value.message and "Windhoek" in refused.value.message


def test_viewer_cannot_confirm_submit_or_withdraw(client, eoi, viewer):
    client.force_login(viewer)
    for name in ("confirm", "submit", "withdraw"):
        assert client.post(reverse(f"applications:{name}", args=[eoi.pk])).status_code == 403
    assert not Confirmation.objects.exists()


def test_confirmed_version_is_kept(eoi, german_contact, german_municipality):
    eoi = fill(eoi, german_contact)
    services.confirm(eoi, [german_municipality], by=german_contact)
    version = eoi.versions.get()
    assert version.number == 1 and version.content["motivation"] == POSTED[Part.GERMAN]["motivation"]


# --- withdrawal ------------------------------------------------------------------------------


def test_withdraw_with_a_reason(client, django_capture_on_commit_callbacks, eoi, german_contact, partner_contact):
    client.force_login(german_contact)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:withdraw", args=[eoi.pk]), {"reason": "Council said no"})
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.status == Status.WITHDRAWN
    assert eoi.events.get(kind=Event.Kind.WITHDRAWN).note == "Council said no"
    assert partner_contact.email in [m.to[0] for m in mail.outbox]


def test_withdraw_needs_a_reason(client, eoi, german_contact):
    client.force_login(german_contact)
    response = client.post(reverse("applications:withdraw", args=[eoi.pk]), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    eoi.refresh_from_db()
    assert eoi.status == Status.DRAFT


def test_withdrawn_eoi_cannot_be_withdrawn_or_edited_again(client, eoi, german_contact):
    services.withdraw(eoi, "first", by=german_contact)
    client.force_login(german_contact)
    client.post(reverse("applications:withdraw", args=[eoi.pk]), {"reason": "again"})
    assert eoi.events.filter(kind=Event.Kind.WITHDRAWN).count() == 1
    assert post_part(client, eoi, Part.GERMAN).status_code == 403


# --- dashboard -------------------------------------------------------------------------------


def test_dashboard_shows_status_whose_turn_and_next_step(client, eoi, partner_contact):
    english(partner_contact)
    client.force_login(partner_contact)
    html = client.get(reverse("applications:dashboard")).content.decode()
    assert str(eoi.partnership) in html
    assert "Draft" in html and "German side" in html


def test_dashboard_queries_do_not_grow_with_eois(client, german_contact, partnership, models_open_in_namibia):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(german_contact)
    municipalities = list(partnership.municipalities.all())
    services.start(partnership, municipalities, "local", by=german_contact)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("applications:dashboard"))
    for _ in range(6):
        services.start(partnership, municipalities, "local", by=german_contact)
    with CaptureQueriesContext(connection) as seven:
        client.get(reverse("applications:dashboard"))
    assert len(seven) == len(one)


def test_dashboard_reads_the_partnerships_to_start_in_one_query(client, german_contact, partnership):
    """The "start a new one" list names each partnership: nothing of its municipalities is read for it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(german_contact)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("applications:dashboard")).content.decode()
    assert str(partnership) in html and reverse("applications:start", args=[partnership.pk]) in html
    reading = [q["sql"] for q in queries if q["sql"].startswith('SELECT "partnerships_partnershipparticipant"')]
    assert reading == []


def test_a_submitted_eoi_draws_no_checklist_and_reads_no_confirmations(client, eoi, german_contact, partner_contact):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(german_contact)
    assert 'id="checklist"' in client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    submitted(eoi, german_contact, partner_contact)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    assert 'id="checklist"' not in page and 'id="confirm-button"' not in page
    assert not [q["sql"] for q in queries if q["sql"].startswith('SELECT "applications_confirmation"')]


def test_detail_shows_the_timeline(client, eoi, german_contact):
    client.force_login(german_contact)
    response = client.get(reverse("applications:detail", args=[eoi.pk]))
    assert response.status_code == 200
    assert list(response.context["events"])[0].kind == Event.Kind.CREATED


def test_staff_read_every_eoi(client, eoi, staff):
    client.force_login(staff)
    assert client.get(reverse("applications:detail", args=[eoi.pk])).status_code == 200
    assert post_part(client, eoi, Part.GERMAN).status_code == 403


def test_country_availability_is_rechecked_on_start(partnership, german_contact, models_open_in_namibia):
    Country.objects.get(code="NA").availabilities.update(is_open=False)
    with pytest.raises(services.ValidationError):
        services.start(partnership, list(partnership.municipalities.all()), "local", by=german_contact)


def test_unconfirmed_partnership_cannot_start_an_eoi(client, partnership, german_contact, models_open_in_namibia):
    partnership.confirmed = False
    partnership.save()
    client.force_login(german_contact)
    assert client.get(reverse("applications:start", args=[partnership.pk])).status_code == 404
    assert partnership not in client.get(reverse("applications:dashboard")).context["partnerships"]


@pytest.mark.parametrize("persona", ["german_contact", "partner_contact", "viewer", "staff"])
def test_the_withdraw_link_shows_to_exactly_whom_the_withdraw_page_lets_in(client, request, eoi, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    page = client.get(reverse("applications:detail", args=[eoi.pk])).content.decode()
    withdraw = reverse("applications:withdraw", args=[eoi.pk])
    assert (withdraw in page) == (client.get(withdraw).status_code == 200)
