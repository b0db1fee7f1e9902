"""Each municipality's shortlist decision is its own (issue 13.1).

The one decision per shortlisted candidate becomes a decision of the municipality of whoever decided:
of each participating municipality they were a contact of (or, failing that, a member of). Undecided
entries get no decision; a decision nobody can be found for any more (the person's account or their
membership gone) is dropped: that candidate then waits for the municipalities again. A decline whose
reason was erased with the candidate's personal data keeps that fact in `reason_erased_at`.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def decisions_per_municipality(apps, schema_editor):
    ShortlistEntry = apps.get_model("placements", "ShortlistEntry")
    ShortlistDecision = apps.get_model("placements", "ShortlistDecision")
    Participant = apps.get_model("applications", "Participant")
    Membership = apps.get_model("partnerships", "MunicipalityMembership")
    decided = ShortlistEntry.objects.exclude(decision="pending").filter(decided_by__isnull=False)
    for entry in decided.select_related("candidate").iterator():
        participating = Participant.objects.filter(eoi_id=entry.eoi_id).values("municipality_id")
        memberships = Membership.objects.filter(user_id=entry.decided_by_id, municipality_id__in=participating)
        contact_of = memberships.filter(role="contact")
        erased = None
        if entry.decision == "declined" and not entry.reason:
            erased = entry.candidate.anonymised_at or django.utils.timezone.now()
        for municipality_id in (contact_of if contact_of.exists() else memberships).values_list(
            "municipality_id", flat=True
        ):
            ShortlistDecision.objects.create(
                entry=entry,
                municipality_id=municipality_id,
                decision=entry.decision,
                reason=entry.reason,
                decided_by_id=entry.decided_by_id,
                decided_at=entry.decided_at or entry.added_at,
                reason_erased_at=erased,
            )
    check_foreign_keys_now(schema_editor)


def one_decision_per_entry(apps, schema_editor):
    """Backwards: a decline by any municipality, else the latest acceptance, becomes the entry's one decision."""
    ShortlistDecision = apps.get_model("placements", "ShortlistDecision")
    for decision in ShortlistDecision.objects.order_by("entry_id", "-decision", "-decided_at"):
        entry = decision.entry
        if entry.decision != "pending":
            continue  # the entry already carries the decline (or the latest acceptance)
        entry.decision, entry.reason = decision.decision, decision.reason
        entry.decided_by_id, entry.decided_at = decision.decided_by_id, decision.decided_at
        entry.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    check_foreign_keys_now(schema_editor)


def check_foreign_keys_now(schema_editor):
    """PostgreSQL refuses to alter a table with deferred checks pending: run them before the next schema step."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0004_event_params"),
        ("partnerships", "0008_membership_changes"),
        ("placements", "0004_one_record_and_report_workflow"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ShortlistDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision', models.CharField(choices=[('accepted', 'accepted'), ('declined', 'declined')], max_length=10, verbose_name='decision')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='decided')),
                ('reason_erased_at', models.DateTimeField(blank=True, null=True, verbose_name='reason erased')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='placements.shortlistentry', verbose_name='shortlisted candidate')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnerships.municipality', verbose_name='municipality')),
            ],
            options={
                'verbose_name': 'shortlist decision',
                'verbose_name_plural': 'shortlist decisions',
                'ordering': ['entry', 'decided_at'],
                'constraints': [models.UniqueConstraint(fields=('entry', 'municipality'), name='one_shortlist_decision_per_municipality', violation_error_message='This municipality has already decided on this candidate.'), models.CheckConstraint(condition=models.Q(('decision__in', ['accepted', 'declined'])), name='shortlist_decision_accepted_or_declined'), models.CheckConstraint(condition=models.Q(('decision', 'accepted'), models.Q(('reason', ''), _negated=True), ('reason_erased_at__isnull', False), _connector='OR'), name='shortlist_decline_has_a_reason', violation_error_message='Please say why you decline this candidate.')],
            },
        ),
        migrations.RunPython(decisions_per_municipality, one_decision_per_entry),
        migrations.RemoveField(model_name="shortlistentry", name="decided_at"),
        migrations.RemoveField(model_name="shortlistentry", name="decided_by"),
        migrations.RemoveField(model_name="shortlistentry", name="decision"),
        migrations.RemoveField(model_name="shortlistentry", name="reason"),
    ]
