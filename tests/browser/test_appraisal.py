"""End to end: appraisal (III.3 of QĐ 1679/QĐ-UBND) in a real browser — a provincial member appraises
their field of a department, the unit explains, the team lead confirms and finalizes, the minutes show it;
a district team finalizes a commune, the district publishes, the public reads the ranking; nobody reaches
a unit they do not appraise by its URL.

The world (tests/conftest.py) freezes parindex.core.clock at NOW = 20/11/2026 10:00 Vietnam time; the
live server runs in this process, so it reads the same frozen clock.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services
from parindex.appraisal.models import ExplanationEvidence, ItemAppraisal, Stage, Team
from parindex.assessments import services as assessment_services
from parindex.core.demo import DEMO_PASSWORD
from parindex.publication.models import Publication
from parindex.units.models import PeriodUnit, Unit
from parindex.units.states import WorkState
from tests.assessments.files import pdf_bytes
from tests.meeting import full_meeting

LOGIN = "/tai-khoan/dang-nhap/"
LIST = "/ky/2021/tham-dinh/"
STP_PAGE = LIST + "STP/"
STP_EXPLANATION = "/ky/2021/don-vi/STP/giai-trinh/"
HOA_MUC_PAGE = LIST + "02098/"
RESULTS = "/ky/2021/huyen/065/ket-qua-xa/"
PUBLIC = "/cong-bo/2021/huyen/065/"
SAVED = re.compile(r"^Đã lưu lúc \d\d:\d\d \d\d/\d\d/\d{4}$")
PROVINCIAL_AGENCIES = ["VPUBND", "SNV", "STP", "STC", "STTTT", "SKHCN"]

# Chợ Mới's 14 communes, each self-assessed at 100; round 1 lowers some items (as in tests/appraisal/test_publication).
ZERO_C = ["c.1.1", "c.1.2", "c.1.3", "c.2.1", "c.2.2", "c.2.3", "c.3.1", "c.3.2", "c.3.3", "c.4.1", "c.4.2",
          "c.5.1", "c.5.2"]                                             # field c: 25 points
ZERO_H14 = ["h.1.1", "h.1.2", "h.1.3", "h.1.4", "h.2.1", "h.2.2", "h.2.3", "h.3.1", "h.3.2", "h.3.3", "h.4.1",
            "h.4.2", "h.4.3", "h.4.4"]                                  # h.1–h.4: 25 points
PLANS = {
    "02086": {}, "02089": {}, "02092": {"c.3.1": "0"}, "02095": {"e.1": "0", "e.2": "0"},
    "02098": {"g.1": "3,5"},  # appraised in the browser (g.1 has no 3,75: issue 12 §3, item 2)
    "02101": {"e.1": "0", "e.2": "0"}, "02104": {"g.1": "3,25", "e.1": "0", "e.2": "0"},
    "02107": {"c.3.1": "0", "e.1": "0"}, "02110": {code: "0" for code in ZERO_C},
    "02113": {code: "0" for code in ZERO_C + ZERO_H14},
    "02116": {code: "0" for code in ZERO_C + ZERO_H14 + ["h.5.3"]},
    "02122": {"a.1.1": "0,5"}, "02125": {"a.1.1": "0,5"}, "02131": {"c.3.1": "5"},
}
EXPECTED = [  # the ranking, in the order it is shown: code, rank, index, class
    ("02086", "1", "100,00", "Xuất sắc"), ("02089", "1", "100,00", "Xuất sắc"), ("02098", "3", "99,50", "Xuất sắc"),
    ("02122", "3", "99,50", "Xuất sắc"), ("02125", "3", "99,50", "Xuất sắc"), ("02131", "6", "99,00", "Xuất sắc"),
    ("02092", "7", "94,00", "Xuất sắc"), ("02095", "8", "90,00", "Xuất sắc"), ("02101", "8", "90,00", "Xuất sắc"),
    ("02104", "10", "89,25", "Tốt"), ("02107", "11", "89,00", "Tốt"), ("02110", "12", "75,00", "Khá"),
    ("02113", "13", "50,00", "Khá"), ("02116", "14", "49,00", "Trung bình"),
]


# -- helpers ---------------------------------------------------------------------------------------

def finalize(page, unit: str, total: str, changed: str) -> None:
    """The lead's "Chốt kết quả": a confirmation page with the summary, then the POST."""
    page.get_by_role("link", name="Chốt kết quả").click()
    summary = page.locator("dl.summary")
    expect(summary.locator("dd")).to_have_text([unit, total, changed, re.compile(r"^\d+$")])
    page.get_by_role("button", name="Chốt kết quả").click()


