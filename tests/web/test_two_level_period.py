"""A two-level province in the site, beside the three-level 2021 period (issue 12 §1).

Since 1 July 2025 local government has two levels: no districts, communes appraised by the province's team. The
made-up test decision (tests/rulebook/fixtures/decision-two-level.yaml: departments and communes, other class
bands, dense ranking, another timeline, no explanation round) runs one period end to end through the pages:
the coordinator creates the period with the decision file, loads its units (communes under the province, one
succeeding a 2021 commune), opens it; communes and departments self-assess and submit; the province's team
appraises communes in the province's window (V.4 of that decision's timeline); the province's results rank the
communes province-wide beside the departments, are approved and published, and the public reads them. The 2021
period keeps its three levels the whole time (its communes still belong to their districts' teams).

Item scores and the survey's answers are entered through the services the pages call (each page is tested in its
own module); the survey runs on a department-only design of the province's own (there are no districts to survey).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts import permissions
from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services as appraisal
from parindex.appraisal.models import Team
from parindex.assessments import services as assessments
from parindex.audit.models import AuditEntry
from parindex.core import clock
from parindex.core.errors import DomainError
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.publication import services as publication
from parindex.publication.models import Publication
from parindex.survey import collect
from parindex.survey import results as survey_results
from parindex.survey import services as survey_services
from parindex.units.models import PeriodUnit, Unit, UnitKind
from tests.conftest import best_value
from tests.meeting import full_meeting

TWO_LEVEL = (Path(__file__).resolve().parents[1] / "rulebook/fixtures/decision-two-level.yaml").read_text(
    encoding="utf-8")

# Tỉnh thử nghiệm after the merger: the province, three communes (the first succeeds two 2021 communes of
# Chợ Mới), two departments that also existed in 2021 (same identity: dept:SNV, dept:STP).
ADMIN_CSV = """# Đơn vị hành chính thử nghiệm (hai cấp, sau 01/7/2025)
level,parent,name,type,gso_code,parent_gso_code,predecessors
province,,Tỉnh thử nghiệm,Tỉnh,90,,
commune,Tỉnh thử nghiệm,Xã Hoà Mục Mới,Xã,90001,90,02098;02101
commune,Tỉnh thử nghiệm,Xã Sông Cầu,Xã,90002,90,
commune,Tỉnh thử nghiệm,Phường Đức Xuân,Phường,90003,90,
"""
DEPARTMENTS_CSV = """code,name,short_name,kind
SNV,Sở Nội vụ,Nội vụ,department
STP,Sở Tư pháp,Tư pháp,department
"""
# What the province's team lowers (item → points), per unit: 99.25 → 99.2 (one decimal, rounded down in the
# test decision) → Xuất sắc (≥ 85); field c's first three criteria (18 points) → 82.0 → Tốt (≥ 70)
LOWERED = {"90001": {"g.1": "3,25"}, "90002": {"c.1.1": "0", "c.1.2": "0", "c.1.3": "0", "c.2.1": "0", "c.2.2": "0",
                                  "c.2.3": "0", "c.3.1": "0", "c.3.2": "0", "c.3.3": "0"}}


def _csv(name: str, text: str):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=VN)


def _user(username: str, role: str, **where):
    user = get_user_model().objects.create_user(username, password="x")
    grant_role(user, role, actor=None, **where)
    return user


@pytest.fixture
def two_level(world, login):
    """The 2025 period under the test decision, created, loaded and opened through the pages."""
    coordinator = login("snv.dieuphoi")
    response = coordinator.post("/ky/tao/", {"year": "2025", "decision": "backan-1679", "reading": "",
                                             "decision_file": SimpleUploadedFile("hai-cap.yaml", TWO_LEVEL.encode())})
    assert response.status_code == 302
    page = coordinator.get("/ky/2025/").content.decode()
    assert "Nạp danh sách đơn vị" in page and "Bảng theo dõi sở, ban, ngành và cấp xã" in page
    assert "Tổng hợp cấp xã theo huyện" not in page    # no districts in this decision

    # a district row is refused: this decision has no district level; nothing is saved
    refused = coordinator.post("/ky/2025/danh-sach-don-vi/", {"units_file": _csv("don-vi.csv", ADMIN_CSV.replace(
        "commune,Tỉnh thử nghiệm,Xã Sông Cầu,Xã,90002,90,", "district,Tỉnh thử nghiệm,Huyện X,Huyện,901,90,"))})
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 200 and "Tệp đơn vị có 1 lỗi, chưa lưu gì" in text
    assert "dòng 5: quyết định test-two-level của kỳ 2025 không có cấp «UBND cấp huyện»" in text
    assert not PeriodUnit.objects.filter(period__year=2025).exists()

    loaded = coordinator.post("/ky/2025/danh-sach-don-vi/", {"units_file": _csv("don-vi.csv", ADMIN_CSV)}, follow=True)
    assert "Đã nạp «don-vi.csv»: 4 đơn vị mới, 0 đơn vị cập nhật, 0 không đổi" in html.unescape(
        loaded.content.decode())
    coordinator.post("/ky/2025/danh-sach-don-vi/", {"units_file": _csv("so.csv", DEPARTMENTS_CSV)})
    period = Period.objects.get(year=2025)
    province = PeriodUnit.objects.get(period=period, code="90")
    communes = PeriodUnit.objects.filter(period=period, kind=UnitKind.COMMUNE).order_by("code")
    assert [(c.code, c.parent_id) for c in communes] == [(c, province.pk) for c in ("90001", "90002", "90003")]
    assert communes[0].predecessors == ["gso:02098", "gso:02101"]
    assert AuditEntry.objects.filter(action="units.loaded", object_id=str(period.pk)).count() == 2

    coordinator.post("/ky/2025/mo/")
    period.refresh_from_db()
    assert period.status == Period.Status.OPEN
    after = coordinator.post("/ky/2025/danh-sach-don-vi/", {"units_file": _csv("don-vi.csv", ADMIN_CSV)})
    assert "đã mở: danh sách đơn vị được cố định" in html.unescape(after.content.decode())
    home = html.unescape(coordinator.get("/").content.decode())   # the newest open period is 2025's
    assert "Theo dõi sở, ban, ngành và cấp xã: 5 đơn vị chưa nộp" in home
    assert "Kiểm tra cấp huyện đã đủ kết quả cấp xã" not in home
    return period


def _survey_design(items) -> str:
    """A department-only survey design for the two-level test province (docs/survey-format.md): one group of
    citizens evaluating every department, one question per survey item."""
    questions = "\n".join(f"      - {{code: C{n}, item: {i.code}, section: Khảo sát, text: Câu hỏi về {i.code}}}"
                          for n, i in enumerate(items, 1))
    return f"""schema: 1
