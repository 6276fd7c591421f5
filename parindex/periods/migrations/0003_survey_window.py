"""The survey window (V.1.1.c): from 1 December of the year to 1 February of the next (exclusive)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import migrations, models

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def fill(apps, schema_editor):
    Period = apps.get_model("periods", "Period")
    for period in Period.objects.all():
        period.survey_start = datetime(period.year, 12, 1, tzinfo=VN)
        period.survey_end = datetime(period.year + 1, 2, 1, tzinfo=VN)
        period.save(update_fields=["survey_start", "survey_end"])


class Migration(migrations.Migration):
    dependencies = [("periods", "0002_initial")]

    operations = [
        migrations.AddField("period", "survey_start",
                            models.DateTimeField(null=True, verbose_name="bắt đầu thu phiếu điều tra XHH")),
        migrations.AddField("period", "survey_end",
                            models.DateTimeField(null=True, verbose_name="kết thúc thu phiếu điều tra XHH")),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField("period", "survey_start",
                              models.DateTimeField(verbose_name="bắt đầu thu phiếu điều tra XHH")),
        migrations.AlterField("period", "survey_end",
                              models.DateTimeField(verbose_name="kết thúc thu phiếu điều tra XHH")),
    ]
