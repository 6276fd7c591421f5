"""Demo data beyond the people: a finished commune cycle and departments awaiting appraisal.

For `make run` only (called by ``demo.setup``): Huyện Ngân Sơn's 10 communes self-assess with
evidence (a generated PDF and a document reference each), are appraised by the district team —
a few items differently, with comments — finalized, and published by the district; and four
departments submit their self-assessments for the provincial appraisal. Everything goes through
the same services a person uses, so the audit log shows how the data came about.
"""

from __future__ import annotations

import random

from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services as appraisal_services
from parindex.appraisal.models import Team
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Status
from parindex.publication import services as publication
from parindex.units.models import PeriodUnit, Unit, UnitKind

CYCLE_DISTRICT = "062"  # Huyện Ngân Sơn, 10 communes
DISTRICT_AGENCIES = ("PNV", "PTP", "VPHU", "PTCKH", "PVHTT")
PROVINCIAL_AGENCIES = ("VPUBND", "SNV", "STP", "STC", "STTTT", "SKHCN")
SUBMITTED_DEPARTMENTS = ("SKHDT", "SCT", "SXD", "SGTVT")
OPEN_DISTRICT, OPEN_COMMUNE = "065", "02098"  # Huyện Chợ Mới, xã Hoà Mục


def _user(username: str, full_name: str, _password: str):
    """A demo account with the demo's one password, hashed once (demo.ensure_user)."""
    from .demo import ensure_user

    return ensure_user(username, full_name)


pdf_cache: dict[int, bytes] = {}


def _pdf(year: int) -> bytes:
    """One report per year, generated once (WeasyPrint takes ~0.1 s a file; the demo has 135 units)."""
    if year not in pdf_cache:
        from weasyprint import HTML
        pdf_cache[year] = HTML(string=(
            f"<html><body style='font-family: DejaVu Sans'><h1>Báo cáo kết quả CCHC năm {year}</h1>"
            "<p>I. Mục tiêu. II. Nhiệm vụ. III. Tổ chức thực hiện.</p></body></html>")).write_pdf()
    return pdf_cache[year]


def _value(item, rng: random.Random, quality: float) -> str:
    values = item.rubric.allowed_values()
    value = values[-1] if rng.random() < quality else rng.choice(values)
    return str(value)


def self_assess(unit: PeriodUnit, officer, head, rng: random.Random, quality: float) -> None:
    assessment = assessment_services.get_or_create(unit)
    if assessment.status == Status.SUBMITTED:
        return
    year = unit.period.year
    report = assessment_services.store_upload(
        assessment, SimpleUploadedFile(f"Bao-cao-CCHC-{year}-{unit.code}.pdf", _pdf(year)), actor=officer)
    plan = assessment_services.add_document(assessment, number=f"{rng.randint(1, 40)}/KH-UBND", issued_on=None,
                                            issuer=f"UBND {unit.name}", summary=f"Kế hoạch CCHC năm {year}",
                                            actor=officer)
    for n, (code, view) in enumerate(assessment_services.item_views(assessment).items()):
        value = _value(view.item, rng, quality)
        explanation = "" if n % 3 else f"Đã thực hiện theo Kế hoạch, mục {n % 5 + 1}"
        assessment_services.save_item(assessment, code, value, explanation, actor=officer, version=None)
        if n % 3:
            assessment_services.link_evidence(assessment, code, plan if n % 2 else report, f"Mục {n % 4 + 1}",
                                              actor=officer)
    assessment_services.set_participants(assessment, _participants(unit, head, officer), actor=officer,
                                         difficulties="Thiếu trang thiết bị ở bộ phận một cửa.")
    assessment_services.send_for_approval(assessment, actor=officer)
    assessment_services.approve_and_submit(assessment, actor=head)


MEETING_NAMES = ("Hoàng Văn Thắng", "Lường Thị Mai", "Triệu Văn Hùng")  # made up, for roles without an account


def _participants(unit, head, officer) -> list[tuple[str, str, str]]:
    """One person for each participant the decision requires (III.2.2): the head, then the officer, then
    made-up names; the position is the role's own words with the unit's name."""
    roles = assessment_services.required_roles(unit)
    names = (head.first_name, officer.first_name, *MEETING_NAMES)
    return [(names[min(i, len(names) - 1)], f"{role} — {unit.name}", role) for i, role in enumerate(roles)]


