"""Who confirmed a partnership registered in the portal, and when (partnerships.services.confirm_partnerships).

Partnerships confirmed before keep both empty: nobody recorded it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0010_trigram_name_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='partnership',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed on'),
        ),
        migrations.AddField(
            model_name='partnership',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by'),
        ),
        migrations.AddConstraint(
            model_name='partnership',
            constraint=models.CheckConstraint(condition=models.Q(('confirmed', True), models.Q(('confirmed_at__isnull', True), ('confirmed_by__isnull', True)), _connector='OR'), name='partnership_confirmation_only_when_confirmed'),
        ),
    ]
