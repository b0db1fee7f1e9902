import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import messaging, notifications, services
from applications.digests import send_overdue_digest
from applications.models import ExpressionOfInterest, Status
from fachkraefte.celery import app as celery_app
from fachkraefte.models import QueuedNews
from fachkraefte.news import send_digests
from partnerships.models import Role
from tests.factories import UserFactory


def prefer(user, email_updates, language=None):
    user.email_updates = email_updates
    user.preferred_language = language or user.preferred_language
    user.save()
    return user


def queue_two_messages(django_capture_on_commit_callbacks, eoi, staff):
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "First question: the start date.", by=staff)
        messaging.post_message(eoi, "Second question: the languages.", by=staff)


# --- news digests ----------------------------------------------------------------------------


def test_daily_news_arrive_in_one_email_per_user_by_name_in_their_language(
    django_capture_on_commit_callbacks, eoi, german_contact, partner_contact, staff
):
    prefer(german_contact, "daily", "en")
    prefer(partner_contact, "daily")  # French
    queue_two_messages(django_capture_on_commit_callbacks, eoi, staff)
    assert mail.outbox == [] and QueuedNews.objects.count() == 4

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([german_contact.email, partner_contact.email])
    english = by_address[german_contact.email]
    assert english.subject == "Your daily digest: 2 pieces of news"
    assert english.body.startswith(f"Hello {german_contact.name},")
    assert "First question: the start date." in english.body and "Second question: the languages." in english.body
    assert reverse("applications:detail", args=[eoi.pk]) in english.body
    html = english.alternatives[0][0]
    assert german_contact.name in html and "Second question: the languages." in html
    assert by_address[partner_contact.email].body.startswith(f"Bonjour {partner_contact.name}")
    assert not QueuedNews.objects.exists()