id: thu-nghiem-2025-survey
year: 2025
title: Điều tra thử nghiệm (hai cấp)
provenance: reconstructed
margin: 0.1
min_valid: 3
criteria:
  department: backan-2021-department
scales:
  - code: dong-y
    title: Mức độ đồng ý
    options:
      - {{code: "1", label: Đồng ý, value: 1}}
      - {{code: "2", label: Không đồng ý, value: 0}}
      - {{code: kb, label: Không biết, value: null}}
groups:
  - code: dan
    title: Người dân
    evaluates: department
    scope: all
    modes: [online, paper]
    population: 100
    sample: formula
    scale: dong-y
    questions:
{questions}
"""


def _unit(period, code):
    return PeriodUnit.objects.select_related("period", "parent").get(period=period, code=code)


def _self_assess(period, code: str, when: datetime):
    unit = _unit(period, code)
    key = Unit.objects.get(pk=unit.unit_id)
    officer = _user(f"u{code.lower()}.canbo", Role.UNIT_OFFICER, unit=key)
    head = _user(f"u{code.lower()}.thutruong", Role.UNIT_HEAD, unit=key)
    clock.freeze(when)
    assessment = assessments.get_or_create(unit)
    for item_code, view in assessments.item_views(assessment).items():
        assessments.save_item(assessment, item_code, best_value(view.item), f"Giải trình {item_code}",
                              actor=officer, version=None)
    assessments.set_participants(assessment, full_meeting(assessment), actor=officer)
    assessments.send_for_approval(assessment, actor=officer)
    assessments.approve_and_submit(assessment, actor=head)
    return assessments.get_or_create(_unit(period, code))


def test_a_two_level_period_runs_end_to_end_beside_the_three_level_2021(two_level, world, login, client,
                                                                        unit_of):
    period = two_level
    # the decision's participants (III.2.2 of this decision: the commune chairperson and the PAR officer)
    assert assessments.required_roles(_unit(period, "90001")) == ("Chủ tịch UBND cấp xã",
                                                                  "Công chức tham mưu công tác CCHC")

    # V.1 of the test decision: communes «trước ngày 15/11», read inclusively; departments «trước ngày 15/12»
    submitted = {code: _self_assess(period, code, at(2025, 11, 15, 16, 0)) for code in ("90001", "90002")}
    submitted.update({code: _self_assess(period, code, at(2025, 12, 15, 16, 0)) for code in ("SNV", "STP")})
    assert all(a.snapshot["self_points"] == "100" or a.period_unit.kind == "department" for a in submitted.values())
    late = _unit(period, "90003")   # one commune misses the deadline: the coordinator records it not assessed

    # the province's team appraises the communes (no district), the 2021 communes stay with their districts
    commune = _unit(period, "90001")
    assert permissions.appraising_team(commune).district is None and permissions.team_level(commune) is None
    assert permissions.appraising_team(unit_of("02098")).district.code == "065"
    sets = {k: period.criteria_sets.get(unit_kind=k).parsed() for k in ("commune", "department")}
    lead = get_user_model().objects.create_user("tinh.totruong")
    key_agencies = sorted({i.agency for s in sets.values() for i in s.items if not i.is_survey})
    for agency in key_agencies:
        grant_role(lead, Role.APPRAISER, actor=None, agency=agency, fields=[])
    Team.objects.create(period=period, district=None, lead=lead)
    district_member = get_user_model().objects.get(username="chomoi.thamdinh")

    teams = html.unescape(login("snv.dieuphoi").get("/ky/2025/tham-dinh/to/").content.decode())
    assert "tổ thẩm định tỉnh thẩm định các sở, ban, ngành và UBND cấp xã" in teams
    assert 'data-kind="department"' in teams and 'data-kind="commune"' in teams   # both on the provincial team
    assert 'data-kind="district"' not in teams
    client.force_login(lead)
    assert client.get("/ky/2025/tham-dinh/90001/").status_code == 200
    client.force_login(district_member)          # a 2021 district's team has nothing to do with 2025's communes
    assert client.get("/ky/2025/tham-dinh/90001/").status_code == 404

    # the commune is appraised in the province's window (16/12 – 15/01), not before
    clock.freeze(at(2025, 12, 10, 9, 0))
    with pytest.raises(DomainError, match="Chưa đến thời gian «Tổ thẩm định tỉnh thẩm định»"):
        appraisal.start(submitted["90001"], actor=lead)
    clock.freeze(at(2026, 1, 5, 9, 0))
    for code, assessment in submitted.items():
        started = appraisal.get_or_start(assessment)
        lowered = LOWERED.get(code, {})
        for row in started.items.all():
            own = assessment.snapshot["items"][row.item_code]["points"]
            appraisal.appraise(started, row.item_code, lowered.get(row.item_code, own),
                               "Chưa đạt" if row.item_code in lowered else "", actor=lead)
        appraisal.close_explanation(started, actor=lead)    # no explanation round in this decision
        appraisal.confirm_unchanged(started, actor=lead)
        appraisal.finalize(started, actor=lead)

    # the survey of the departments (V.1.1.c of the test decision: 15/11 – 15/01), through its services: a design
    # of the province's own (departments only: no districts to survey), opened, answered, closed; communes have
    # no survey points in this decision
    coordinator = login("snv.dieuphoi")
    snv = get_user_model().objects.get(username="snv.dieuphoi")
    survey_items = [i for i in sets["department"].items if i.is_survey]
    survey = survey_services.create_survey(period, _survey_design(survey_items), actor=snv)
    survey_services.open_survey(survey, actor=snv)
    clock.freeze(at(2026, 1, 10, 9, 0))
    design = survey_services.design_of(survey)
    agree = {q.code: "1" for q in design.groups[0].questions}
    for code in ("SNV", "STP"):
        for _n in range(3):   # min_valid: 3 valid answers per item and unit
            collect.record_response(survey, "dan", _unit(period, code), agree, "import", at(2026, 1, 9, 9, 0).date(),
                                    design=design)
    survey_results.close_survey(survey, actor=snv)
    assert survey_results.survey_points(_unit(period, "SNV")) == {i.code: i.max_points for i in survey_items}

    page = html.unescape(coordinator.get("/ky/2025/ket-qua-tinh/").content.decode())
    assert "Kết quả Chỉ số CCHC năm 2025 của sở, ban, ngành và UBND cấp xã" in page
    assert "hạ 1 bậc" not in page and "UBND cấp huyện" not in page
    assert "Phường Đức Xuân" in page and "chưa chốt kết quả thẩm định" in page    # the late commune blocks
    coordinator.post("/ky/2025/ket-qua-tinh/khong-danh-gia/", {"code": late.code, "reason": "Không nộp đúng hạn"})
    from parindex.publication.province import province_results
    draft = province_results(period)
    assert list(draft["groups"]) == ["department", "commune"] and draft["blocking"] == []
    ranked = {u["code"]: (u["index"], u["class"], u["rank"]) for u in draft["groups"]["commune"]["units"]}
    # ranked province-wide among the communes, classes of the test decision, one decimal rounded down
    assert ranked == {"90001": ("99.2", "xuat_sac", 1), "90002": ("82.0", "tot", 2), "90003": (None, None, None)}

    coordinator.post("/ky/2025/ket-qua-tinh/trinh/", {"confirmed": "1"})
    clock.freeze(at(2026, 1, 20, 9, 0))     # V.5 of the test decision: from 15/01
    approver = login("ubnd.lanhdao")
    approver.post("/ky/2025/ket-qua-tinh/phe-duyet/", {"number": "5/QĐ-UBND", "decision_date": "20/01/2026"})
    coordinator = login("snv.dieuphoi")
    done = coordinator.post("/ky/2025/ket-qua-tinh/cong-bo/", {"confirmed": "1"}, follow=True)
    assert "Đã công bố" in html.unescape(done.content.decode()), html.unescape(done.content.decode())[-3000:]
    published = Publication.objects.get(period=period, scope="province")
    assert published.content["decision"] == {"number": "5/QĐ-UBND", "date": "2026-01-20"}
    assert _unit(period, "90001").state == "published"

    # the public reads the communes ranked by the province, and each commune's home shows its own result
    client.logout()
    year_page = html.unescape(client.get("/cong-bo/2025/").content.decode())
    assert "Chỉ số CCHC năm 2025 của các sở, ban, ngành và UBND cấp xã" in year_page
    assert "Xã Hoà Mục Mới" in year_page and "Xã Sông Cầu" in year_page and "Tốt" in year_page
    unit_page = html.unescape(client.get("/cong-bo/2025/don-vi/90002/").content.decode())
    assert "Xã Sông Cầu" in unit_page and "82.0" in unit_page.replace(",", ".")
    # Xã Hoà Mục Mới succeeds two 2021 communes that Chợ Mới published (IV.2.1): their own results, by name
    publication.publish(world, publication.district_scope("065"), {
        "district": {"code": "065", "name": "Huyện Chợ Mới"}, "year": 2021, "units": [
            {"code": "02098", "name": "Xã Hoà Mục", "total": "95.5", "index": "95.50", "class": "xuat_sac",
             "class_label": "Xuất sắc", "rank": 2},
            {"code": "02101", "name": "Xã Thanh Mai", "total": "97", "index": "97.00", "class": "xuat_sac",
             "class_label": "Xuất sắc", "rank": 1}]}, actor=get_user_model().objects.get(username="chomoi.noivu"))
    merged = html.unescape(client.get("/cong-bo/2025/don-vi/90001/").content.decode())
    assert "Kết quả của các đơn vị trước sáp nhập" in merged
    assert "Xã Hoà Mục" in merged and "Xã Thanh Mai" in merged and 'href="/cong-bo/2021/huyen/065/"' in merged
    assert "95,50" in merged and "2/2" in merged
    result = publication.published_result_of(_unit(period, "90002"))
    assert (result.index, result.rank, result.ranked, result.url) == ("82.0", 2, 2, "/cong-bo/2025/don-vi/90002/")

    # the 2021 period kept its three levels and its own decision
    assert "district" in Period.objects.get(year=2021).decision.parsed().levels
    assert unit_of("02098").appraising_district.code == "065"
