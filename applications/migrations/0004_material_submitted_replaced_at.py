# Files listed in the latest submission outlive their replacement by the enterprise (staff still read them).
# Existing materials of applications that were submitted (have a receipt number) are the files their latest
# snapshot listed: nothing was replaced after a withdrawal without deleting the old file before this change.

from django.db import migrations, models


def mark_submitted(apps, schema_editor):
    Material = apps.get_model("applications", "Material")
    Material.objects.filter(application__receipt_no__isnull=False).update(submitted=True)


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_application_form_version_required")]

    operations = [
        migrations.AddField(
            model_name="material",
            name="submitted",
            field=models.BooleanField(default=False, verbose_name="列入最近一次提交"),
        ),
        migrations.AddField(
            model_name="material",
            name="replaced_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="被替换或删除的时间"),
        ),
        migrations.AlterModelOptions(
            name="material",
            options={
                "base_manager_name": "all_versions",
                "ordering": ["item__sort_order", "uploaded_at", "id"],
                "verbose_name": "申报材料",
                "verbose_name_plural": "申报材料",
            },
        ),
        migrations.AlterModelManagers(
            name="material",
            managers=[("objects", models.Manager()), ("all_versions", models.Manager())],
        ),
        migrations.RunPython(mark_submitted, migrations.RunPython.noop),
    ]