def log_in(page, base_url, username):
    """Fill the login form as a person would, and land on «Việc cần làm»."""
    page.goto(base_url + LOGIN)
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Việc cần làm")


def switch(page, base_url, username):
    """Log out through the header's button, and log in as another person."""
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    log_in(page, base_url, username)


def item(page, code):
    return page.locator(f'article.appraisal-item[data-code="{code}"]')


def messages(page):
    return page.locator(".messages")


def stage(page):
    return page.locator("#appraisal-stage")


def save(row, points: str | None = None, comment: str | None = None):
    """Give one item its appraised points (a radio or the typed value) and comment, and press «Lưu»."""
    if points is not None:
        radio = row.locator(f'.choices input[type=radio][value="{points}"]')
        if radio.count():
            radio.check()
        else:
            row.locator("input.points").fill(points)
    if comment is not None:
        row.locator("textarea[name=comment]").fill(comment)
    row.get_by_role("button", name="Lưu điểm thẩm định").click()


def saved(row, points: str, column: str = "round1"):
    """The item says it was saved, and its column shows these points, without a reload."""
    expect(row.locator(".status")).to_have_text(SAVED)
    expect(row.locator(".status")).to_have_class(re.compile(r"\bok\b"))
    expect(row.locator(f'.col[data-col="{column}"] .points')).to_have_text(f"{points} điểm")


def own_points(appraisal, code):
    return appraisal.assessment.snapshot["items"][code]["points"]


def row_of(appraisal, code):
    return ItemAppraisal.objects.get(appraisal=appraisal, item_code=code)


@pytest.fixture
def submit(persona, fill):
    """``submit(assessment, officer, head)``: fill every item, record participants, approve and submit."""
    def do(assessment, officer, head):
        fill(assessment, officer)
        assessment_services.set_participants(assessment, full_meeting(assessment), actor=persona(officer))
        assessment_services.send_for_approval(assessment, actor=persona(officer))
        assessment_services.approve_and_submit(assessment, actor=persona(head))
        return assessment_services.get_or_create(PeriodUnit.objects.get(pk=assessment.period_unit_id))
    return do


# -- 1. a department: field g by Sở Tài chính, the unit's explanation, final round, minutes ---------

@pytest.fixture
def province_lead(world):
    """The provincial team's lead: a member for every provincial agency (all fields)."""
    lead = get_user_model().objects.create_user("tinh.totruong", password=DEMO_PASSWORD,
                                                first_name="Tổ trưởng tổ thẩm định tỉnh")
    for agency in PROVINCIAL_AGENCIES:
        grant_role(lead, Role.APPRAISER, actor=None, agency=agency)
    Team.objects.create(period=world, district=None, lead=lead)
    return lead


@pytest.fixture
def stp_round1(assessment_of, submit, province_lead):
    """Sở Tư pháp submitted; the lead appraised round 1 of every item but Sở Tài chính's field g."""
    appraisal = services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))
    for r in appraisal.items.all():
        if not (r.agency == "STC" and r.item_code.startswith("g.")):
            services.appraise(appraisal, r.item_code, own_points(appraisal, r.item_code), "", actor=province_lead)
    return appraisal


