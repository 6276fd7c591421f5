"""Publication moves here from the appraisal app without touching its table (state only).

The table ``appraisal_publication`` was created by ``appraisal.0001_initial`` and keeps its name
(``Meta.db_table``); this migration only tells Django's state that the model now lives in this
app, and renames the content type so permissions granted on it stay attached. Its partner,
``appraisal.0005_publication_moves_to_its_own_app``, removes the model from the appraisal state
afterwards.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="publication", model="publication").exists():
        ContentType.objects.filter(app_label="appraisal", model="publication").update(app_label="publication")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="appraisal", model="publication").exists():
        ContentType.objects.filter(app_label="publication", model="publication").update(app_label="appraisal")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("appraisal", "0004_alter_explanationevidence_options"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("periods", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Publication",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("scope", models.CharField(help_text="district:<mã huyện> hoặc province", max_length=50,
                                                   verbose_name="phạm vi")),
                        ("version", models.PositiveIntegerField(default=1)),
                        ("published_at", models.DateTimeField()),
                        ("reason", models.TextField(blank=True, verbose_name="lý do (khi đính chính)")),
                        ("content", models.JSONField(verbose_name="kết quả đã công bố")),
                        ("period", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="publications", to="periods.period")),
                        ("published_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                           related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "công bố",
                        "verbose_name_plural": "công bố",
                        "db_table": "appraisal_publication",
                        "ordering": ["-version"],
                        "constraints": [models.UniqueConstraint(fields=("period", "scope", "version"),
                                                                name="one_version_number")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