def run(period, password: str) -> list[str]:
    log = []
    district = PeriodUnit.objects.get(period=period, code=CYCLE_DISTRICT)
    district_unit = Unit.objects.get(key=f"gso:{CYCLE_DISTRICT}")
    coordinator = _user("nganson.noivu", "Phòng Nội vụ huyện Ngân Sơn", password)
    grant_role(coordinator, Role.DISTRICT_COORDINATOR, actor=None, unit=district_unit, reason="Dữ liệu demo")
    lead = _user("nganson.thamdinh", "Tổ trưởng tổ thẩm định huyện Ngân Sơn", password)
    for agency in DISTRICT_AGENCIES:
        grant_role(lead, Role.APPRAISER, actor=None, agency=agency, team_district=district_unit, reason="Dữ liệu demo")
    team, _ = Team.objects.get_or_create(period=period, district=district)
    if team.lead_id is None:
        team.lead = lead
        team.save()
    province_lead = _user("snv.totruong", "Tổ trưởng tổ thẩm định tỉnh (Sở Nội vụ)", password)
    for agency in PROVINCIAL_AGENCIES:
        grant_role(province_lead, Role.APPRAISER, actor=None, agency=agency, reason="Dữ liệu demo")
    province_team, _ = Team.objects.get_or_create(period=period, district=None)
    if province_team.lead_id is None:
        province_team.lead = province_lead
        province_team.save()

    rng = random.Random(2021)  # noqa: S311 - demo scores, not security
    communes = list(district.children.filter(kind=UnitKind.COMMUNE).order_by("code"))
    _finish_communes(communes, lead, password, rng)
    if publication.latest(period, f"district:{CYCLE_DISTRICT}") is None:
        publication.publish_communes(district, actor=coordinator)
        log.append("Huyện Ngân Sơn: 10 xã đã tự đánh giá, thẩm định, chốt và công bố")

    # Chợ Mới: every commune but xã Hoà Mục is finalized, so a newcomer can run Hoà Mục's whole
    # cycle by hand (self-assessment → appraisal → finalization) and then publish the district.
    chomoi = PeriodUnit.objects.get(period=period, code=OPEN_DISTRICT)
    chomoi_lead = _user("chomoi.totruong", "Tổ trưởng tổ thẩm định huyện Chợ Mới", password)
    for agency in DISTRICT_AGENCIES:
        grant_role(chomoi_lead, Role.APPRAISER, actor=None, agency=agency,
                   team_district=Unit.objects.get(key=f"gso:{OPEN_DISTRICT}"), reason="Dữ liệu demo")
    chomoi_team, _ = Team.objects.get_or_create(period=period, district=chomoi)
    if chomoi_team.lead_id is None:
        chomoi_team.lead = chomoi_lead
        chomoi_team.save()
    others = list(chomoi.children.filter(kind=UnitKind.COMMUNE).exclude(code=OPEN_COMMUNE).order_by("code"))
    if any(c.state != "appraised" for c in others):
        _finish_communes(others, chomoi_lead, password, rng)
        log.append(f"Huyện Chợ Mới: {len(others)} xã đã chốt kết quả; xã Hoà Mục chờ tự đánh giá")
    return _departments(period, password, rng, log)


def _finish_communes(communes, lead, password: str, rng: random.Random) -> None:
    for commune in communes:
        officer = _user(f"xa{commune.code}.canbo", f"Công chức {commune.name}", password)
        head = _user(f"xa{commune.code}.chutich", f"Chủ tịch {commune.name}", password)
        unit = Unit.objects.get(key=f"gso:{commune.code}")
        grant_role(officer, Role.UNIT_OFFICER, actor=None, unit=unit, reason="Dữ liệu demo")
        grant_role(head, Role.UNIT_HEAD, actor=None, unit=unit, reason="Dữ liệu demo")
        self_assess(commune, officer, head, rng, quality=rng.uniform(0.6, 0.97))
        assessment = assessment_services.get_or_create(commune)
        appraisal = appraisal_services.get_or_start(assessment)
        if appraisal.stage != "finalized":
            for n, row in enumerate(appraisal.items.all()):
                own = appraisal_services.self_points(assessment, row.item_code)
                if n % 11 == 5 and own > 0:
                    appraisal_services.appraise(appraisal, row.item_code, "0", "Tài liệu kiểm chứng chưa thể hiện "
                                                "kết quả thực hiện", actor=lead)
                else:
                    appraisal_services.appraise(appraisal, row.item_code, str(own), "", actor=lead)
            appraisal_services.close_explanation(appraisal, actor=lead)
            appraisal_services.confirm_unchanged(appraisal, actor=lead)
            appraisal_services.finalize(appraisal, actor=lead)


def _departments(period, password: str, rng: random.Random, log: list[str]) -> list[str]:
    submitted = []
    for code in SUBMITTED_DEPARTMENTS:
        unit = PeriodUnit.objects.get(period=period, code=code)
        officer = _user(f"{code.lower()}.canbo", f"Cán bộ {unit.name}", password)
        head = _user(f"{code.lower()}.giamdoc", f"Giám đốc {unit.name}", password)
        identity = Unit.objects.get(key=f"dept:{code}")
        grant_role(officer, Role.UNIT_OFFICER, actor=None, unit=identity, reason="Dữ liệu demo")
        grant_role(head, Role.UNIT_HEAD, actor=None, unit=identity, reason="Dữ liệu demo")
        quality = rng.uniform(0.7, 0.95)
        if assessment_services.get_or_create(unit).status != Status.SUBMITTED:
            self_assess(unit, officer, head, rng, quality=quality)
            submitted.append(code)
    if submitted:
        log.append(f"Đã nộp tự đánh giá, chờ thẩm định: {', '.join(submitted)}")
    return log

