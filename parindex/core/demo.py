"""Demo data for `make run`: a published 2021 and a 2022 in progress, every Bắc Kạn unit, one account per role.

`make run` (``setup``) builds 2021 as a finished year (``demo_history``: every step of section V on its
own dates, approved and published) and 2022 as the year in progress, its timeline moved to today
(``populate(year=RUN_YEAR)`` and ``demo_cycle``). The tests' world is ``populate(now)``: 2021 in
progress, its timeline moved to ``now``, without the history.

Only in demo mode (settings.DEMO, which itself refuses HTTPS deployment settings). Idempotent: running it again
changes nothing that is already there.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from parindex.accounts.models import Role, RoleAssignment
from parindex.accounts.services import grant_role
from parindex.core.errors import DomainError
from parindex.periods import services as period_services
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.units.models import Unit
from parindex.units.services import load_units

DEMO_YEAR = 2021   # the year ``populate`` builds by default: the tests' world (in progress)
RUN_YEAR = 2022    # `make run`: the year in progress; 2021 is published (demo_history.PUBLISHED_YEAR)
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


@cache
def _password_hash() -> str:
    """The demo password hashed once per process (argon2 costs ~0.3 s a hash; the demo has ~400 accounts).
    The same salt for every demo account is harmless: the password is printed for all to read."""
    return make_password(DEMO_PASSWORD)


def ensure_user(username: str, full_name: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={
        "first_name": full_name, "email": f"{username}@demo.parindex.invalid", "password": _password_hash()})
    return user


def ensure_coordinator():
    """The Sở Nội vụ coordinator, who creates the periods."""
    coordinator = ensure_user("snv.dieuphoi", "Điều phối viên Sở Nội vụ")
    if not RoleAssignment.objects.active().filter(user=coordinator, role=Role.PROVINCE_COORDINATOR).exists():
        grant_role(coordinator, Role.PROVINCE_COORDINATOR, actor=None, reason="Dữ liệu demo")
    return coordinator


def ensure_accounts() -> dict:
    """The named demo accounts with their roles (not tied to a period; the units must be loaded)."""
    ensure_coordinator()
    users = {username: ensure_user(username, full_name) for username, full_name, *_ in ACCOUNTS}
    for username, _name, role, unit_key, agency, team_key, fields in ACCOUNTS:
        if role == Role.PROVINCE_COORDINATOR:
            continue
        unit = Unit.objects.get(key=unit_key) if unit_key else None
        team = Unit.objects.get(key=team_key) if team_key else None
        grant_role(users[username], role, actor=None, unit=unit, agency=agency, team_district=team,
                   fields=fields, reason="Dữ liệu demo")
    return users


def design_text(year: int) -> str | None:
    """The survey design for ``year``: the shipped one, or the newest shipped year's with its year moved
    (what a coordinator does by hand: copy last year's file and change its year; V.1.1.c)."""
    from parindex.survey import services as survey_services

    path = survey_services.shipped_design(year)
    if path is not None:
        return path.read_text(encoding="utf-8")
    older = sorted(survey_services.DATA_DIR.glob("*-survey.yaml"))
    older = [p for p in older if (m := re.search(r"-(\d{4})-survey", p.name)) and int(m[1]) < year]
    if not older:
        return None
    text = older[-1].read_text(encoding="utf-8")
    old = re.search(r"^year: (\d{4})$", text, re.M)[1]
    text = re.sub(r"^year: \d{4}$", f"year: {year}", text, flags=re.M)
    text = re.sub(r"^(id: .*)-" + old + r"-", lambda m: f"{m[1]}-{year}-", text, flags=re.M)
    return re.sub(r"^(title: .*)năm " + old, lambda m: f"{m[1]}năm {year}", text, flags=re.M)


def setup(now: datetime, cycle: bool = True, history: bool = True) -> list[str]:
    """`manage.py demo_setup`: refused outside demo mode. The published 2021 (``history``), then 2022 in
    progress. Without ``cycle``: 2022's period, units and accounts only (seconds instead of a minute;
    tests/deploy/test_two_servers.py); without ``history``: no 2021 (the tests of the 2022 demo)."""
    if not settings.DEMO:
        raise DomainError("Dữ liệu demo chỉ được tạo ở chế độ demo (DEMO=1)")
    from . import demo_cycle, demo_history

    log = []
    if history and cycle:
        with transaction.atomic():
            log += demo_history.run()
    log += populate(now, year=RUN_YEAR, full_survey=cycle)
    if not cycle:
        return log
    period = Period.objects.get(year=RUN_YEAR)
    with transaction.atomic():
        log += demo_cycle.run(period, DEMO_PASSWORD)
    return log


@transaction.atomic
def populate(now: datetime, *, year: int = DEMO_YEAR, full_survey: bool = False) -> list[str]:
    """Build the year in progress, its timeline moved to ``now`` (also the tests' named personas).
    ``full_survey``: the survey's whole sample plan is answered (`make run`, ~3,500 questionnaires);
    otherwise a few per group and unit (tests)."""
    log = []
    coordinator = ensure_coordinator()
    period = Period.objects.filter(year=year).first()
    if period is None:
        period = period_services.create_period(year, actor=coordinator)
        log.append(f"Đã tạo kỳ đánh giá {year}")
    for name in UNIT_FILES:
        result = load_units(period, (FIXTURES / name).read_text(encoding="utf-8"), actor=coordinator, source=name)
        if result.created:
            log.append(f"{name}: thêm {result.created} đơn vị")
    if period.status == Period.Status.DRAFT:
        period_services.update_timeline(period, demo_timeline(now), actor=coordinator,
                                        reason="Dữ liệu demo: dời các mốc để mọi bước (cả thẩm định của tỉnh) "
                                               "đang mở khi dùng thử")
        period_services.open_period(period, actor=coordinator)
        log.append(f"Đã mở kỳ đánh giá {year}")
    ensure_accounts()
    log += _demo_survey(period, coordinator, now, full=full_survey)
    return log


def _demo_survey(period: Period, coordinator, now: datetime, *, full: bool = False) -> list[str]:
    """The shipped 2021 survey design (reconstructed), open: the demo timeline places today in the survey
    window; then answered for every department and district (parindex/survey/demo.py)."""
    from parindex.survey import demo as survey_demo
    from parindex.survey import services as survey_services

    text = design_text(period.year)
    if text is None:
        return []
    log = []
    survey = survey_services.survey_of(period)
    if survey is None:
        survey = survey_services.create_survey(period, text, actor=coordinator,
                                               source=f"backan-{period.year}-survey.yaml")
        survey = survey_services.open_survey(survey, actor=coordinator)
        log.append(f"Đã nạp thiết kế điều tra xã hội học {period.year} và mở đợt thu phiếu")
    return log + survey_demo.collect_demo(survey, coordinator, now, full=full)
