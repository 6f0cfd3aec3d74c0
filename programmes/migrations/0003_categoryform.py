# The form definition of each category as versioned data; existing categories get version 1, the built-in
# 2018 definition of their code (read from the JSON file as it was when this migration was written).

import json
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

BUILTIN_2018 = Path(__file__).resolve().parent.parent / "form_definitions" / "2018.json"


def add_version_1(apps, schema_editor):
    Category = apps.get_model("programmes", "Category")
    CategoryForm = apps.get_model("programmes", "CategoryForm")
    if not Category.objects.exists():
        return
    definitions = json.loads(BUILTIN_2018.read_text(encoding="utf-8"))
    for category in Category.objects.all():
        if category.code in definitions and not CategoryForm.objects.filter(category=category).exists():
            CategoryForm.objects.create(category=category, version=1, definition=definitions[category.code])


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_call_investment_period_end_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="CategoryForm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(verbose_name="版本")),
                ("definition", models.JSONField(verbose_name="申请书定义")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="form_versions",
                        to="programmes.category",
                    ),
                ),
            ],
            options={
                "verbose_name": "申请书定义版本",
                "verbose_name_plural": "申请书定义版本",
                "ordering": ["category", "-version"],
                "constraints": [
                    models.UniqueConstraint(fields=("category", "version"), name="one_form_version_number")
                ],
            },
        ),
        migrations.RunPython(add_version_1, migrations.RunPython.noop),
    ]
