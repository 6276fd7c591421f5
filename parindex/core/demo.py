"""Demo data for `make run`: the 2021 period with every Bắc Kạn unit and one account per role.

Only in demo mode (settings.DEMO, which itself refuses HTTPS deployment settings). Idempotent: running it again
changes nothing that is already there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from parindex.accounts.models import Role, RoleAssignment
from parindex.accounts.services import grant_role
from parindex.core.errors import DomainError
from parindex.periods import services as period_services
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.units.models import Unit
from parindex.units.services import load_units

DEMO_YEAR = 2021
DEMO_PASSWORD = "demo-CCHC-2021"  # noqa: S105 - printed on purpose; demo mode only
FIXTURES = Path(__file__).resolve().parents[1] / "units" / "fixtures"
UNIT_FILES = ["backan-2021-units.csv", "backan-2021-departments.csv"]

# username, full name, role, unit key, agency, team district key, fields
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, None, "", None, []),
    ("snv.dieuphoi", "Điều phối viên Sở Nội vụ", Role.PROVINCE_COORDINATOR, None, "", None, []),
    ("chomoi.noivu", "Phòng Nội vụ huyện Chợ Mới", Role.DISTRICT_COORDINATOR, "gso:065", "", None, []),
    ("nari.noivu", "Phòng Nội vụ huyện Na Rì", Role.DISTRICT_COORDINATOR, "gso:066", "", None, []),
    ("stp.canbo", "Cán bộ Sở Tư pháp", Role.UNIT_OFFICER, "dept:STP", "", None, []),
    ("stp.giamdoc", "Giám đốc Sở Tư pháp", Role.UNIT_HEAD, "dept:STP", "", None, []),
    ("syt.canbo", "Cán bộ Sở Y tế", Role.UNIT_OFFICER, "dept:SYT", "", None, []),
    ("chomoi.canbo", "Cán bộ UBND huyện Chợ Mới", Role.UNIT_OFFICER, "gso:065", "", None, []),
    ("chomoi.chutich", "Chủ tịch UBND huyện Chợ Mới", Role.UNIT_HEAD, "gso:065", "", None, []),
    ("hoamuc.canbo", "Công chức xã Hoà Mục (Chợ Mới)", Role.UNIT_OFFICER, "gso:02098", "", None, []),
    ("hoamuc.chutich", "Chủ tịch UBND xã Hoà Mục", Role.UNIT_HEAD, "gso:02098", "", None, []),
    ("kimlu.canbo", "Công chức xã Kim Lư (Na Rì)", Role.UNIT_OFFICER, "gso:02158", "", None, []),
    ("stc.thamdinh", "Sở Tài chính — tổ thẩm định tỉnh (lĩnh vực g)", Role.APPRAISER, None, "STC", None, ["g"]),
    ("chomoi.thamdinh", "Phòng Nội vụ — tổ thẩm định huyện Chợ Mới", Role.APPRAISER, None, "PNV", "gso:065",
     ["a", "d", "e"]),
    ("khaosat", "Nhập phiếu điều tra xã hội học", Role.SURVEYOR, None, "", None, []),
    ("ubnd.lanhdao", "Phó Chủ tịch UBND tỉnh (phê duyệt kết quả Chỉ số)", Role.PROVINCE_APPROVER, None, "", None, []),
]
# Created by demo_cycle (demo mode only), printed with the others.
CYCLE_ACCOUNTS = [
    ("snv.totruong", "Tổ trưởng tổ thẩm định tỉnh: mọi cơ quan, chốt kết quả sở, huyện"),
    ("nganson.noivu", "Phòng Nội vụ huyện Ngân Sơn: kết quả cấp xã đã công bố"),
    ("nganson.thamdinh", "Tổ trưởng tổ thẩm định huyện Ngân Sơn"),
    ("chomoi.totruong", "Tổ trưởng tổ thẩm định huyện Chợ Mới, mọi cơ quan (13/14 xã đã chốt; còn xã Hoà Mục)"),
    ("skhdt.canbo", "Cán bộ Sở Kế hoạch và Đầu tư (đã nộp, chờ thẩm định)"),
]


def _midnight_in(days: int, now: datetime) -> datetime:
    local = now.astimezone(VN).replace(hour=0, minute=0, second=0, microsecond=0)
    return local + timedelta(days=days)


def demo_timeline(now: datetime) -> dict[str, datetime]:
    """Every step still ahead, so each screen can be tried today (the decision's dates are 2021–2022).

    The provincial appraisal window (V.4: January) is opened from today, so the departments that
    have submitted can be appraised while others still self-assess."""
    return {
        "commune_self_due": _midnight_in(14, now),
        "district_publish_due": _midnight_in(28, now),
        "self_due": _midnight_in(28, now),
        "appraisal_start": _midnight_in(0, now),
        "appraisal_end": _midnight_in(60, now),
        "survey_start": _midnight_in(-7, now),
        "survey_end": _midnight_in(45, now),
        "publication_start": _midnight_in(60, now),
        "publication_end": _midnight_in(90, now),
    }


def ensure_user(username: str, full_name: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": full_name, "email": f"{username}@demo.parindex.invalid"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def setup(now: datetime, cycle: bool = True) -> list[str]:
    """`manage.py demo_setup`: refused outside demo mode. Without ``cycle``: the period, units and
    accounts only (seconds instead of a minute; tests/deploy/test_two_servers.py)."""
    if not settings.DEMO:
        raise DomainError("Dữ liệu demo chỉ được tạo ở chế độ demo (DEMO=1)")
    from . import demo_cycle

    log = populate(now, full_survey=cycle)
    if not cycle:
        return log
    period = Period.objects.get(year=DEMO_YEAR)
    with transaction.atomic():
        log += demo_cycle.run(period, DEMO_PASSWORD)
    return log


@transaction.atomic
def populate(now: datetime, *, full_survey: bool = False) -> list[str]:
    """Build the demo world (also the tests' named personas). ``full_survey``: the survey's whole sample
    plan is answered (`make run`, ~3,500 questionnaires); otherwise a few per group and unit (tests)."""
    log = []
    users = {}
    for username, full_name, *_ in ACCOUNTS:
        users[username] = ensure_user(username, full_name)
    coordinator = users["snv.dieuphoi"]
    if not RoleAssignment.objects.active().filter(user=coordinator, role=Role.PROVINCE_COORDINATOR).exists():
        grant_role(coordinator, Role.PROVINCE_COORDINATOR, actor=None, reason="Dữ liệu demo")
    period = Period.objects.filter(year=DEMO_YEAR).first()
    if period is None:
        period = period_services.create_period(DEMO_YEAR, actor=coordinator)
        log.append(f"Đã tạo kỳ đánh giá {DEMO_YEAR}")
    for name in UNIT_FILES:
        result = load_units(period, (FIXTURES / name).read_text(encoding="utf-8"), actor=coordinator, source=name)
        if result.created:
            log.append(f"{name}: thêm {result.created} đơn vị")
    if period.status == Period.Status.DRAFT:
        period_services.update_timeline(period, demo_timeline(now), actor=coordinator,
                                        reason="Dữ liệu demo: dời các mốc để mọi bước (cả thẩm định của tỉnh) "
                                               "đang mở khi dùng thử")
        period_services.open_period(period, actor=coordinator)
        log.append(f"Đã mở kỳ đánh giá {DEMO_YEAR}")
    for username, _name, role, unit_key, agency, team_key, fields in ACCOUNTS:
        if role == Role.PROVINCE_COORDINATOR:
            continue
        unit = Unit.objects.get(key=unit_key) if unit_key else None
        team = Unit.objects.get(key=team_key) if team_key else None
        grant_role(users[username], role, actor=None, unit=unit, agency=agency, team_district=team,
                   fields=fields, reason="Dữ liệu demo")
    log += _demo_survey(period, coordinator, now, full=full_survey)
    return log


def _demo_survey(period: Period, coordinator, now: datetime, *, full: bool = False) -> list[str]:
    """The shipped 2021 survey design (reconstructed), open: the demo timeline places today in the survey
    window; then answered for every department and district (parindex/survey/demo.py)."""
    from parindex.survey import demo as survey_demo
    from parindex.survey import services as survey_services

    path = survey_services.shipped_design(period.year)
    if path is None:
        return []
    log = []
    survey = survey_services.survey_of(period)
    if survey is None:
        survey = survey_services.create_survey(period, path.read_text(encoding="utf-8"), actor=coordinator,
                                               source=path.name)
        survey = survey_services.open_survey(survey, actor=coordinator)
        log.append(f"Đã nạp thiết kế điều tra xã hội học {period.year} và mở đợt thu phiếu")
    return log + survey_demo.collect_demo(survey, coordinator, now, full=full)
