"""Load the OECD DAC list of ODA recipients (2024 and 2025 flows) from partnerships/data/.

The listings start on 1 January 2024 and stay open-ended until programme staff record the
next revision in the admin (the DAC revises the list every three years).
"""

import csv
import datetime
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "oda-recipients.csv"
VALID_FROM = datetime.date(2024, 1, 1)
SOURCE = "OECD DAC List of ODA Recipients, 2024 and 2025 flows"


def load(apps, schema_editor):
    Country = apps.get_model("partnerships", "Country")
    OdaListing = apps.get_model("partnerships", "OdaListing")
    with DATA.open(newline="", encoding="utf-8") as data:
        for row in csv.DictReader(data):
            country, _ = Country.objects.get_or_create(code=row["iso2"])
            OdaListing.objects.get_or_create(
                country=country,
                valid_from=VALID_FROM,
                defaults={"least_developed": row["least_developed"] == "yes", "source": SOURCE},
            )


def unload(apps, schema_editor):
    apps.get_model("partnerships", "OdaListing").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0002_create_roles")]

    operations = [migrations.RunPython(load, unload)]