def test_news_digest_runs_twice_but_sends_once(django_capture_on_commit_callbacks, eoi, partner_contact, staff):
    prefer(partner_contact, "daily")
    queue_two_messages(django_capture_on_commit_callbacks, eoi, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
        send_digests()
    assert [m.to for m in mail.outbox] == [[partner_contact.email]]


def test_news_queued_after_a_digest_go_in_the_next_one(django_capture_on_commit_callbacks, eoi, partner_contact, staff):
    prefer(partner_contact, "daily")
    queue_two_messages(django_capture_on_commit_callbacks, eoi, staff)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
        messaging.post_message(eoi, "A third, later question.", by=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    partner_mails = [m for m in mail.outbox if m.to == [partner_contact.email]]
    assert len(partner_mails) == 1
    assert "A third, later question." in partner_mails[0].body
    assert "First question" not in partner_mails[0].body


def test_nothing_queued_sends_nothing(django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert mail.outbox == []


def test_queued_news_are_dropped_when_the_user_turns_news_off(
    django_capture_on_commit_callbacks, eoi, partner_contact, staff
):
    prefer(partner_contact, "daily")
    queue_two_messages(django_capture_on_commit_callbacks, eoi, staff)
    prefer(partner_contact, "none")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    assert mail.outbox == []
    assert not QueuedNews.objects.exists()


def test_staff_on_daily_get_messages_and_new_work_in_one_digest(
    django_capture_on_commit_callbacks, eoi, german_contact, staff
):
    prefer(staff, "daily", "en")
    with django_capture_on_commit_callbacks(execute=True):
        messaging.post_message(eoi, "Can we start in March?\nThe council meets in February.", by=german_contact)
        notifications.staff_submitted(eoi.pk, resubmitted=False)
    assert [m for m in mail.outbox if m.to == [staff.email]] == []

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    (digest,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert digest.subject == "Your daily digest: 2 pieces of news"
    assert f"New message from {german_contact.name}" in digest.body
    assert "Can we start in March?" in digest.body  # the message's excerpt, not only its subject
    assert f"New submission: expression of interest {eoi.pk} of {eoi.partnership}" in digest.body
    html = digest.alternatives[0][0]
    assert "Can we start in March?<br>The council meets in February." in html


# --- news kept before the digests were one (applications migration 0014) ---------------------

BEFORE_ONE_DIGEST = [
    ("applications", "0013_terms_agreed_covering_index"),
    ("fachkraefte", "0003_accessibility_feedback"),
]
ONE_DIGEST = [("applications", "0014_digests_are_one")]


@pytest.mark.django_db(transaction=True)
def test_news_kept_for_the_old_digest_move_to_the_one_digest_as_worded(
    django_capture_on_commit_callbacks, eoi, partner_contact, settings
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    prefer(partner_contact, "daily")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_ONE_DIGEST)
    kept = executor.loader.project_state(BEFORE_ONE_DIGEST).apps.get_model("applications", "QueuedNotification")
    kept.objects.create(
        user_id=partner_contact.pk, eoi_id=eoi.pk, text="Nouveau message de Anna\nOn commence en mars ?"
    )
    kept.objects.create(user_id=partner_contact.pk, eoi_id=eoi.pk, text="Déjà envoyé", sent_at=timezone.now())
    crontab = CrontabSchedule.objects.create(hour="7", minute="0")
    PeriodicTask.objects.create(name="news-digests", task="applications.digests.send_news_digests", crontab=crontab)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(ONE_DIGEST)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert not PeriodicTask.objects.filter(name="news-digests").exists()
    (moved,) = QueuedNews.objects.all()
    assert moved.user_id == partner_contact.pk and moved.template == "worded-news"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    (digest,) = mail.outbox
    assert "- Nouveau message de Anna\n  On commence en mars ?" in digest.body
    assert settings.PORTAL_URL.rstrip("/") + reverse("applications:detail", args=[eoi.pk]) in digest.body
    assert "Déjà envoyé" not in digest.body


# --- the overdue digest ----------------------------------------------------------------------


def make_eoi(partnership, by, status, days_in_status):
    eoi = services.start(partnership, list(partnership.municipalities.all()), "integrated", by=by)
    # Test set-up only: the workflow would take weeks to get here.
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        status=status, status_changed_at=timezone.now() - datetime.timedelta(days=days_in_status, hours=1)
    )
    return eoi


@pytest.fixture
def overdue_world(partnership, german_contact, models_open_in_namibia):
    limits = settings.EOI_STATUS_LIMITS
    return {
        "submitted_late": make_eoi(partnership, german_contact, Status.SUBMITTED, limits["submitted"] + 2),
        "review_late": make_eoi(partnership, german_contact, Status.IN_REVIEW, limits["in_review"] + 10),
        "review_in_time": make_eoi(partnership, german_contact, Status.IN_REVIEW, limits["in_review"] - 1),
        "old_draft": make_eoi(partnership, german_contact, Status.DRAFT, 400),  # a draft has no limit
        "placed": make_eoi(partnership, german_contact, Status.PLACED, 400),
    }


def test_overdue_digest_lists_each_overdue_eoi_with_its_numbers_for_each_staff_member(
    overdue_world, staff, django_capture_on_commit_callbacks
):
    english_staff = UserFactory(preferred_language="en", roles=[Role.PROGRAMME_STAFF])
    not_staff = UserFactory(is_staff=True)
    limits = settings.EOI_STATUS_LIMITS
    with django_capture_on_commit_callbacks(execute=True):
        assert send_overdue_digest() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == sorted([staff.email, english_staff.email])
    assert not_staff.email not in by_address
    body = by_address[english_staff.email].body
    assert by_address[english_staff.email].subject == "2 expressions of interest are overdue"
    assert body.startswith(f"Hello {english_staff.name},")
    late, review_late = overdue_world["submitted_late"], overdue_world["review_late"]
    assert f"Expression of interest {late.pk} (" in body
    assert f"“Submitted” for {limits['submitted'] + 2} days (at most {limits['submitted']})" in body
    assert f"“In eligibility review” for {limits['in_review'] + 10} days (at most {limits['in_review']})" in body
    for eoi in (late, review_late):
        assert reverse("admin:applications_expressionofinterest_change", args=[eoi.pk]) in body
    for eoi in (overdue_world["review_in_time"], overdue_world["old_draft"], overdue_world["placed"]):
        assert f"Expression of interest {eoi.pk} (" not in body
    assert staff.name in by_address[staff.email].body


def test_no_overdue_eoi_no_email(partnership, german_contact, models_open_in_namibia, staff):
    make_eoi(partnership, german_contact, Status.SUBMITTED, 1)
    assert send_overdue_digest() == 0
    assert mail.outbox == []


# --- the schedule ----------------------------------------------------------------------------


def test_beat_schedule_names_registered_tasks_and_reaches_the_database_scheduler(db, monkeypatch):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from fachkraefte.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert {"fachkraefte.tasks.send_news_digests", "applications.digests.send_overdue_digest"} <= names
    assert names <= set(app.tasks)
    # The scheduler closes "old" connections, which inside a test's transaction is the test's own.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    DatabaseScheduler(app=app)
    assert names <= set(PeriodicTask.objects.values_list("task", flat=True))
