"""A double click, two tabs: two concurrent submits or transitions of one EOI give one change, one event, one e-mail."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from applications import services
from applications.models import Event, Status
from fachkraefte.models import OutboundEmail
from fachkraefte.workflow import StepRefused
from tests.conftest import PortalClient
from tests.eoi_content import fill
from tests.workflow import submitted

pytestmark = pytest.mark.django_db(transaction=True)  # two connections on PostgreSQL, each committing


def at_once(action, times=2):
    """Run action(i) in `times` threads released together; returns what each returned or raised."""
    barrier = threading.Barrier(times)
    outcomes = [None] * times

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = action(i)
        except Exception as error:  # the refusal is the outcome we look at
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_tabs_submitting_at_once_submit_once_and_mail_once(eoi, german_contact, partner_contact, media):
    eoi = fill(eoi, german_contact)
    german, partner = (p.municipality for p in eoi.participants.order_by("side"))
    services.confirm(eoi, [german], by=german_contact)
    services.confirm(eoi, [partner], by=partner_contact)
    tabs = [PortalClient(), PortalClient()]
    for tab in tabs:
        tab.force_login(german_contact)

    outcomes = at_once(lambda i: tabs[i].post(reverse("applications:submit", args=[eoi.pk])).status_code)

    assert outcomes == [302, 302]  # the second tab is told it was submitted already, not shown an error page
    eoi.refresh_from_db()
    assert eoi.status == Status.SUBMITTED
    assert eoi.events.filter(kind=Event.Kind.SUBMITTED).count() == 1
    rows = OutboundEmail.objects.filter(template="eoi-submitted")
    assert sorted(r.to[0] for r in rows) == sorted([german_contact.email, partner_contact.email])
    assert len(mail.outbox) == 2
    assert eoi.versions.filter(submitted=True).count() == 1


def test_two_identical_staff_transitions_at_once_run_once_and_mail_once(
    eoi, staff, german_contact, partner_contact, media
):
    eoi = submitted(eoi, german_contact, partner_contact)
    mail.outbox.clear()

    outcomes = at_once(lambda i: services.transition(eoi, "start_review", by=staff).status)

    refused = [o for o in outcomes if isinstance(o, StepRefused)]
    assert len(refused) == 1  # the second waited for the row lock, then found the step done
    assert [o for o in outcomes if o not in refused] == [Status.IN_REVIEW]
    eoi.refresh_from_db()
    assert eoi.status == Status.IN_REVIEW
    assert eoi.events.filter(kind=Event.Kind.STATUS_CHANGED, from_status=Status.SUBMITTED).count() == 1
    rows = OutboundEmail.objects.filter(template="eoi-status-changed")
    assert sorted(r.to[0] for r in rows) == sorted([german_contact.email, partner_contact.email])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([german_contact.email, partner_contact.email])
