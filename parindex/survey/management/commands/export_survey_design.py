from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.periods.models import Period
from parindex.survey import services


class Command(BaseCommand):
    help = "Xuất thiết kế điều tra của kỳ YEAR đúng như đã lưu (YAML), ra tệp FILE hoặc ra màn hình."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", nargs="?", help="tệp để ghi; bỏ trống: in ra màn hình")

    def handle(self, *args, year, file=None, **options):
        period = Period.objects.filter(year=year).first()
        survey = services.survey_of(period) if period else None
        if survey is None:
            raise CommandError(f"Kỳ đánh giá năm {year} chưa có thiết kế điều tra")
        if file:
            Path(file).write_text(survey.design_text, encoding="utf-8")
            self.stdout.write(f"{survey.design_id}: đã ghi {file}")
        else:
            self.stdout.write(survey.design_text, ending="")
