"""Every field has a label in the reader's language (the admin showed some in English, from their names)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0012_grant_record_keeps_its_municipality'),
    ]

    operations = [
        migrations.AlterField(
            model_name='loginsession',
            name='session_key',
            field=models.CharField(max_length=40, unique=True, verbose_name='session key'),
        ),
    ]
