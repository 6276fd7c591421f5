"""End to end: a unit's officer fills the self-assessment sheet in a real browser (auto-save item by
item, evidence from the library, participants), the head approves and submits or sends it back;
deadlines, wrong values, filters and a phone-sized screen.

The world (tests/conftest.py) freezes parindex.core.clock at NOW = 20/11/2026 10:00 Vietnam time;
the live server runs in this process, so it reads the same frozen clock.
"""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from parindex.assessments import services
from parindex.assessments.models import ItemEvidence, ItemScore, Status
from parindex.core import clock
from parindex.core.demo import DEMO_PASSWORD
from parindex.periods.timeline import VN
from tests.assessments.files import pdf_bytes
from tests.meeting import CHAIR, DEPT_HEAD, DIVISION_HEADS, PAR_OFFICER, SPECIALISTS

LOGIN = "/tai-khoan/dang-nhap/"
HOA_MUC = "/ky/2021/don-vi/02098/tu-danh-gia/"
STP = "/ky/2021/don-vi/STP/tu-danh-gia/"
SAVED = re.compile(r"^Đã lưu lúc \d\d:\d\d:\d\d$")
# the meeting (III.2.2): name, position, and which required participant of 1679 each is
PARTICIPANTS = [("Nông Văn A", "Chủ tịch UBND xã", CHAIR),
                ("Hoàng Thị B", "Công chức Văn phòng - Thống kê (tham mưu CCHC)", PAR_OFFICER),
                ("Lục Văn C", "Công chức Tư pháp - Hộ tịch", SPECIALISTS)]
# the world's commune deadline, exclusive: 04/12/2026 00:00 Vietnam time
COMMUNE_DUE = datetime(2026, 12, 4, 0, 0, tzinfo=VN)
LATE = "Đã quá hạn «UBND cấp xã tự đánh giá, gửi UBND cấp huyện»: hạn cuối hết ngày 03/12/2026"


# -- helpers ---------------------------------------------------------------------------------------

def submit_login(page, base_url, username, password):
    """Fill the login form as a person would, and send it."""
    page.goto(base_url + LOGIN)
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def log_in(page, base_url, username):
    submit_login(page, base_url, username, DEMO_PASSWORD)
    expect(page.locator("h1")).to_have_text("Việc cần làm")


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def open_sheet(page, url):
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("Tự đánh giá, chấm điểm")


def item(page, code):
    return page.locator(f'.sheet-item[data-code="{code}"]')


