"""Each period binds a decision file (issue 12 §1); existing periods get Decision 1679 of Bắc Kạn, the rules
they were run under."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def bind_1679(apps, schema_editor):
    from parindex.rulebook.decision import DECISIONS_DIR

    import yaml

    path = DECISIONS_DIR / "backan-1679.yaml"
    raw = path.read_bytes()
    source = raw.decode("utf-8")
    title = yaml.safe_load(source)["title"]
    Period = apps.get_model("periods", "Period")
    PeriodDecision = apps.get_model("periods", "PeriodDecision")
    for period in Period.objects.all():
        PeriodDecision.objects.get_or_create(period=period, defaults={
            "decision_id": "backan-1679", "title": title,
            "source": source, "sha256": hashlib.sha256(raw).hexdigest()})


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0004_alter_extension_step'),
    ]

    operations = [
        migrations.CreateModel(
            name='PeriodDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision_id', models.CharField(max_length=100, verbose_name='mã quyết định')),
                ('title', models.CharField(max_length=500, verbose_name='tên')),
                ('source', models.TextField(verbose_name='nội dung YAML')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('period', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='decision', to='periods.period')),
            ],
            options={
                'verbose_name': 'quyết định áp dụng cho kỳ',
                'verbose_name_plural': 'quyết định áp dụng cho kỳ',
            },
        ),
        migrations.RunPython(bind_1679, migrations.RunPython.noop),
    ]
