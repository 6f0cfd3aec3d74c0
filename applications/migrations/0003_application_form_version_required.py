# Separate from 0002 so that PostgreSQL applies the NOT NULL after the rows written there are committed.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_application_form_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="application",
            name="form_version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="programmes.categoryform",
                verbose_name="申请书定义版本",
            ),
        ),
    ]
