"""The security log and sent e-mails are deleted after their retention period; nothing else is."""

import datetime

import pytest
from django.utils import timezone

from fachkraefte.models import AuditEntry, OutboundEmail
from fachkraefte.tasks import purge_expired_records

NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def log_entry(age_days):
    entry = AuditEntry.objects.create(kind=AuditEntry.Kind.LOGIN, username="anna@example.org")
    AuditEntry.objects.filter(pk=entry.pk).update(at=days_ago(age_days))  # `at` is set on creation
    return entry


def mail(state, sent_days_ago=None):
    sent_at = days_ago(sent_days_ago) if sent_days_ago is not None else None
    return OutboundEmail.objects.create(
        template="t", to=["anna@example.org"], language="de", subject="s", text="t", state=state, sent_at=sent_at
    )


@pytest.mark.django_db
def test_old_log_entries_and_old_sent_mail_go_the_rest_stays(settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 365
    settings.SENT_MAIL_RETENTION_DAYS = 90
    log_entry(366)
    recent_entry = log_entry(364)
    mail("sent", 91)
    recent_sent = mail("sent", 89)
    waiting = mail("pending")
    failed = mail("failed")
    OutboundEmail.objects.filter(pk__in=[waiting.pk, failed.pk]).update(created_at=days_ago(400))

    assert purge_expired_records() == {"security_log": 1, "sent_mail": 1}

    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {recent_entry.pk}
    kept = set(OutboundEmail.objects.values_list("pk", flat=True))
    assert kept == {recent_sent.pk, waiting.pk, failed.pk}  # never sent: staff must see it


@pytest.mark.django_db
def test_the_periods_are_settings(settings):
    log_entry(40)
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    assert purge_expired_records()["security_log"] == 1


def test_the_purge_runs_every_night():
    from fachkraefte.celery import app as celery_app

    jobs = {job["task"] for job in celery_app.conf.beat_schedule.values()}
    assert "fachkraefte.tasks.purge_expired_records" in jobs
