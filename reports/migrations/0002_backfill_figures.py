"""The figures of the applications submitted before the reports app existed, from their latest snapshots."""

from django.db import migrations


def backfill(apps, schema_editor):
    from reports.figures import figures_of

    Snapshot = apps.get_model("applications", "Snapshot")
    Figures = apps.get_model("reports", "ApplicationFigures")
    latest = {}
    for pk, application_id, version in Snapshot.objects.values_list("pk", "application_id", "version").iterator():
        if application_id not in latest or latest[application_id][1] < version:
            latest[application_id] = (pk, version)
    batch = []
    for pk, version in latest.values():
        snapshot = Snapshot.objects.only("application_id", "canonical_json").get(pk=pk)
        batch.append(Figures(application_id=snapshot.application_id, snapshot_version=version, **figures_of(snapshot.canonical_json)))
        if len(batch) >= 1000:
            Figures.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Figures.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_application_figures"), ("applications", "0008_outcome_states")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
