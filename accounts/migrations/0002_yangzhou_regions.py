"""Yangzhou's county-level units and their bureaus (data in accounts/regions.py)."""

from django.db import migrations

from accounts.regions import ensure_regions


def forwards(apps, schema_editor):
    ensure_regions(apps.get_model("accounts", "Region"), apps.get_model("accounts", "Organisation"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
