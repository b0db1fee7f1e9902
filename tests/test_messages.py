import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from applications import messaging, services
from applications.admin_messages import NewMessageInline
from applications.documents import render_document
from applications.models import Event, Message
from fachkraefte import news
from fachkraefte.models import QueuedNews
from fachkraefte.uploads import ACCEPT, UploadField
from partnerships.models import Role
from tests.eoi_content import fill
from tests.factories import UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def english(user):
    user.preferred_language = "en"
    user.save()
    return user


def prefer(user, email_updates):
    user.email_updates = email_updates
    user.save()
    return user


def pdf_upload(name="minutes.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def post_url(eoi):
    return reverse("applications:message_post", args=[eoi.pk])


def detail_html(client, user, eoi):
    client.force_login(user)
    response = client.get(reverse("applications:detail", args=[eoi.pk]))
    assert response.status_code == 200
    return response.content.decode()


def mail_texts():
    return [
        " ".join([m.subject, m.body, *(content for content, _type in getattr(m, "alternatives", []))])
        for m in mail.outbox
    ]


@pytest.fixture
def submitted(eoi, german_contact, partner_contact, german_municipality, partner_municipality, media):
    eoi = fill(eoi, german_contact)
    services.confirm(eoi, [german_municipality], by=german_contact)
    services.confirm(eoi, [partner_municipality], by=partner_contact)
    return services.submit(eoi, by=german_contact)


# --- the thread on the portal ----------------------------------------------------------------


def test_contact_posts_a_message_shown_oldest_first_with_line_breaks(client, eoi, german_contact, partner_contact):
    messaging.post_message(eoi, "The first word.", by=partner_contact)
    client.force_login(german_contact)
    response = client.post(post_url(eoi), {"body": "Two lines:\nthe second one."})
    assert response.status_code == 302 and response["Location"].endswith("#messages")
    message = Message.objects.get(author=german_contact)
    assert not message.internal and message.body == "Two lines:\nthe second one."
    assert eoi.events.filter(kind=Event.Kind.MESSAGE, actor=german_contact).exists()
    html = detail_html(client, german_contact, eoi)
    assert html.index("The first word.") < html.index("Two lines:<br>the second one.")
    assert partner_contact.name in html and german_contact.name in html


def test_viewer_reads_the_thread_but_cannot_post(client, eoi, viewer, german_contact):
    messaging.post_message(eoi, "For everyone to read.", by=german_contact)
    html = detail_html(client, viewer, eoi)
    assert "For everyone to read." in html and 'id="message-form"' not in html
    assert client.post(post_url(eoi), {"body": "Let me in"}).status_code == 403
    assert not Message.objects.filter(author=viewer).exists()


def test_outsider_gets_404_posting_and_downloading(client, eoi, outsider, german_contact, media):
    message = messaging.post_message(eoi, "See attached.", by=german_contact, upload=pdf_upload())
    client.force_login(outsider)
    assert client.post(post_url(eoi), {"body": "Hello?"}).status_code == 404
    url = reverse("applications:message_attachment", args=[eoi.pk, message.pk])
    assert client.get(url).status_code == 404
    assert not Message.objects.filter(author=outsider).exists()


def test_posting_needs_login(client, eoi):
    response = client.post(post_url(eoi), {"body": "Anonymous"})
    assert response.status_code == 302 and not Message.objects.exists()


def test_empty_message_is_refused_and_nothing_saved(client, eoi, german_contact):
    english(german_contact)
    client.force_login(german_contact)
    response = client.post(post_url(eoi), {"body": "   \n  "})
    assert response.status_code == 200
    assert "Please write a message." in response.content.decode()
    assert not Message.objects.exists() and not eoi.events.filter(kind=Event.Kind.MESSAGE).exists()


def test_bad_attachment_type_keeps_the_text_says_why_and_saves_nothing(client, eoi, german_contact, media):
    english(german_contact)
    client.force_login(german_contact)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(post_url(eoi), {"body": "Here is the report we promised.", "attachment": fake})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This file type is not allowed" in html and "PDF, DOCX" in html
    assert "Here is the report we promised." in html  # the input is kept in the form
    assert not Message.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_attachment_is_kept_under_a_random_name_and_downloaded_through_the_checked_view(
    client, eoi, german_contact, viewer, media
):
    client.force_login(german_contact)
    client.post(post_url(eoi), {"body": "The council resolution.", "attachment": pdf_upload("Beschluss.pdf")})
    message = Message.objects.get()
    assert message.attachment_name == "Beschluss.pdf" and "Beschluss" not in message.attachment.name
    url = reverse("applications:message_attachment", args=[eoi.pk, message.pk])
    assert url in detail_html(client, viewer, eoi)
    response = client.get(url)  # a viewer reads, so downloads
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment;") and "Beschluss.pdf" in response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_only_programme_staff_write_internal_notes(eoi, german_contact):
    with pytest.raises(PermissionDenied):
        messaging.post_message(eoi, "Psst", by=german_contact, internal=True)
    assert not Message.objects.exists()


def test_staff_post_from_the_portal_page(client, eoi, staff):
    html = detail_html(client, staff, eoi)
    assert 'id="message-form"' in html
    assert client.post(post_url(eoi), {"body": "Programme staff here."}).status_code == 302
    assert Message.objects.get().author == staff


# --- an internal note never reaches an applicant ---------------------------------------------


def test_internal_note_never_reaches_an_applicant_by_page_mail_record_pdf_or_versions(
    client, django_capture_on_commit_callbacks, submitted, german_contact, partner_contact, viewer, staff, media
):
    secret = "INTERNAL-7f3a9c-do-not-show"
    prefer(partner_contact, "daily")  # the digest is checked too
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = messaging.post_message(
            submitted, f"{secret}: doubts about the budget", by=staff, internal=True, upload=pdf_upload("secret.pdf")
        )
        messaging.post_message(submitted, "Welcome, we have your expression of interest.", by=staff)
        messaging.post_message(submitted, "Thank you!", by=german_contact)
        services.transition(submitted, "start_review", by=staff)
    news.send_digests()
    assert len(mail.outbox) >= 4  # the message to the German contact, to staff, the decision, the digest
    assert all(secret not in text for text in mail_texts())
    assert not QueuedNews.objects.filter(context__icontains=secret).exists()

    assert not Event.objects.filter(note__contains=secret).exists()
    assert Event.objects.filter(eoi=submitted, kind=Event.Kind.MESSAGE).count() == 2

    attachment_url = reverse("applications:message_attachment", args=[submitted.pk, note.pk])
    for user in (german_contact, partner_contact, viewer):
        html = detail_html(client, user, submitted)
        assert "Welcome, we have your expression of interest." in html
        assert secret not in html and attachment_url not in html and "secret.pdf" not in html
        versions = client.get(reverse("applications:versions", args=[submitted.pk]))
        assert versions.status_code == 200 and secret not in versions.content.decode()
        assert client.get(attachment_url).status_code == 404

    document = render_document(submitted.pk, "de")
    with document.file.open("rb") as file:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)
    assert "Berlin" in text and secret not in text

    client.force_login(staff)
    assert client.get(attachment_url).status_code == 200
    admin_html = client.get(reverse("admin:applications_expressionofinterest_change", args=[submitted.pk]))
    assert secret in admin_html.content.decode()


