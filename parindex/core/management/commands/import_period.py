from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.backup.importing import import_period
from parindex.backup.tables import summary
from parindex.core.errors import DomainError


class Command(BaseCommand):
    help = ("Nạp một kỳ đánh giá đã xuất bằng export_period vào cơ sở dữ liệu chưa có năm đó. Kiểm tra mọi "
            "SHA-256 trước; nếu có gì sai thì không ghi gì cả.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        try:
            manifest = import_period(directory)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(_("Đã nạp kỳ đánh giá %(year)s từ %(directory)s:")
                          % {"year": manifest["year"], "directory": directory})
        for line in summary(manifest):
            self.stdout.write(line)
