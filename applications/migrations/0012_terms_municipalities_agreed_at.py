from django.db import migrations, models

# Every version whose participating municipalities have all agreed gets the moment the last of them did.
# Standard SQL: the same statement runs on SQLite (the zero-set-up default) and PostgreSQL.
BACKFILL = """
UPDATE applications_termsofreference
SET municipalities_agreed_at = (
    SELECT MAX(agreement.agreed_at) FROM applications_termsagreement agreement
    WHERE agreement.terms_id = applications_termsofreference.id AND agreement.municipality_id IS NOT NULL
)
WHERE EXISTS (
    SELECT 1 FROM applications_participant participant
    WHERE participant.eoi_id = applications_termsofreference.eoi_id
) AND NOT EXISTS (
    SELECT 1 FROM applications_participant participant
    WHERE participant.eoi_id = applications_termsofreference.eoi_id AND NOT EXISTS (
        SELECT 1 FROM applications_termsagreement agreement
        WHERE agreement.terms_id = applications_termsofreference.id
        AND agreement.municipality_id = participant.municipality_id
    )
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_admin_search_and_candidate_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="termsofreference",
            name="municipalities_agreed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
