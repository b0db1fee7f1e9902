"""Every field has a label in the reader's language (the admin showed some in English, from their names)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0013_created_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='activity',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='changed on'),
        ),
        migrations.AlterField(
            model_name='candidate',
            name='cv_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name of the CV'),
        ),
        migrations.AlterField(
            model_name='historicalcandidate',
            name='cv_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name of the CV'),
        ),
        migrations.AlterField(
            model_name='networkevent',
            name='reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='reminder sent on'),
        ),
        migrations.AlterField(
            model_name='placementevent',
            name='placement',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='placements.placement', verbose_name='placement'),
        ),
        migrations.AlterField(
            model_name='registration',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='registered on'),
        ),
        migrations.AlterField(
            model_name='report',
            name='last_reminded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last reminder'),
        ),
        migrations.AlterField(
            model_name='report',
            name='pdf',
            field=models.FileField(blank=True, upload_to='report-pdfs/', verbose_name='PDF'),
        ),
        migrations.AlterField(
            model_name='report',
            name='submitted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='submitted on'),
        ),
        migrations.AlterField(
            model_name='report',
            name='submitted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
        ),
        migrations.AlterField(
            model_name='shortlistentry',
            name='added_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='added on'),
        ),
        migrations.AlterField(
            model_name='shortlistentry',
            name='added_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by'),
        ),
    ]