def as_typed(value: str) -> str:
    """A number as a person types it on a Vietnamese page: "0.5" → "0,5"."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def carries(request, code: str, points: str, explanation: str | None) -> bool:
    """Is this the auto-save of item ``code`` sending these points (and this explanation)?"""
    if request.method != "POST" or not request.url.endswith(f"/tu-danh-gia/muc/{code}/"):
        return False
    body = request.post_data or ""
    return (f'name="points"\r\n\r\n{points}\r\n' in body
            and (explanation is None or f'name="explanation"\r\n\r\n{explanation}\r\n' in body))


def score(page, row, points: str, explanation: str | None = None, *, tap: bool = False):
    """Give one item these points as a person would (explanation first, then the radio or the typed value),
    and wait until the auto-save that carries them is answered and the item says it was saved."""
    code = row.get_attribute("data-code")
    with page.expect_response(lambda r: carries(r.request, code, points, explanation)) as answer:
        if explanation is not None:
            row.locator("textarea[name=explanation]").fill(explanation)
        typed = row.locator("input.points")
        if typed.count():
            typed.fill(points)
        else:
            radio = row.locator(f'.choices input[type=radio][value="{points}"]')
            radio.tap() if tap else radio.check()
    assert answer.value.status == 200, answer.value.text()
    expect(row.locator(".status")).to_have_text(SAVED)


def score_highest(page, row, explanation: str | None = None):
    """Give one item its maximum: the radio whose value is data-max, or the maximum typed with a comma."""
    maximum = row.get_attribute("data-max")
    assert re.fullmatch(r"\d+(\.\d+)?", maximum), f"data-max={maximum!r} is not machine-readable"
    score(page, row, as_typed(maximum), explanation)


def messages(page):
    return page.locator(".messages")


def confirm(page, button: str, title: str):
    """Press a workflow button on the sheet, read the summary page, and confirm."""
    page.get_by_role("button", name=button).click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("dl.summary")).to_contain_text("Tổng điểm tự đánh giá")
    page.get_by_role("button", name=button).click()


# -- 1. the whole commune sheet, with evidence, approved and submitted ---------------------------

def test_commune_officer_fills_the_whole_sheet_with_evidence_and_the_chairperson_submits(
        live_server, page, world, unit_of, tmp_path):  # noqa: F811 - fixture imported above
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")

    # the evidence library: a real PDF, uploaded once
    pdf = tmp_path / "bao-cao-cchc-2021.pdf"
    pdf.write_bytes(pdf_bytes())
    page.goto(base + HOA_MUC + "tai-lieu/")
    expect(page.locator("h1")).to_contain_text("Thư viện tài liệu kiểm chứng")
    expect(page.locator("table.library tbody")).to_contain_text("Chưa có tài liệu nào.")
    page.locator('input[type=file][name="f-file"]').set_input_files(str(pdf))
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(messages(page)).to_contain_text("Đã thêm tệp «bao-cao-cchc-2021.pdf» vào thư viện")
    row = page.locator("table.library tbody tr[data-evidence]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("bao-cao-cchc-2021.pdf")
    expect(row).to_contain_text("Tệp đính kèm")
    evidence_id = row.get_attribute("data-evidence")

    # link the PDF to a few items, each with where in it the proof is
    open_sheet(page, base + HOA_MUC)
    linked = {"a.1.1": "Mục I, trang 1", "c.3.1": "Mục II, trang 3", "g.1": "Phụ lục 2, trang 7"}
    for code, location in linked.items():
        form = item(page, code).locator("form.link-form")
        form.locator("select[name=evidence]").select_option(evidence_id)
        form.locator("input[name=location]").fill(location)
        form.get_by_role("button", name="Gắn").click()
        expect(messages(page)).to_contain_text(f"Đã gắn tài liệu cho tiêu chí {code}")
        links = item(page, code).locator(".links ul li")
        expect(links).to_have_count(1)
        expect(links).to_contain_text(f"bao-cao-cchc-2021.pdf — {location}")
        expect(links.get_by_role("link", name="bao-cao-cchc-2021.pdf")).to_have_attribute(
            "href", f"{HOA_MUC}tai-lieu/{evidence_id}/?xem=1")

    # every self item at its maximum; those without a linked document get an explanation
    rows = page.locator(".sheet-item:not(.survey)")
    expect(rows).to_have_count(53)
    codes = rows.evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert len(codes) == 53 and set(linked) <= set(codes)
    for code in codes:
        score_highest(page, item(page, code), None if code in linked else f"Giải trình tiêu chí {code}: có báo cáo")
    expect(page.locator("#scored")).to_have_text("53")
    expect(page.locator("#unsupported")).to_have_text("0")
    expect(page.locator("#grand-total")).to_have_text("100")

    # what was saved is what the page shows after a reload
    page.reload()
    expect(page.locator("#grand-total")).to_have_text("100")
    expect(page.locator("#scored")).to_have_text("53")
    expect(page.locator("#items")).to_have_text("53")
    expect(page.locator("#unsupported")).to_have_text("0")
    expect(page.locator(".sheet-item.unscored")).to_have_count(0)
    expect(page.locator(".sheet-item.unsupported")).to_have_count(0)
    expect(item(page, "g.1").locator("input.points")).to_have_value("4")
    expect(item(page, "h.2.1").locator('input[type=radio][value="1,5"]')).to_be_checked()
    expect(item(page, "a.1.2").locator("textarea[name=explanation]")).to_have_value(
        "Giải trình tiêu chí a.1.2: có báo cáo")
    assert ItemScore.objects.filter(assessment__period_unit__code="02098", points__isnull=False).count() == 53
    assert ItemEvidence.objects.filter(score__assessment__period_unit__code="02098").count() == 3

    # participants of the self-assessment meeting (III.2.2) and the difficulties section
    page.get_by_role("link", name=re.compile(r"^Thành phần tham gia, khó khăn, kiến nghị")).click()
    expect(page.locator("h1")).to_contain_text("Thành phần tham gia tự đánh giá")
    for name, position, role in PARTICIPANTS:  # one box per required participant, named as in 1679
        page.get_by_label(f"{role} (bắt buộc; mỗi dòng: họ và tên; chức vụ)").fill(f"{name}; {position}")
    page.get_by_label("Khó khăn, vướng mắc, kiến nghị").fill("Thiếu máy scan ở bộ phận một cửa")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(messages(page)).to_contain_text("Đã lưu thành phần tham gia và phần khó khăn, kiến nghị")
    expect(page.get_by_role("link", name=re.compile(r"^Thành phần tham gia, khó khăn, kiến nghị"))).to_have_text(
        "Thành phần tham gia, khó khăn, kiến nghị (3)")

    expect(page.locator(".workflow .warn")).to_have_count(0)  # nothing lacks support
    confirm(page, "Trình thủ trưởng duyệt", "Trình thủ trưởng duyệt")
    expect(messages(page)).to_contain_text("Đã trình thủ trưởng duyệt")
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    expect(page.locator(".workflow")).to_contain_text("Đang chờ thủ trưởng duyệt.")
    expect(page.locator(".sheet-item fieldset:not([disabled])")).to_have_count(0)
    log_out(page)

    # the chairperson approves and submits
    log_in(page, base, "hoamuc.chutich")
    open_sheet(page, base + HOA_MUC)
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    expect(page.locator("#grand-total")).to_have_text("100")
    confirm(page, "Duyệt và nộp", "Duyệt và nộp bản tự đánh giá")
    expect(messages(page)).to_contain_text("Đã duyệt và nộp bản tự đánh giá")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")
    expect(page.locator(".workflow")).to_contain_text(
        re.compile(r"Đã nộp lúc \d\d:\d\d \d\d/\d\d/\d{4} bởi Chủ tịch UBND xã Hoà Mục"))
    expect(page.get_by_role("button", name="Duyệt và nộp")).to_have_count(0)

    # the evidence opens for the head, in the browser (inline PDF)
    href = item(page, "c.3.1").locator(".links a").first.get_attribute("href")
    assert href == f"{HOA_MUC}tai-lieu/{evidence_id}/?xem=1"
    response = page.request.get(base + href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.body() == pdf.read_bytes()

    submitted = services.get_or_create(unit_of("02098"))
    assert submitted.status == Status.SUBMITTED
    assert submitted.snapshot["self_points"] == "100"
    # by key: PostgreSQL's jsonb keeps no key order (name, role, position), so never read a snapshot row's values()
    assert [(p["name"], p["position"], p["role"]) for p in submitted.snapshot["participants"]] == PARTICIPANTS
    assert submitted.snapshot["difficulties"] == "Thiếu máy scan ở bộ phận một cửa"
    assert submitted.snapshot["items"]["c.3.1"]["evidence"][0]["location"] == "Mục II, trang 3"


# -- 2. a department: sent back with a comment, corrected on the page, resubmitted ----------------

@pytest.fixture
def stp_ready(assessment_of, fill, persona):  # noqa: F811 - fixtures imported above
    stp = fill(assessment_of("STP"), "stp.canbo")
    services.set_participants(stp, [("Nguyễn Văn D", "Giám đốc Sở", DEPT_HEAD),
                                    ("Trần Thị E", "Trưởng phòng VBQPPL", DIVISION_HEADS)],
                              actor=persona("stp.canbo"))
    return stp


def test_department_sheet_is_sent_back_by_the_director_and_resubmitted(live_server, page, stp_ready):
    base = live_server.url
    comment = "Tiêu chí a.1.2: kế hoạch chưa đủ nội dung, chấm lại"

    log_in(page, base, "stp.canbo")
    open_sheet(page, base + STP)
    expect(page.locator("#assessment-status")).to_have_text("Đang soạn")
    expect(page.locator("#grand-total")).to_have_text("74")
    confirm(page, "Trình thủ trưởng duyệt", "Trình thủ trưởng duyệt")
    expect(messages(page)).to_contain_text("Đã trình thủ trưởng duyệt")
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    log_out(page)

    log_in(page, base, "stp.giamdoc")
    open_sheet(page, base + STP)
    page.get_by_label("Ý kiến khi trả lại").fill(comment)
    page.get_by_role("button", name="Trả lại cán bộ").click()
    expect(messages(page)).to_contain_text("Đã trả lại cho cán bộ")
    expect(page.locator("#assessment-status")).to_have_text("Đang soạn")
    log_out(page)

    log_in(page, base, "stp.canbo")
    open_sheet(page, base + STP)
    expect(page.locator("#assessment-status")).to_have_text("Đang soạn")
    expect(page.locator("p.errors[role=alert]")).to_have_text(f"Thủ trưởng trả lại: {comment}")
    row = item(page, "a.1.2")
    expect(row.locator('input[type=radio][value="1,5"]')).to_be_checked()
    score(page, row, "1", "Kế hoạch CCHC năm 2021 thiếu nội dung chuyển đổi số")
    expect(page.locator("#grand-total")).to_have_text("73,5")
    page.reload()
    expect(item(page, "a.1.2").locator('input[type=radio][value="1"]')).to_be_checked()
    expect(page.locator("#grand-total")).to_have_text("73,5")
    confirm(page, "Trình thủ trưởng duyệt", "Trình thủ trưởng duyệt")
    expect(messages(page)).to_contain_text("Đã trình thủ trưởng duyệt")
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    expect(page.locator("p.errors[role=alert]")).to_have_count(0)  # the comment is cleared on resubmission
    log_out(page)

    log_in(page, base, "stp.giamdoc")
    open_sheet(page, base + STP)
    confirm(page, "Duyệt và nộp", "Duyệt và nộp bản tự đánh giá")
    expect(messages(page)).to_contain_text("Đã duyệt và nộp bản tự đánh giá")
    expect(page.locator("#assessment-status")).to_have_text("Đã nộp")
    stp = services.get_or_create(stp_ready.period_unit)
    assert stp.status == Status.SUBMITTED
    assert stp.snapshot["self_points"] == "73.5"
    assert stp.snapshot["items"]["a.1.2"]["points"] == "1"


# -- 3. the deadline -------------------------------------------------------------------------------

@pytest.fixture
def hoa_muc_awaiting(assessment_of, fill, persona):  # noqa: F811 - fixtures imported above
    assessment = fill(assessment_of("02098"), "hoamuc.canbo")
    services.set_participants(assessment, PARTICIPANTS, actor=persona("hoamuc.canbo"),
                              difficulties="Thiếu máy scan ở bộ phận một cửa")
    services.send_for_approval(assessment, actor=persona("hoamuc.canbo"))
    return assessment


def test_a_submission_after_the_deadline_is_refused(live_server, page, hoa_muc_awaiting):
    base = live_server.url
    clock.freeze(COMMUNE_DUE)  # the first instant after the deadline; the live server reads this clock

    log_in(page, base, "hoamuc.chutich")
    open_sheet(page, base + HOA_MUC)
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    page.get_by_role("button", name="Duyệt và nộp").click()
    # the confirmation page names what blocks the step, and offers no button
    expect(page.locator("h1")).to_have_text("Duyệt và nộp bản tự đánh giá")
    expect(page.locator(".msg.error")).to_have_text(LATE)
    expect(page.get_by_role("button", name="Duyệt và nộp")).to_have_count(0)
    page.get_by_role("link", name="Quay lại").click()
    expect(page.locator("#assessment-status")).to_have_text("Chờ thủ trưởng duyệt")
    assert services.get_or_create(hoa_muc_awaiting.period_unit).status == Status.AWAITING_APPROVAL

    # the head sends it back; after the deadline the officer still cannot change anything
    page.get_by_label("Ý kiến khi trả lại").fill("Bổ sung giải trình tiêu chí c.3.1")
    page.get_by_role("button", name="Trả lại cán bộ").click()
    expect(page.locator("#assessment-status")).to_have_text("Đang soạn")
    log_out(page)

    log_in(page, base, "hoamuc.canbo")
    open_sheet(page, base + HOA_MUC)
    expect(page.locator("#assessment-status")).to_have_text("Đang soạn")
    expect(page.locator("dl.facts")).to_contain_text(LATE)
    fieldsets = page.locator(".sheet-item:not(.survey) form.item-form fieldset")
    expect(fieldsets).to_have_count(53)
    expect(page.locator(".sheet-item form.item-form fieldset[disabled]")).to_have_count(53)
    expect(item(page, "a.1.1").locator('input[type=radio][value="0,5"]')).to_be_disabled()
    expect(item(page, "g.1").locator("input.points")).to_be_disabled()
    expect(item(page, "g.1").locator("textarea[name=explanation]")).to_be_disabled()
    expect(page.locator("form.link-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Trình thủ trưởng duyệt")).to_be_disabled()
    # and a save sent anyway (a page loaded before the deadline) is refused by the server
    refused = item(page, "a.1.1").locator("form.item-form").evaluate("""form => {
        const data = new FormData(form);
        data.set("points", "0,5");
        return fetch(form.action, {method: "POST", body: data, headers: {"Accept": "application/json"}})
          .then(r => r.json().then(body => [r.status, body.error]));
    }""")
    assert refused == [400, LATE]
    assert ItemScore.objects.get(assessment=hoa_muc_awaiting, item_code="a.1.1").points == 1


# -- 4. a wrong value -------------------------------------------------------------------------------

def test_a_wrong_value_is_refused_on_the_page_and_nothing_else_is_lost(live_server, page, world):
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    open_sheet(page, base + HOA_MUC)

    first = item(page, "a.1.1")
    score(page, first, "0,5", "Kế hoạch CCHC số 12/KH-UBND")

    g1 = item(page, "g.1")
    # g.1 is the sum of 3 parts (issue 12 §3, item 2): the rule names the reachable totals
    expect(g1.locator(".meta[id='rule-g.1']")).to_contain_text("tổng điểm của 3 phần")
    g1.locator("input.points").fill("3,8")
    status = g1.locator(".status")
    expect(status).to_have_text(
        "Xã Hoà Mục: tiêu chí g.1: giá trị «3,8» không hợp lệ — cho phép: tổng điểm của 3 phần, một trong các "
        "giá trị 0; 0,5; 0,75; 1; 1,25; 1,5; 1,75; 2; 2,25; 2,5; 2,75; 3; 3,25; 3,5; 4")
    expect(status).to_have_class(re.compile(r"\berror\b"))
    expect(g1.locator("input.points")).to_have_value("3,8")  # what was typed stays, to be corrected
    expect(page.locator("#scored")).to_have_text("1")  # the server's count: g.1 was not saved
    assert not ItemScore.objects.filter(assessment__period_unit__code="02098", item_code="g.1",
                                        points__isnull=False).exists()

    page.reload()
    expect(item(page, "a.1.1").locator('input[type=radio][value="0,5"]')).to_be_checked()
    expect(item(page, "a.1.1").locator("textarea[name=explanation]")).to_have_value("Kế hoạch CCHC số 12/KH-UBND")
    expect(item(page, "g.1").locator("input.points")).to_have_value("")
    expect(page.locator("#scored")).to_have_text("1")
    expect(page.locator("#grand-total")).to_have_text("0,5")

    # a reachable total is then accepted
    score(page, item(page, "g.1"), "3,25")
    expect(page.locator("#grand-total")).to_have_text("3,75")


# -- 5. filters ------------------------------------------------------------------------------------

def test_the_filter_jumps_to_what_is_missing(live_server, page, world):
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    open_sheet(page, base + HOA_MUC)

    explained = item(page, "a.1.1")
    score(page, explained, "1", "Kế hoạch CCHC số 12/KH-UBND")
    bare = item(page, "a.1.2")  # points but neither evidence nor explanation
    score(page, bare, "2")
    expect(page.locator("#unsupported")).to_have_text("1")

    visible = page.locator(".sheet-item:not(.survey):visible")
    expect(visible).to_have_count(53)
    page.get_by_role("link", name="Chưa chấm", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?loc=chua-cham$"))
    expect(explained).to_be_hidden()
    expect(bare).to_be_hidden()
    expect(item(page, "a.2.1")).to_be_visible()
    expect(item(page, "h.5.3")).to_be_visible()
    expect(visible).to_have_count(51)

    page.get_by_role("link", name="Thiếu tài liệu kiểm chứng", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?loc=thieu-tai-lieu$"))
    expect(visible).to_have_count(1)
    expect(bare).to_be_visible()
    expect(explained).to_be_hidden()

    # the filter survives a reload (the server renders it), and «Tất cả» shows everything again
    page.reload()
    expect(visible).to_have_count(1)
    expect(bare).to_be_visible()
    page.get_by_role("link", name="Tất cả", exact=True).click()
    expect(visible).to_have_count(53)


# -- 6. a phone ------------------------------------------------------------------------------------

def test_on_a_phone_the_sheet_fits_the_screen_and_an_item_is_scored_with_a_tap(
        live_server, browser, world, assessment_of, persona):  # noqa: F811 - fixtures imported above
    assessment = assessment_of("02098")
    services.upload_evidence(assessment, SimpleUploadedFile("bao-cao-cchc-2021.pdf", pdf_bytes()),
                             actor=persona("hoamuc.canbo"))
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        base = live_server.url
        log_in(page, base, "hoamuc.canbo")
        open_sheet(page, base + HOA_MUC)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 391, f"the sheet is {width}px wide on a 390px phone"

        row = item(page, "c.3.1")
        score(page, row, "6", "Đủ hồ sơ một cửa", tap=True)
        expect(page.locator("#grand-total")).to_have_text("6")
        expect(page.locator("#scored")).to_have_text("1")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 391
    finally:
        context.close()


# -- 7. a quick correction while the first save is still on its way -------------------------------

def test_a_quick_second_change_while_the_first_save_is_in_flight_is_saved_not_refused_as_a_conflict(
        live_server, page, world):
    """On a slow connection a person picks 0,5, then at once 1: the second save must not collide with the
    first one (same version) and be refused as if someone else had saved the item."""
    base = live_server.url
    log_in(page, base, "hoamuc.canbo")
    page.clock.install()  # the page's timers (auto-save delays) run only when the test says so
    open_sheet(page, base + HOA_MUC)
    held = []

    def hold_while_first_is_held(route):
        if not held or held[0] is not None:  # the first save, or any save while the first is held
            held.append(route)
        else:
            route.continue_()
    page.route("**/tu-danh-gia/muc/a.1.1/", hold_while_first_is_held)

    row = item(page, "a.1.1")
    row.locator("textarea[name=explanation]").fill("Kế hoạch CCHC số 12/KH-UBND")
    with page.expect_request("**/tu-danh-gia/muc/a.1.1/"):
        row.locator('input[type=radio][value="0,5"]').check()
        page.clock.run_for(1000)
    expect(row.locator(".status")).to_have_text("Đang lưu…")
    row.locator('input[type=radio][value="1"]').check()  # changed their mind before the answer came
    page.clock.run_for(1000)

    answers = []

    def second_answer(response):
        answers.append(response.status)
        return len(answers) == 2
    with page.expect_response(lambda r: r.url.endswith("/muc/a.1.1/") and second_answer(r)):
        first = held[0]
        first.fulfill(response=first.fetch())  # the slow answer to the first save finally arrives
        held[0] = None
        for route in held[1:]:
            route.continue_()
    assert answers == [200, 200]
    expect(row.locator(".status")).to_have_text(SAVED)
    expect(row.locator(".status")).to_have_class(re.compile(r"\bok\b"))
    score = ItemScore.objects.get(assessment__period_unit__code="02098", item_code="a.1.1")
    assert (score.points, score.explanation) == (1, "Kế hoạch CCHC số 12/KH-UBND")
    page.reload()
    expect(item(page, "a.1.1").locator('input[type=radio][value="1"]')).to_be_checked()
