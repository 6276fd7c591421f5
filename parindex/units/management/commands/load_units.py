from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.core.errors import DomainError
from parindex.periods.models import Period
from parindex.units.services import load_units


class Command(BaseCommand):
    help = "Nạp danh sách đơn vị của một kỳ đánh giá từ tệp CSV (chạy lại nhiều lần không sao)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp CSV: đơn vị hành chính (level,…) hoặc sở, ban, ngành (code,…)")
        parser.add_argument("--period", type=int, required=True, help="năm của kỳ đánh giá")

    def handle(self, *args, file, period, **options):
        try:
            period_obj = Period.objects.get(year=period)
        except Period.DoesNotExist:
            raise CommandError(f"Chưa có kỳ đánh giá năm {period}") from None
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from None
        try:
            result = load_units(period_obj, text, source=Path(file).name)
        except DomainError as exc:
            raise CommandError("\n".join([f"{file}: {exc.message}", *(f"{file}: {e}" for e in exc.errors)])) from None
        self.stdout.write(f"{file}: thêm {result.created}, cập nhật {result.updated}, không đổi {result.unchanged}")
