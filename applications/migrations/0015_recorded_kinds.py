"""The record names a candidate put on the shortlist (shown to programme staff only)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0014_digests_are_one'),
    ]

    operations = [
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('created', 'Expression of interest started'), ('invited', 'Partner invited'), ('invitation_resent', 'Invitation sent again'), ('invitation_revoked', 'Invitation revoked'), ('invitation_accepted', 'Invitation accepted'), ('part_saved', 'Content changed'), ('confirmed', 'Content confirmed'), ('confirmations_voided', 'Confirmations voided by a change'), ('submitted', 'Submitted'), ('withdrawn', 'Withdrawn'), ('attachment_added', 'Attachment added'), ('attachment_removed', 'Attachment removed'), ('pdf_requested', 'PDF requested'), ('status_changed', 'Status changed'), ('meeting', 'Needs dialogue meeting recorded'), ('terms_proposed', 'Terms of reference proposed'), ('terms_agreed', 'Terms of reference agreed'), ('vacancy_published', 'Vacancy published'), ('message', 'Message'), ('exported', 'Dossier exported'), ('shortlisted', 'Candidate shortlisted'), ('shortlist_decided', 'Decision on a shortlisted candidate'), ('publication_consented', 'Consent to publication given'), ('publication_revoked', 'Consent to publication withdrawn')], max_length=30, verbose_name='what happened'),
        ),
    ]
