"""End to end, as a new user meets the cycle (issue 8, section 2): the unit is led to its explanation
page; the team lead and the coordinator are told the next step; sending to the head and submitting ask
to confirm with a summary and refuse an incomplete sheet, listing what is missing; the change history
speaks Vietnamese; people, roles, teams and a new period are reached from the pages; one name per unit
and per state.

The world (tests/conftest.py) freezes parindex.core.clock at NOW = 20/11/2026 10:00 Vietnam time; the
live server runs in this process, so it reads the same frozen clock.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parindex.accounts.models import Role, RoleAssignment
from parindex.appraisal import services as appraisal_services
from parindex.assessments import services
from parindex.assessments.models import ItemScore, Status
from parindex.core import clock
from parindex.units.models import PeriodUnit
from parindex.units.states import WorkState
from tests.appraisal import conftest as appraisal_fixtures
from tests.browser.test_appraisal import log_in, switch  # logging in through the form, as a person does
from tests.conftest import NOW
from tests.meeting import CHAIR, PAR_OFFICER, SPECIALISTS

submit = appraisal_fixtures.submit          # the appraisal fixtures, used here as they are
chomoi_team = appraisal_fixtures.chomoi_team

CARD = "/ky/2021/don-vi/02098/"
SHEET = CARD + "tu-danh-gia/"
EXPLANATION = CARD + "giai-trinh/"
APPRAISAL = "/ky/2021/tham-dinh/02098/"
WHEN = re.compile(r"^\d\d:\d\d ngày \d\d/\d\d/\d{4}$")
PARTICIPANTS = [("Nông Văn A", "Chủ tịch UBND xã", CHAIR),
                ("Hoàng Thị B", "Công chức Văn phòng - Thống kê", PAR_OFFICER),
                ("Lục Văn C", "Công chức Tư pháp - Hộ tịch", SPECIALISTS)]  # III.2.2


def todo(page, text):
    return page.locator(".todo-item").filter(has_text=text)


@pytest.fixture
def round1_done(assessment_of, submit, chomoi_team, persona):
    """Xã Hoà Mục submitted; Chợ Mới's lead has appraised every item in round 1 (c.1.1 lowered, with a
    comment; the rest at the self-score)."""
    lead = persona("chomoi.thamdinh")
    appraisal = appraisal_services.get_or_start(submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich"))
    appraisal_services.appraise(appraisal, "c.1.1", "0", "Chưa niêm yết đủ thủ tục hành chính", actor=lead)
    items = appraisal.assessment.snapshot["items"]
    for row in appraisal.items.filter(round1_points__isnull=True):
        row.round1_points = Decimal(items[row.item_code]["points"])
        row.round1_by, row.round1_at = lead, NOW
        row.save()
    return appraisal


# -- 1. the unit is led to its explanation page ---------------------------------------------------

def test_during_the_explanation_round_the_unit_is_led_to_its_explanation_page(live_server, page, round1_done,
                                                                               persona):
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    expect(todo(page, "Giải trình ý kiến thẩm định")).to_have_count(0)  # round 1: nothing to answer yet
    page.goto(base + CARD)
    expect(page.locator(".explanation-round")).to_have_count(0)

    until = NOW + timedelta(days=7)
    appraisal_services.open_explanation(round1_done, until, actor=persona("chomoi.noivu"))

    # the to-do, with the round's deadline
    page.goto(base + "/")
    item = todo(page, "Xã Hoà Mục: Giải trình ý kiến thẩm định")
    expect(item).to_contain_text("hạn: 10:00 ngày 27/11/2026")
    item.get_by_role("link").click()
    expect(page).to_have_url(base + EXPLANATION)
    expect(page.locator("h1")).to_contain_text("Giải trình ý kiến thẩm định")
    expect(page.locator("body")).to_contain_text("c.1.1")

    # the unit card and the score sheet
    for path in (CARD, SHEET):
        page.goto(base + path)
        banner = page.locator(".explanation-round")
        expect(banner).to_contain_text("27/11/2026")
        banner.get_by_role("link", name="Giải trình ý kiến thẩm định").click()
        expect(page).to_have_url(base + EXPLANATION)

    # when the window closes by itself, the links go
    clock.freeze(until)
    page.goto(base + CARD)
    expect(page.locator(".explanation-round")).to_have_count(0)
    page.goto(base + "/")
    expect(todo(page, "Giải trình ý kiến thẩm định")).to_have_count(0)


# -- 2. the lead and the coordinator are told the next step ---------------------------------------

def test_the_lead_and_the_coordinators_are_told_the_next_step(live_server, page, round1_done, world):
    base = live_server.url
    log_in(page, base, "chomoi.noivu")
    step = todo(page, "Vòng 1 của Xã Hoà Mục đã xong: mở vòng giải trình")
    expect(step).to_have_attribute("data-role", "coordinator")
    step.get_by_role("link").click()
    expect(page).to_have_url(base + APPRAISAL)

    switch(page, base, "chomoi.thamdinh")
    step = todo(page, "Thẩm định vòng 1 của Xã Hoà Mục đã xong: chuyển sang thẩm định cuối / chốt kết quả")
    expect(step).to_have_attribute("data-role", "lead")
    step.get_by_role("link").click()
    expect(page).to_have_url(base + APPRAISAL)

    # every commune of Chợ Mới finalized: the district coordinator is told to publish
    switch(page, base, "chomoi.noivu")
    expect(todo(page, "Tất cả xã đã chốt")).to_have_count(0)
    PeriodUnit.objects.filter(period=world, parent__code="065").update(state=WorkState.APPRAISED)
    page.reload()
    publish = todo(page, "Huyện Chợ Mới: Tất cả xã đã chốt: công bố kết quả cấp xã")
    expect(publish.get_by_role("link")).to_have_attribute("href", "/ky/2021/huyen/065/ket-qua-xa/")


# -- 3. sending and submitting confirm with a summary; an incomplete sheet is refused -------------

def test_sending_and_submitting_show_a_summary_and_an_incomplete_sheet_is_refused_with_the_list(
        live_server, page, assessment_of, persona, fill):
    base = live_server.url
    officer = persona("hoamuc.canbo")
    assessment = assessment_of("02098")
    for code in ("a.1.1", "a.1.2", "a.2.1"):
        services.save_item(assessment, code, "1", f"Giải trình {code}", actor=officer, version=None)
    log_in(page, base, "hoamuc.canbo")
    page.goto(base + SHEET)
    page.get_by_role("button", name="Trình thủ trưởng duyệt").click()
    expect(page.locator("h1")).to_have_text("Trình thủ trưởng duyệt")
    refusal = page.locator(".msg.error")
    expect(refusal.locator("p").nth(0)).to_have_text("50 tiêu chí chưa chấm điểm:")
    expect(refusal.locator("p").nth(1)).to_have_text(re.compile(r"^a\.2\.2 \S"))
    expect(refusal.locator("p")).to_have_count(1 + 20 + 1)
    expect(refusal.locator("p").last).to_have_text("và 30 tiêu chí khác")
    expect(page.get_by_role("button", name="Trình thủ trưởng duyệt")).to_have_count(0)
    assert services.get_or_create(assessment.period_unit).status == Status.DRAFT

    # every item scored, but one with points and neither evidence nor explanation
    fill(assessment, "hoamuc.canbo")
    ItemScore.objects.filter(assessment=assessment, item_code="c.3.1").update(explanation="")
    page.reload()
    expect(refusal.locator("p")).to_have_text([
        "1 tiêu chí có điểm nhưng không có tài liệu kiểm chứng, không có giải trình:", re.compile(r"^c\.3\.1 \S")])
    expect(page.get_by_role("button", name="Trình thủ trưởng duyệt")).to_have_count(0)

    # complete: the summary, and the step is done on confirmation only
    services.save_item(services.get_or_create(assessment.period_unit), "c.3.1", "6", "Đủ hồ sơ một cửa",
                       actor=officer, version=None)
    services.set_participants(assessment, PARTICIPANTS, actor=officer)
    page.reload()
    summary = page.locator("dl.summary")
    for text in ("Xã Hoà Mục", "100 / 100", "53/53", "0 tài liệu trong thư viện, gắn cho 0 tiêu chí",
                 "hết ngày 03/12/2026"):
        expect(summary).to_contain_text(text)
    expect(page.locator(".msg.error")).to_have_count(0)
    page.get_by_role("button", name="Trình thủ trưởng duyệt").click()
    expect(page.locator(".messages")).to_contain_text("Đã trình thủ trưởng duyệt")
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")

    switch(page, base, "hoamuc.chutich")
    page.goto(base + SHEET)
    page.get_by_role("button", name="Duyệt và nộp").click()
    expect(page.locator("h1")).to_have_text("Duyệt và nộp bản tự đánh giá")
    expect(page.locator("dl.summary")).to_contain_text("53/53")
    page.get_by_role("link", name="Quay lại, chưa thực hiện").click()
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    page.get_by_role("button", name="Duyệt và nộp").click()
    page.get_by_role("button", name="Duyệt và nộp").click()
    expect(page.locator(".messages")).to_contain_text("Đã duyệt và nộp bản tự đánh giá")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")


# -- 4. the change history speaks Vietnamese ----------------------------------------------------

def test_the_change_history_reads_as_sentences_with_labels_and_dates(live_server, page, assessment_of, persona):
    officer = persona("hoamuc.canbo")
    services.save_item(assessment_of("02098"), "a.1.1", "0,5", "Kế hoạch 12/KH-UBND", actor=officer, version=None)
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    for path, what, line in [
        (CARD, "Chuyển trạng thái", "Trạng thái: Chưa bắt đầu → Đang tự đánh giá"),
        (SHEET, "Chấm điểm tiêu chí", "Điểm: — → 0,5"),
    ]:
        page.goto(base + path)
        history = page.locator("section.history")
        entry = history.locator("tr.audit-entry").filter(has_text=what).first
        expect(entry.locator("td.when")).to_have_text(WHEN)
        expect(entry.locator("td.changes")).to_contain_text(line)
        expect(entry).to_contain_text("Công chức xã Hoà Mục (Chợ Mới) (hoamuc.canbo)")
        text = history.inner_text()
        for raw in ("unit.state_changed", "assessment.score_changed", "self_assessing", "not_started", "{", "'"):
            assert raw not in text, (path, raw)


# -- 5. people, roles, teams and a new period, reached from the pages ----------------------------

def test_the_coordinator_reaches_teams_people_and_a_new_period_from_the_pages(live_server, page, world):
    base = live_server.url
    log_in(page, base, "snv.dieuphoi")
    todo(page, "Tổ thẩm định và phân công thẩm định").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Tổ thẩm định và phân công thẩm định")
    page.goto(base + "/ky/2021/tham-dinh/")
    page.get_by_role("link", name="Tổ thẩm định và phân công thẩm định").click()
    expect(page.locator("h1")).to_contain_text("Tổ thẩm định và phân công thẩm định")

    # a new account: a bad name is refused with a message, then created and given a role
    page.goto(base + "/")
    todo(page, "Người dùng và vai trò").get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Người dùng và vai trò")
    page.get_by_label("Tên đăng nhập", exact=True).fill("Văn thư Hoà Mục")
    page.get_by_label("Họ và tên").fill("Lương Thị Văn Thư")
    page.get_by_label("Mật khẩu ban đầu").fill("Hoà-Mục-văn-thư-2021")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".errors")).to_contain_text("Tên đăng nhập «Văn thư Hoà Mục» không hợp lệ")
    page.get_by_label("Tên đăng nhập", exact=True).fill("hoamuc.vanthu")
    page.get_by_label("Mật khẩu ban đầu").fill("Hoà-Mục-văn-thư-2021")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo tài khoản hoamuc.vanthu")
    expect(page.get_by_label("Tên đăng nhập của người được giao")).to_have_value("hoamuc.vanthu")
    page.get_by_label("Vai trò").select_option(label="Cán bộ đơn vị")
    page.get_by_label("Đơn vị (cán bộ, thủ trưởng, điều phối viên cấp huyện)").select_option(label="Xã Hoà Mục")
    page.get_by_label("Lý do, căn cứ (quyết định phân công…)").fill("Quyết định 12/QĐ-UBND")
    page.get_by_role("button", name="Giao vai trò").click()
    expect(page.locator(".messages")).to_contain_text("Đã giao cho hoamuc.vanthu: Cán bộ đơn vị — Xã Hoà Mục")
    row = page.locator('tr.person[data-username="hoamuc.vanthu"]')
    expect(row).to_contain_text("Cán bộ đơn vị — Xã Hoà Mục")

    # revoking asks to confirm
    row.get_by_role("link", name="Thu hồi").click()
    expect(page.locator("h1")).to_have_text("Thu hồi vai trò")
    page.get_by_label("Lý do thu hồi").fill("Nhập nhầm")
    page.get_by_role("button", name="Thu hồi vai trò").click()
    expect(row).to_contain_text("chưa có vai trò")
    assert not RoleAssignment.objects.active().filter(user__username="hoamuc.vanthu").exists()

    # a new period, from the list of periods
    page.get_by_role("navigation").get_by_role("link", name="Kỳ đánh giá").click()
    page.get_by_role("link", name="Tạo kỳ đánh giá").click()
    page.get_by_label("Năm đánh giá").fill("2022")
    page.get_by_role("button", name="Tạo kỳ").click()
    expect(page).to_have_url(base + "/ky/2022/")
    expect(page.locator(".messages")).to_contain_text("Đã tạo kỳ đánh giá năm 2022")


def test_a_district_coordinator_is_offered_only_its_own_communes_and_team(live_server, page, world):
    base = live_server.url
    log_in(page, base, "chomoi.noivu")
    todo(page, "Người dùng và vai trò").get_by_role("link").click()
    units = page.locator("select#id_g-unit option")
    expect(units).to_have_count(1 + 14)
    expect(units.filter(has_text="Xã Hoà Mục")).to_have_count(1)
    expect(units.filter(has_text="Xã Kim Lư")).to_have_count(0)
    expect(page.locator("select#id_g-team option")).to_have_text(["Tổ thẩm định Huyện Chợ Mới"])
    expect(page.locator("select#id_g-role option")).to_have_text(
        [str(Role.UNIT_OFFICER.label), str(Role.UNIT_HEAD.label), str(Role.APPRAISER.label)])
    expect(page.locator("table.people")).not_to_contain_text("stp.canbo")


# -- 6. one name per unit and per state -------------------------------------------------------------

def test_one_name_per_unit_and_one_label_per_state_across_pages(live_server, page, world):
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    expect(page.locator("header.site .who")).to_have_text("Công chức xã Hoà Mục (Chợ Mới)")
    expect(todo(page, "Xã Hoà Mục")).to_contain_text("— Chưa bắt đầu")
    page.goto(base + CARD)
    expect(page.locator("h1")).to_have_text("Xã Hoà Mục")
    expect(page.locator("#unit-state")).to_have_text("Chưa bắt đầu")
    switch(page, base, "chomoi.noivu")
    page.goto(base + "/ky/2021/bang-theo-doi/xa/?huyen=065")
    expect(page.locator("tr.unit-row[data-code='02098'] .state")).to_have_text("Chưa bắt đầu")
    expect(page.locator("tr.unit-row[data-code='02098'] td").first).to_have_text("Xã Hoà Mục")