def test_the_finance_appraiser_appraises_field_g_of_a_department_and_the_unit_explains(
        live_server, page, stp_round1, tmp_path):
    base = live_server.url
    field_g = sorted(stp_round1.items.filter(agency="STC", item_code__startswith="g.")
                     .values_list("item_code", flat=True))
    assert len(field_g) == 11 and stp_round1.items.count() == 70
    comment = "Chưa công khai quyết toán ngân sách năm 2021 trên cổng thông tin của Sở"

    # Sở Tài chính's member: the list, then field g of Sở Tư pháp only
    log_in(page, base, "stc.thamdinh")
    page.goto(base + LIST)
    expect(page.locator("h1")).to_have_text("Đơn vị cần thẩm định (2021)")
    expect(page.locator("tr.unit-row")).to_have_count(1)
    stp = page.locator('tr.unit-row[data-code="STP"]')
    expect(stp.locator("td")).to_have_text(
        ["Sở Tư pháp", "Sở, ban, ngành", "Thẩm định vòng 1", "0 / 11", "tiêu chí được phân công"])
    stp.get_by_role("link", name="Sở Tư pháp").click()
    expect(page.locator("h1")).to_have_text("Thẩm định: Sở Tư pháp (2021)")
    expect(stage(page)).to_have_attribute("data-stage", "round1")
    items = page.locator("article.appraisal-item")
    expect(items).to_have_count(11)
    assert items.evaluate_all("rows => rows.map(r => r.dataset.code)") == field_g
    expect(page.locator("form.appraise-form")).to_have_count(11)
    expect(page.locator("section.field-block")).to_have_count(1)

    # a score other than the self-score without a comment is refused, in Vietnamese, and nothing is kept
    g12 = item(page, "g.1.2")
    expect(g12.locator(".col.self .points")).to_have_text("1 điểm")
    expect(g12.locator('input[type=radio][value="1"]')).to_be_checked()  # the self-score is proposed
    save(g12, "0,5")
    expect(g12.locator(".status")).to_have_text(
        "Tiêu chí g.1.2: điểm thẩm định (0,5) khác điểm tự chấm (1) nên phải ghi nhận xét")
    expect(g12.locator(".status")).to_have_class(re.compile(r"\berror\b"))
    expect(g12.locator('.col[data-col="round1"]')).to_contain_text("chưa có")
    assert row_of(stp_round1, "g.1.2").round1_points is None

    # with a comment it is saved, and the round-1 column shows it at once
    save(g12, comment=comment)
    saved(g12, "0,5")
    expect(g12.locator('.col[data-col="round1"] .comment')).to_have_text(comment)
    expect(g12.locator('.col[data-col="round1"] .who')).to_have_text(
        "Sở Tài chính — tổ thẩm định tỉnh (lĩnh vực g) · 10:00 20/11/2026")
    for code in field_g:  # the other items: the proposed self-score, confirmed one by one
        if code != "g.1.2":
            row = item(page, code)
            save(row)
            saved(row, row.locator(".choices input[type=radio]:checked").get_attribute("value"))
    page.goto(base + LIST)
    expect(stp.locator(".done")).to_have_text("11")
    expect(stp).to_have_class(re.compile(r"\bcomplete\b"))
    r = row_of(stp_round1, "g.1.2")
    assert (r.round1_points, r.round1_comment, r.round1_by.username) == (Decimal("0.5"), comment, "stc.thamdinh")
    assert not stp_round1.items.filter(round1_points__isnull=True).exists()

    # Sở Nội vụ opens the explanation round on the unit page
    switch(page, base, "snv.dieuphoi")
    page.goto(base + STP_PAGE)
    expect(page.locator("article.appraisal-item")).to_have_count(70)  # the coordinator sees every item
    expect(page.locator("form.appraise-form")).to_have_count(0)        # and scores none
    expect(page.locator("#explanation-window")).to_have_text("Chưa mở")
    page.locator('#quy-trinh input[type="datetime-local"][name="until"]').fill("2026-11-24T00:00")
    page.get_by_role("button", name="Mở vòng giải trình").click()
    expect(messages(page)).to_contain_text("Đã mở vòng giải trình cho Sở Tư pháp đến hết ngày 23/11/2026")
    expect(stage(page)).to_have_attribute("data-stage", "explanation")
    expect(page.locator("#explanation-window")).to_have_text("Đang mở, đến hết ngày 23/11/2026")

    # the unit's officer sees the one item under comment, answers it and adds a real PDF
    switch(page, base, "stp.canbo")
    page.goto(base + STP_EXPLANATION)
    expect(page.locator("h1")).to_have_text("Giải trình ý kiến thẩm định: Sở Tư pháp (2021)")
    expect(page.locator("#window-state")).to_contain_text("Vòng giải trình đang mở đến hết ngày 23/11/2026")
    answered = page.locator("article.appraisal-item")
    expect(answered).to_have_count(1)
    expect(answered).to_have_attribute("data-code", "g.1.2")
    expect(answered.locator(".col.round1 .points")).to_have_text("0,5 điểm")
    expect(answered.locator(".col.round1 .comment")).to_have_text(comment)
    explanation = "Sở đã công khai quyết toán ngân sách năm 2021 tại Quyết định số 45/QĐ-STP ngày 15/3/2022"
    answered.get_by_label("Nội dung giải trình tiêu chí g.1.2").fill(explanation)
    answered.get_by_role("button", name="Lưu giải trình").click()
    expect(messages(page)).to_contain_text("Đã lưu giải trình tiêu chí g.1.2")
    expect(answered.locator("textarea[name=explanation]")).to_have_value(explanation)
    pdf = tmp_path / "cong-khai-quyet-toan-2021.pdf"
    pdf.write_bytes(pdf_bytes("Quyết định công khai quyết toán ngân sách năm 2021"))
    answered.locator('input[type=file][name="file"]').set_input_files(str(pdf))
    answered.locator('input[name="location"]').fill("Điều 1, trang 2")
    answered.get_by_role("button", name="Bổ sung tài liệu").click()
    expect(messages(page)).to_contain_text("Đã bổ sung tài liệu «cong-khai-quyet-toan-2021.pdf» cho tiêu chí g.1.2")
    added = answered.locator("ul.evidence.added li")
    expect(added).to_contain_text("cong-khai-quyet-toan-2021.pdf — Điều 1, trang 2")
    response = page.request.get(base + added.get_by_role("link").get_attribute("href"))  # the PDF opens
    assert (response.status, response.headers["content-type"], response.body()) == (
        200, "application/pdf", pdf.read_bytes())
    link = ExplanationEvidence.objects.get(item__appraisal=stp_round1, item__item_code="g.1.2")
    assert (link.location, link.added_by.username) == ("Điều 1, trang 2", "stp.canbo")

    # Sở Nội vụ closes the round: the final round
    switch(page, base, "snv.dieuphoi")
    page.goto(base + STP_PAGE)
    page.get_by_role("button", name="Chuyển sang thẩm định cuối").click()
    expect(messages(page)).to_contain_text("Đã chuyển sang vòng thẩm định cuối")
    expect(stage(page)).to_have_attribute("data-stage", "final")
    expect(page.locator("#explanation-window")).to_have_text("Đã đóng (hết ngày 23/11/2026)")

    # Sở Tài chính's member reads the answer and accepts it: the final score back to 1
    switch(page, base, "stc.thamdinh")
    page.goto(base + STP_PAGE)
    g12 = item(page, "g.1.2")
    expect(g12.locator('.col[data-col="explanation"] .comment')).to_have_text(explanation)
    expect(g12.locator('.col[data-col="explanation"] ul.added')).to_have_text(
        re.compile(r"^\s*cong-khai-quyet-toan-2021\.pdf — Điều 1, trang 2\s+\(Cán bộ Sở Tư pháp · [\d:/ ]+\)\s*$"))
    expect(g12.locator("legend")).to_have_text("Điểm thẩm định cuối")
    expect(g12.locator('input[type=radio][value="0,5"]')).to_be_checked()  # round 1 is proposed
    accepted = "Chấp nhận giải trình: đã bổ sung quyết định công khai quyết toán"
    save(g12, "1", accepted)
    saved(g12, "1", column="final")
    expect(g12.locator('.col[data-col="round1"] .points')).to_have_text("0,5 điểm")  # round 1 kept in its column

    # the lead confirms round 1 for everything else and finalizes
    switch(page, base, "tinh.totruong")
    page.goto(base + STP_PAGE)
    expect(page.get_by_role("link", name="Chốt kết quả")).to_be_visible()
    page.get_by_role("button", name="Xác nhận điểm vòng 1 cho các tiêu chí không giải trình").click()
    expect(messages(page)).to_contain_text(
        "Đã xác nhận điểm vòng 1 làm điểm thẩm định cuối cho 69 tiêu chí không giải trình")
    finalize(page, "Sở Tư pháp (STP)", "74", "0")
    expect(messages(page)).to_contain_text("Đã chốt kết quả thẩm định của Sở Tư pháp")
    expect(stage(page)).to_have_attribute("data-stage", "finalized")
    expect(stage(page)).to_have_text("Đã chốt kết quả")
    expect(page.locator("dl.facts")).to_contain_text("Tổ trưởng tổ thẩm định tỉnh · 10:00 20/11/2026")
    expect(page.locator("form.appraise-form")).to_have_count(0)
    expect(page.get_by_role("link", name="Chốt kết quả")).to_have_count(0)
    stp_round1.refresh_from_db()
    assert stp_round1.stage == Stage.FINALIZED and len(stp_round1.result) == 70
    assert stp_round1.result["g.1.2"] == "1" and stp_round1.assessment.period_unit.state == WorkState.APPRAISED
    assert sum(Decimal(v) for v in stp_round1.result.values()) == Decimal(74)  # = the self-score

    # the minutes: self-score, round 1, explanation, final, difference and comment of g.1.2; the totals
    page.get_by_role("link", name="Biên bản thẩm định").click()
    expect(page).to_have_url(base + STP_PAGE + "bien-ban/")
    expect(page.locator("#minutes-unit")).to_have_text("Sở Tư pháp (mã STP)")
    expect(page.locator("#minutes-finalized")).to_contain_text("Kết quả đã chốt bởi tổ trưởng Tổ trưởng tổ thẩm định")
    # code, title, agency, maximum, self, round 1, its comment, the unit's answer, final, difference, comment
    expect(page.locator('tr[id="line-g.1.2"] td')).to_have_text([
        "g.1.2", "Công khai dự toán, quyết toán ngân sách theo quy định", "STC", "1", "1", "0,5", comment,
        re.compile(re.escape(explanation) + r"\s*\+ cong-khai-quyet-toan-2021\.pdf — Điều 1, trang 2$"),
        "1", "0", accepted])
    expect(page.locator("#line-total th")).to_have_text(
        ["", "Tổng điểm phần tự đánh giá", "", "74", "74", "73,5", "", "", "74", "0", ""])
    expect(page.locator("#minutes-final")).to_have_text("74 / 74")
    expect(page.locator("#minutes-appraisers")).to_contain_text("Sở Tài chính — tổ thẩm định tỉnh (lĩnh vực g) (STC")


