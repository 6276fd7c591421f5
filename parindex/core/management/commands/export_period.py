from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parindex.backup.exporting import export_period
from parindex.backup.tables import summary
from parindex.core.errors import DomainError


class Command(BaseCommand):
    help = ("Xuất toàn bộ một kỳ đánh giá (đơn vị, bộ tiêu chí, tự đánh giá, tệp kiểm chứng, thẩm định, công bố, "
            "nhật ký) ra một thư mục mới. Thư mục chứa mật khẩu đã băm và tài liệu của đơn vị: giữ kín.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("directory", type=Path)

    def handle(self, *args, year, directory, **options):
        try:
            manifest = export_period(year, directory)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(_("Đã xuất kỳ đánh giá %(year)s vào %(directory)s:") % {"year": year, "directory": directory})
        for line in summary(manifest):
            self.stdout.write(line)
