from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parindex.core import demo
from parindex.core.errors import DomainError


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: kỳ 2021, đơn vị của Bắc Kạn, một tài khoản cho mỗi vai trò (chỉ ở chế độ demo)."

    def add_arguments(self, parser):
        parser.add_argument("--no-cycle", action="store_true",
                            help="chỉ kỳ, đơn vị và tài khoản; không chạy chu trình mẫu (nhanh)")

    def handle(self, *args, no_cycle=False, **options):
        try:
            for line in demo.setup(timezone.now(), cycle=not no_cycle):
                self.stdout.write(line)
        except DomainError as exc:
            raise CommandError(exc.message) from None
