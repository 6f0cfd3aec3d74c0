# Every application keeps the form definition version it was started on; the existing ones were started on
# version 1 of their category. Their new-product sales keys become relative to the call's year (the 2018
# call: 2017 is the previous year). Snapshots are frozen and left alone (applications/forms/legacy.py).

import django.db.models.deletion
from django.db import migrations, models

# A frozen copy of applications.forms.legacy.LEGACY_KEYS as it was when this migration was written.
RENAMES = {
    "new_product": {
        "sales": {
            "enterprise_2017_yuan": "enterprise_prev_year_yuan",
            "enterprise_2018_yuan": "enterprise_year_yuan",
            "product_2018_yuan": "product_year_yuan",
            "taxes_2018_yuan": "taxes_year_yuan",
        }
    }
}


def _renamed(data, renames, reverse=False):
    changed = False
    for item_key, keys in renames.items():
        keys = {new: old for old, new in keys.items()} if reverse else keys
        group = data.get(item_key)
        if isinstance(group, dict) and set(group) & set(keys):
            data[item_key] = {keys.get(k, k): v for k, v in group.items()}
            changed = True
    return changed


def forward(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    CategoryForm = apps.get_model("programmes", "CategoryForm")
    first = {}
    for form in CategoryForm.objects.order_by("category_id", "version"):
        first.setdefault(form.category_id, form.pk)
    for application in Application.objects.select_related("category").iterator():
        fields = []
        if application.form_version_id is None:
            application.form_version_id = first[application.category_id]
            fields.append("form_version")
        renames = RENAMES.get(application.category.code)
        if renames and isinstance(application.data, dict) and _renamed(application.data, renames):
            fields.append("data")
        if fields:
            application.save(update_fields=fields)


def backward(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    for application in Application.objects.select_related("category").iterator():
        renames = RENAMES.get(application.category.code)
        if renames and isinstance(application.data, dict) and _renamed(application.data, renames, reverse=True):
            application.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("programmes", "0003_categoryform"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="form_version",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="programmes.categoryform",
                verbose_name="申请书定义版本",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
