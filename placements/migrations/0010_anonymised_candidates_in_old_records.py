"""Records written before the `candidate_anonymised` marker (d1b890f) keep an anonymised candidate's label as it
was stored, in whatever language the nightly task ran in ("anonymisierte/r Kandidat/in 12"). Each such record of
a candidate who is anonymised now gets the marker and loses the stored label: it is worded in its reader's
language when read (applications.models.Event.candidate_name), as every newer record is.
"""

from django.db import migrations


def mark_anonymised_candidates(apps, schema_editor):
    event = apps.get_model("applications", "Event")
    candidate = apps.get_model("placements", "Candidate")
    anonymised = set(candidate.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    naming = event.objects.filter(params__has_key="candidate_id").exclude(params__has_key="candidate_anonymised")
    for record in naming.only("pk", "params").iterator():
        if record.params["candidate_id"] in anonymised:
            record.params = {**record.params, "candidate": "", "candidate_anonymised": True}
            record.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_digests_are_one"),
        ("placements", "0009_work_queue_unread_reports_index"),
    ]

    operations = [migrations.RunPython(mark_anonymised_candidates, migrations.RunPython.noop)]
