from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parindex.core import demo
from parindex.core.errors import DomainError


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: kỳ 2021, đơn vị của Bắc Kạn, một tài khoản cho mỗi vai trò (chỉ ở chế độ demo)."

    def handle(self, *args, **options):
        try:
            for line in demo.setup(timezone.now()):
                self.stdout.write(line)
        except DomainError as exc:
            raise CommandError(exc.message) from None