# --- the admin -------------------------------------------------------------------------------


def admin_change_data(response):
    """What the admin change form would post back as it stands, inlines included."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and not isinstance(value, bool):
                    data[form.add_prefix(name)] = value
                elif value:
                    data[form.add_prefix(name)] = "on"
    return data


def new_message_prefix(response):
    inline = next(i for i in response.context["inline_admin_formsets"] if isinstance(i.opts, NewMessageInline))
    return inline.formset.prefix


def post_in_admin(client, eoi, body, *, internal=False, upload=None):
    url = reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = admin_change_data(page)
    prefix = new_message_prefix(page)
    data[f"{prefix}-0-body"] = body
    if internal:
        data[f"{prefix}-0-internal"] = "on"
    if upload:
        data[f"{prefix}-0-attachment"] = upload
    data["_continue"] = "1"
    return client.post(url, data)


def test_staff_post_a_message_in_the_admin_and_the_applicants_are_told(
    client, django_capture_on_commit_callbacks, eoi, staff, german_contact, partner_contact, media
):
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_in_admin(client, eoi, "Please add the council resolution.", upload=pdf_upload())
    assert response.status_code == 302, response.context and response.context["errors"]
    message = Message.objects.get()
    assert message.author == staff and not message.internal and message.attachment_name == "minutes.pdf"
    assert eoi.events.filter(kind=Event.Kind.MESSAGE, actor=staff).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([german_contact.email, partner_contact.email])
    page = client.get(reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])).content.decode()
    assert "Please add the council resolution." in page
    assert reverse("applications:message_attachment", args=[eoi.pk, message.pk]) in page


def test_internal_note_in_the_admin_is_kept_unrecorded_and_untold(
    client, django_capture_on_commit_callbacks, eoi, staff
):
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_in_admin(client, eoi, "Ask the regional office first.", internal=True)
    assert response.status_code == 302
    note = Message.objects.get()
    assert note.internal and note.author == staff
    assert not eoi.events.filter(kind=Event.Kind.MESSAGE).exists()
    assert mail.outbox == []


def test_bad_attachment_in_the_admin_is_refused_and_nothing_saved(client, eoi, staff, media):
    english(staff)
    client.force_login(staff)
    fake = SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    response = post_in_admin(client, eoi, "With a script", upload=fake)
    assert response.status_code == 200 and "This file type is not allowed" in response.content.decode()
    assert not Message.objects.exists()
    inline = next(i for i in response.context["inline_admin_formsets"] if isinstance(i.opts, NewMessageInline))
    form = inline.formset.forms[0]
    assert isinstance(form.fields["attachment"], UploadField)  # the portal's one field: its hint, its check
    assert form.fields["attachment"].widget.attrs["accept"] == ACCEPT
    assert form["body"].value() == "With a script"  # kept for the next try


def test_posted_messages_cannot_be_changed_in_the_admin(client, eoi, staff, german_contact):
    messaging.post_message(eoi, "As sent.", by=german_contact)
    client.force_login(staff)
    response = client.get(reverse("admin:applications_expressionofinterest_change", args=[eoi.pk]))
    data = admin_change_data(response)
    assert not any(key.endswith("-body") and value == "As sent." for key, value in data.items())
    assert "As sent." in response.content.decode()


# --- who is told, and how --------------------------------------------------------------------


def test_applicant_message_goes_to_each_programme_staff_member_by_name_in_their_language(
    client, django_capture_on_commit_callbacks, eoi, german_contact, partner_contact, staff
):
    english_staff = UserFactory(preferred_language="en", roles=[Role.PROGRAMME_STAFF])
    client.force_login(german_contact)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(eoi), {"body": "When will you review it?"})
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([staff.email, english_staff.email])
    assert by_address[english_staff.email].body.startswith(f"Hello {english_staff.name},")
    assert staff.name in by_address[staff.email].body
    assert "When will you review it?" in by_address[staff.email].body
    admin_link = reverse("admin:applications_expressionofinterest_change", args=[eoi.pk])
    assert admin_link in by_address[staff.email].body


def test_staff_message_goes_to_every_contact_by_name_in_their_language(
    django_capture_on_commit_callbacks, eoi, german_contact, partner_contact, staff, viewer
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "We have a question.", by=staff)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([german_contact.email, partner_contact.email])
    assert by_address[partner_contact.email].body.startswith(f"Bonjour {partner_contact.name}")
    assert german_contact.name in by_address[german_contact.email].body
    assert "We have a question." in by_address[german_contact.email].body


@pytest.mark.parametrize(
    ("preference", "mailed", "queued"), [("immediately", True, False), ("daily", False, True), ("none", False, False)]
)
def test_message_obeys_the_recipients_email_updates(
    django_capture_on_commit_callbacks, eoi, german_contact, partner_contact, staff, preference, mailed, queued
):
    prefer(partner_contact, preference)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "A question about the start date.", by=staff)
    assert (partner_contact.email in [m.to[0] for m in mail.outbox]) is mailed
    assert german_contact.email in [m.to[0] for m in mail.outbox]  # immediately, the default
    rows = QueuedNews.objects.filter(user=partner_contact, template="eoi-message")
    assert rows.exists() is queued
    if queued:
        assert rows.get().context["excerpt"] == "A question about the start date."
        assert rows.get().context["author"] == staff.name


@pytest.mark.parametrize(
    ("preference", "mailed", "queued"), [("immediately", True, False), ("daily", False, True), ("none", False, False)]
)
def test_voided_confirmations_obey_email_updates(
    django_capture_on_commit_callbacks,
    eoi,
    german_contact,
    partner_contact,
    german_municipality,
    preference,
    mailed,
    queued,
):
    from applications.models import Part
    from tests.eoi_content import stored

    eoi = fill(eoi, german_contact)
    services.confirm(eoi, [german_municipality], by=german_contact)
    prefer(partner_contact, preference)
    mail.outbox.clear()
    values = {**stored(Part.GERMAN), "motivation": "Changed after confirming."}
    with django_capture_on_commit_callbacks(execute=True):
        services.save_part(eoi, Part.GERMAN, values, version=eoi.german_version, by=german_contact)
    assert ([m.to for m in mail.outbox] == [[partner_contact.email]]) is mailed
    assert QueuedNews.objects.filter(user=partner_contact, template="eoi-confirmations-voided").exists() is queued


def test_decisions_are_sent_whatever_the_preference(
    django_capture_on_commit_callbacks, submitted, german_contact, partner_contact, staff
):
    prefer(partner_contact, "none")
    prefer(german_contact, "daily")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(submitted, "start_review", by=staff)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([german_contact.email, partner_contact.email])
    assert not QueuedNews.objects.exists()


def test_a_message_is_not_sent_to_its_author(django_capture_on_commit_callbacks, eoi, staff):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "Staff to staff would be odd.", by=staff)
    assert staff.email not in [m.to[0] for m in mail.outbox]


def test_inactive_contacts_are_not_told(
    django_capture_on_commit_callbacks, eoi, german_contact, partner_contact, staff
):
    partner_contact.is_active = False
    partner_contact.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "Anyone there?", by=staff)
    assert [m.to[0] for m in mail.outbox] == [german_contact.email]


# --- the profile -----------------------------------------------------------------------------


def test_profile_saves_the_email_updates_choice(client, german_contact):
    client.force_login(german_contact)
    response = client.post(
        reverse("partnerships:profile"),
        {"name": german_contact.name, "preferred_language": "de", "email_updates": "daily"},
    )
    assert response.status_code == 302
    german_contact.refresh_from_db()
    assert german_contact.email_updates == "daily"


def test_profile_refuses_an_unknown_choice(client, german_contact):
    client.force_login(german_contact)
    response = client.post(
        reverse("partnerships:profile"),
        {"name": german_contact.name, "preferred_language": "de", "email_updates": "hourly"},
    )
    assert response.status_code == 200 and response.context["form"].errors["email_updates"]
    german_contact.refresh_from_db()
    assert german_contact.email_updates == "immediately"
