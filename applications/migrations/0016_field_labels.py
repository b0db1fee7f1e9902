"""Every field has a label in the reader's language (the admin showed some in English, from their names)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0015_recorded_kinds'),
        ('partnerships', '0013_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='attachment',
            name='content_type',
            field=models.CharField(max_length=120, verbose_name='file type'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='uploaded_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='uploaded on'),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='uploaded_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='confirmed_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='confirmed on'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='confirmed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='confirmations', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='fingerprint',
            field=models.CharField(max_length=64, verbose_name='fingerprint of the content'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnerships.municipality', verbose_name='municipality'),
        ),
        migrations.AlterField(
            model_name='confirmation',
            name='voided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='voided on'),
        ),
        migrations.AlterField(
            model_name='document',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='document',
            name='file',
            field=models.FileField(blank=True, upload_to='eoi-pdfs/', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='document',
            name='fingerprint',
            field=models.CharField(max_length=64, verbose_name='fingerprint of the content'),
        ),
        migrations.AlterField(
            model_name='document',
            name='ready_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ready on'),
        ),
        migrations.AlterField(
            model_name='document',
            name='requested_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='requested on'),
        ),
        migrations.AlterField(
            model_name='document',
            name='state',
            field=models.CharField(choices=[('preparing', 'being prepared'), ('ready', 'ready')], default='preparing', max_length=10, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='event',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='expressionofinterest',
            name='german_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the German part'),
        ),
        migrations.AlterField(
            model_name='expressionofinterest',
            name='partner_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the partner part'),
        ),
        migrations.AlterField(
            model_name='expressionofinterest',
            name='shared_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the shared part'),
        ),
        migrations.AlterField(
            model_name='historicalexpressionofinterest',
            name='german_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the German part'),
        ),
        migrations.AlterField(
            model_name='historicalexpressionofinterest',
            name='partner_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the partner part'),
        ),
        migrations.AlterField(
            model_name='historicalexpressionofinterest',
            name='shared_version',
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name='version of the shared part'),
        ),
        migrations.AlterField(
            model_name='historicaltermsofreference',
            name='created_at',
            field=models.DateTimeField(blank=True, editable=False, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='historicaltermsofreference',
            name='created_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='historicaltermsofreference',
            name='eoi',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='accepted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='accepted'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='accepted_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='accepted by'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='invited_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='revoked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='revoked'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='sent_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='sent'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='meeting',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meetings', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='message',
            name='attachment_name',
            field=models.CharField(blank=True, max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='message',
            name='author',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author'),
        ),
        migrations.AlterField(
            model_name='message',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='written on'),
        ),
        migrations.AlterField(
            model_name='message',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='participant',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='termsagreement',
            name='agreed_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='agreed on'),
        ),
        migrations.AlterField(
            model_name='termsagreement',
            name='agreed_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='agreed by'),
        ),
        migrations.AlterField(
            model_name='termsagreement',
            name='terms',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agreements', to='applications.termsofreference', verbose_name='terms of reference'),
        ),
        migrations.AlterField(
            model_name='termsofreference',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='termsofreference',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='termsofreference',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='terms', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='termsofreference',
            name='municipalities_agreed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='agreed by every municipality on'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='eoi',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='vacancy', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='changed on'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='updated_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by'),
        ),
        migrations.AlterField(
            model_name='version',
            name='content',
            field=models.JSONField(verbose_name='content'),
        ),
        migrations.AlterField(
            model_name='version',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='version',
            name='created_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by'),
        ),
        migrations.AlterField(
            model_name='version',
            name='eoi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='applications.expressionofinterest', verbose_name='expression of interest'),
        ),
        migrations.AlterField(
            model_name='version',
            name='fingerprint',
            field=models.CharField(max_length=64, verbose_name='fingerprint of the content'),
        ),
    ]
