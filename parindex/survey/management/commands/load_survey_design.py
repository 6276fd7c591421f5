from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.core.errors import DomainError
from parindex.periods.models import Period
from parindex.survey import services


class Command(BaseCommand):
    help = ("Nạp thiết kế điều tra xã hội học (YAML) vào kỳ đánh giá YEAR: tạo cuộc điều tra nếu chưa có, "
            "thay thiết kế nếu cuộc điều tra còn đang thiết kế.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", help="tệp YAML, ví dụ parindex/survey/data/backan-2021-survey.yaml")

    def handle(self, *args, year, file, **options):
        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}")
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from None
        survey = services.survey_of(period)
        try:
            if survey is None:
                survey = services.create_survey(period, text, actor=None, source=Path(file).name)
                self.stdout.write(f"{survey.design_id}: đã nạp vào kỳ {year}")
            else:
                before = survey.version
                survey = services.replace_design(survey, text, version=None, actor=None,
                                                 reason=f"manage.py load_survey_design {Path(file).name}")
                self.stdout.write(f"{survey.design_id}: " + ("không đổi" if survey.version == before
                                                             else f"đã thay (phiên bản {survey.version})"))
        except DomainError as exc:
            raise CommandError("\n".join([exc.message, *exc.errors])) from None