# -- 2. a commune appraised in the browser, the district publishes, the public reads it ------------

@pytest.fixture
def chomoi_team(world, persona):
    """Chợ Mới's team: chomoi.thamdinh (PNV, fields a d e, demo) is lead; more agencies granted here."""
    district = Unit.objects.get(key="gso:065")
    for agency in ("PTP", "VPHU", "PTCKH", "PVHTT"):
        grant_role(persona("chomoi.thamdinh"), Role.APPRAISER, actor=None, agency=agency, team_district=district)
    grant_role(persona("chomoi.thamdinh"), Role.APPRAISER, actor=None, agency="PNV", team_district=district,
               fields=[])
    team, _ = Team.objects.get_or_create(period=world, district=PeriodUnit.objects.get(period=world, code="065"))
    team.lead = persona("chomoi.thamdinh")
    team.save()
    return team


@pytest.fixture
def chomoi_but_hoa_muc_finalized(chomoi_team, persona, assessment_of, submit, unit_of):
    """Every commune of Chợ Mới submitted; all but Xã Hoà Mục appraised and finalized through the services."""
    lead = persona("chomoi.thamdinh")
    User = get_user_model()
    communes = list(unit_of("065").children.order_by("code"))
    assert [c.code for c in communes] == sorted(PLANS)
    for commune in communes:
        if commune.code == "02098":
            submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich")
            continue
        officer, head = f"xa{commune.code}.canbo", f"xa{commune.code}.chutich"
        identity = Unit.objects.get(key=f"gso:{commune.code}")
        grant_role(User.objects.create_user(officer), Role.UNIT_OFFICER, actor=None, unit=identity)
        grant_role(User.objects.create_user(head), Role.UNIT_HEAD, actor=None, unit=identity)
        appraisal = services.get_or_start(submit(assessment_of(commune.code), officer, head))
        plan = PLANS[commune.code]
        for row in appraisal.items.all():
            if row.item_code in plan:
                services.appraise(appraisal, row.item_code, plan[row.item_code], "Chưa đạt yêu cầu", actor=lead)
            else:
                services.appraise(appraisal, row.item_code, own_points(appraisal, row.item_code), "", actor=lead)
        services.close_explanation(appraisal, actor=lead)
        services.confirm_unchanged(appraisal, actor=lead)
        services.finalize(appraisal, actor=lead)
    return unit_of("02098")


