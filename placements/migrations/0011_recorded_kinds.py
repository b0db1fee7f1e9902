"""The placement's record names a new plan saved in the admin and a report read by programme staff."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0010_anonymised_candidates_in_old_records'),
    ]

    operations = [
        migrations.AlterField(
            model_name='placementevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Placement created'), ('begin', 'Placement begun'), ('extend', 'Placement extended'), ('complete', 'Placement completed'), ('end_early', 'Placement ended early'), ('plan_changed', 'Dates, employer or places changed'), ('report_submitted', 'Report submitted'), ('report_read', 'Report read by programme staff'), ('report_reminded', 'Reminder of a report sent'), ('specialist_invited', 'Specialist invited to the portal'), ('specialist_joined', "Specialist's account created"), ('publication_consented', 'Consent to publication given'), ('publication_revoked', 'Consent to publication withdrawn')], max_length=30, verbose_name='what happened'),
        ),
    ]
