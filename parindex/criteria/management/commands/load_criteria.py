from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.criteria.services import load_criteria_files
from parindex.rulebook import CriteriaSetError


class Command(BaseCommand):
    help = "Nạp các bộ tiêu chí (mặc định: các bộ kèm theo phần mềm) vào cơ sở dữ liệu."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="tệp YAML; bỏ trống để nạp các bộ có sẵn")

    def handle(self, *args, files, **options):
        try:
            outcomes = load_criteria_files([Path(f) for f in files] or None)
        except CriteriaSetError as exc:
            raise CommandError("Không nạp được bộ tiêu chí:\n" + str(exc)) from None
        labels = {"created": "đã nạp", "updated": "đã cập nhật", "unchanged": "không đổi"}
        for outcome in outcomes:
            self.stdout.write(f"{outcome.set_id}: {labels[outcome.action]}")