def test_a_district_team_appraises_and_the_coordinator_publishes_and_the_public_sees_it(
        live_server, page, browser, chomoi_but_hoa_muc_finalized, unit_of):
    base = live_server.url
    log_in(page, base, "chomoi.thamdinh")
    page.goto(base + LIST)
    expect(page.locator("tr.unit-row")).to_have_count(14)
    expect(page.locator('tr.unit-row[data-stage="finalized"]')).to_have_count(13)
    hoa_muc = page.locator('tr.unit-row[data-code="02098"]')
    expect(hoa_muc.locator("td")).to_have_text(
        ["Xã Hoà Mục", "Huyện Chợ Mới", "Chưa bắt đầu thẩm định", "0 / 53", "mọi tiêu chí"])
    hoa_muc.get_by_role("link", name="Xã Hoà Mục").click()
    expect(page.locator("h1")).to_have_text("Thẩm định: Xã Hoà Mục (2021)")
    expect(page.locator("form.appraise-form")).to_have_count(53)

    # round 1: g.1 lowered with a comment through the form, every other item at its proposed self-score
    g1 = item(page, "g.1")
    expect(g1.locator("input.points")).to_have_value("4")
    save(g1, "3,5", "Báo cáo tài chính năm 2021 nộp chậm 05 ngày")
    saved(g1, "3,5")
    for code in page.locator("article.appraisal-item").evaluate_all("rows => rows.map(r => r.dataset.code)"):
        if code != "g.1":
            save(item(page, code))
            expect(item(page, code).locator(".status")).to_have_text(SAVED)
    page.reload()
    expect(page.locator(".appraisal-item .col.round1 .points")).to_have_count(53)
    expect(page.get_by_text("Còn 0 tiêu chí chưa thẩm định ở vòng này.")).to_be_visible()
    expect(item(page, "g.1").locator(".col.round1 .points")).to_have_text("3,5 điểm")
    expect(page.locator("article.appraisal-item.differs")).to_have_count(1)  # marked once the page is redrawn

    # no explanation round for this commune: the lead moves to the final round, confirms and finalizes
    page.get_by_role("button", name="Chuyển sang thẩm định cuối").click()
    expect(messages(page)).to_contain_text("Đã chuyển sang vòng thẩm định cuối")
    expect(stage(page)).to_have_attribute("data-stage", "final")
    expect(page.locator("#explanation-window")).to_have_text("Không mở")
    page.get_by_role("button", name="Xác nhận điểm vòng 1 cho các tiêu chí không giải trình").click()
    expect(messages(page)).to_contain_text(
        "Đã xác nhận điểm vòng 1 làm điểm thẩm định cuối cho 53 tiêu chí không giải trình")
    finalize(page, "Xã Hoà Mục (02098)", "99,5", "1")
    expect(messages(page)).to_contain_text("Đã chốt kết quả thẩm định của Xã Hoà Mục")
    expect(stage(page)).to_have_attribute("data-stage", "finalized")
    expect(item(page, "g.1").locator(".col.final .points")).to_have_text("3,5 điểm")
    appraisal = unit_of("02098").assessment.appraisal
    assert appraisal.stage == Stage.FINALIZED and appraisal.result["g.1"] == "3.5"
    assert sum(Decimal(v) for v in appraisal.result.values()) == Decimal("99.5")

    # the district's coordinator: 14 communes ranked with their classes, then publishes
    switch(page, base, "chomoi.noivu")
    page.goto(base + RESULTS)
    expect(page.locator("h1")).to_have_text("Chỉ số CCHC năm 2021 của UBND cấp xã — Huyện Chợ Mới")
    expect(page.locator("#complete")).to_contain_text("14/14 xã")
    ranking = page.locator("table.results tbody tr")
    expect(ranking).to_have_count(14)
    assert ranking.evaluate_all("rows => rows.map(r => r.id)") == [f"xa-{code}" for code, *_ in EXPECTED]
    expect(ranking.locator("td.rank, td.index, td.class")).to_have_text([cell for _, *row in EXPECTED for cell in row])
    expect(page.locator("#xa-02098")).to_contain_text("Xã Hoà Mục")
    page.get_by_role("button", name="Công bố kết quả cấp xã").click()
    expect(page.locator("dl.summary")).to_contain_text("14 xã, 14 xã có kết quả xếp hạng")  # confirm first
    page.get_by_role("button", name="Công bố kết quả", exact=True).click()
    expect(messages(page)).to_contain_text("Đã công bố kết quả Chỉ số CCHC cấp xã của Huyện Chợ Mới (lần 1)")
    expect(page.locator("#history #lan-1")).to_contain_text("Phòng Nội vụ huyện Chợ Mới")
    assert Publication.objects.get(scope="district:065").version == 1
    assert set(unit_of("065").children.values_list("state", flat=True)) == {WorkState.PUBLISHED}

    # anyone, without an account, reads the published ranking
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        public = context.new_page()
        public.set_default_timeout(10_000)
        assert public.goto(base + PUBLIC).status == 200
        expect(public.get_by_role("button", name="Đăng xuất")).to_have_count(0)
        expect(public.locator("article.published h1")).to_contain_text("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2021")
        expect(public.locator(".issued")).to_contain_text("Công bố lần 1, ngày 20/11/2026")
        rows = public.locator("#ranking tbody tr")
        expect(rows).to_have_count(14)
        expect(rows.locator("td.rank")).to_have_text([rank for _, rank, _, _ in EXPECTED])
        expect(public.locator("#xa-02098 td")).to_have_text(["3", "Xã Hoà Mục", "99,5", "99,50", "Xuất sắc", ""])
        expect(public.locator("#xa-02116 td.class")).to_have_text("Trung bình")
    finally:
        context.close()

    # another district's coordinator does not even learn that the page exists
    switch(page, base, "nari.noivu")
    assert page.goto(base + RESULTS).status == 404
    expect(page.locator("body")).not_to_contain_text("Hoà Mục")


