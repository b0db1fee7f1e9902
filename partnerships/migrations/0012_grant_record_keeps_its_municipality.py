"""A municipality whose rights history exists is not deleted: the grant records would name nothing."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0011_partnership_confirmed_by'),
    ]

    operations = [
        migrations.AlterField(
            model_name='grantrecord',
            name='municipality',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partnerships.municipality', verbose_name='municipality'),
        ),
    ]
