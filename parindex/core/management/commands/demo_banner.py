from django.conf import settings
from django.core.management.base import BaseCommand

from parindex.core import demo
from parindex.criteria.models import CriteriaSetRecord


class Command(BaseCommand):
    help = "In địa chỉ truy cập và các tài khoản demo khi chạy `make run`."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        line = "=" * 78
        self.stdout.write(line)
        self.stdout.write(f"parindex đang chạy tại: {url}")
        self.stdout.write(f"Bộ tiêu chí (công khai): {url}bo-tieu-chi/")
        for record in CriteriaSetRecord.objects.approved().order_by("year", "unit_kind"):
            self.stdout.write(f"  - {record.set_id}: {record.title}")
        if settings.DEMO:
            self.stdout.write(f"Tài khoản demo (mật khẩu chung: {demo.DEMO_PASSWORD}), "
                              f"đăng nhập tại {url}tai-khoan/dang-nhap/")
            for username, full_name, role, *_ in demo.ACCOUNTS:
                self.stdout.write(f"  {username:<16} {full_name} — {role.label}")
            for username, description in demo.CYCLE_ACCOUNTS:
                self.stdout.write(f"  {username:<16} {description}")
            for year in _published_years():
                self.stdout.write(f"Kết quả Chỉ số CCHC năm {year} đã công bố: {url}cong-bo/{year}/")
            token = _open_survey_link()
            if token:
                self.stdout.write(f"Phiếu khảo sát mẫu (mở trên điện thoại): {url}phieu/{token}/")
        self.stdout.write("Dừng: Ctrl+C")
        self.stdout.write(line)


def _published_years() -> list[int]:
    from parindex.publication.models import Publication
    from parindex.publication.province import SCOPE

    return sorted(set(Publication.objects.filter(scope=SCOPE).values_list("period__year", flat=True)))


def _open_survey_link() -> str | None:
    """A questionnaire of the newest open period (2022 under `make run`, 2021 in the tests' world)."""
    from parindex.periods.models import Period
    from parindex.survey import demo as survey_demo
    from parindex.survey.services import survey_of

    period = Period.objects.filter(status=Period.Status.OPEN).order_by("-year").first()
    return survey_demo.open_link(survey_of(period)) if period else None