# -- 3. a handcrafted URL does not reach a unit one does not appraise -------------------------------

def test_an_appraiser_cannot_reach_unassigned_units_by_url(live_server, page, assessment_of, submit):
    base = live_server.url
    submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc")
    submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich")

    log_in(page, base, "stc.thamdinh")  # the provincial team, field g: departments and districts only
    page.goto(base + LIST)
    expect(page.locator("tr.unit-row")).to_have_attribute("data-code", "STP")  # the only one listed
    assert page.goto(base + HOA_MUC_PAGE).status == 404
    expect(page.locator("body")).not_to_contain_text("Hoà Mục")
    expect(page.locator("article.appraisal-item")).to_have_count(0)
    assert page.goto(base + STP_PAGE).status == 200  # what it does appraise opens
    expect(page.locator("h1")).to_have_text("Thẩm định: Sở Tư pháp (2021)")

    switch(page, base, "chomoi.thamdinh")  # Chợ Mới's team: its communes only
    page.goto(base + LIST)
    expect(page.locator("tr.unit-row")).to_have_attribute("data-code", "02098")  # the only one listed
    assert page.goto(base + STP_PAGE).status == 404
    expect(page.locator("body")).not_to_contain_text("Sở Tư pháp")
    expect(page.locator("article.appraisal-item")).to_have_count(0)
    assert page.goto(base + HOA_MUC_PAGE).status == 200
    expect(page.locator("h1")).to_have_text("Thẩm định: Xã Hoà Mục (2021)")
