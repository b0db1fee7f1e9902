"""Each candidate is the data of the channel that recorded them (Candidate.channel): recruiters see their own
channel's candidates only, also after the EOI a candidate applied for changes its specialist model.

Candidates recorded before: the channel of the recruiter who recorded them, else that of the EOI they applied for
(as it stands now: nothing older is known), else none (staff's own, seen by staff only, as before).
"""

from django.db import migrations, models

RECRUITER_CHANNELS = {"cim_recruiter": "cim", "giz_recruiter": "giz"}  # Role → Channel, as they are now
MODEL_CHANNELS = {"integrated": "cim", "development_worker": "giz", "local": "local"}


def stamp_channels(apps, schema_editor):
    candidate = apps.get_model("placements", "Candidate")
    membership = apps.get_model("partnerships", "User").groups.through
    recruiter_channel = {}
    for user_id, group in membership.objects.filter(group__name__in=RECRUITER_CHANNELS).values_list(
        "user_id", "group__name"
    ):
        recruiter_channel.setdefault(user_id, RECRUITER_CHANNELS[group])
    rows = candidate.objects.filter(channel="").values_list("pk", "created_by_id", "applied_for__specialist_model")
    by_channel = {}
    for pk, created_by, model in rows.iterator():
        channel = recruiter_channel.get(created_by) or MODEL_CHANNELS.get(model, "")
        if channel:
            by_channel.setdefault(channel, []).append(pk)
    for channel, pks in by_channel.items():
        candidate.objects.filter(pk__in=pks).update(channel=channel)


class Migration(migrations.Migration):

    dependencies = [
        ('placements', '0011_recorded_kinds'),
    ]

    operations = [
        migrations.AddField(
            model_name='candidate',
            name='channel',
            field=models.CharField(blank=True, choices=[('cim', 'CIM'), ('giz', 'GIZ'), ('local', 'The partner municipality, with programme support')], editable=False, max_length=10, verbose_name='recorded for'),
        ),
        migrations.AddField(
            model_name='historicalcandidate',
            name='channel',
            field=models.CharField(blank=True, choices=[('cim', 'CIM'), ('giz', 'GIZ'), ('local', 'The partner municipality, with programme support')], editable=False, max_length=10, verbose_name='recorded for'),
        ),
        migrations.RunPython(stamp_channels, migrations.RunPython.noop),
    ]
